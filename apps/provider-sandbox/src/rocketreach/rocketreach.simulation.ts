import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { Request } from 'express';
import type { ChargedReply, SimulatedReply } from '../simulation/simulated-provider';
import { TaskBoard } from '../simulation/task-board';
import { SandboxState } from '../state/sandbox-state';
import type { WorldPerson } from '../world/contacts';
import { deriveSeed } from '../world/prng';
import { World } from '../world/generate-world';
import type { WorldCompany } from '../world/world-types';
import { rocketreach } from './rocketreach.provider';

const ID_OFFSET = 100_000;
const BULK = { min: 10, max: 100 };
const NOT_FOUND: SimulatedReply = { status: 404, body: { detail: 'Not found.' } };

type Params = Record<string, unknown>;

function text(value: unknown): string {
  return typeof value === 'string' ? value.trim() : typeof value === 'number' ? String(value) : '';
}

/** RocketReach's endpoints over the world; lookups of some people start `searching` and finish later. */
@Injectable()
export class RocketReachSimulation {
  constructor(
    private readonly world: World,
    private readonly tasks: TaskBoard,
    private readonly state: SandboxState,
  ) {}

  /** `GET /person/lookup`, `/universal/person/lookup` and `/profile-company/lookup`. */
  lookup(params: Params, withCompany = false): SimulatedReply | ChargedReply {
    if (text(params.name) && !text(params.current_employer)) {
      return { status: 400, body: { current_employer: ['This field is required when name is given.'] } };
    }
    const person = this.find(params);
    if (!person || !this.knowsAnything(person)) {
      return NOT_FOUND;
    }
    const id = this.idOf(person);
    const existing = this.tasks.status(rocketreach.name, String(id));
    const slow = deriveSeed(this.world.seed, `rocketreach:slow:${person.person_id}`) % 3 === 0;
    if (slow && !existing) {
      const runtime = this.state.runtimeOf(rocketreach);
      this.tasks.create({
        provider: rocketreach.name,
        id: String(id),
        delayMs: runtime.settings.task_delay_ms,
        finish: () => ({ body: this.profile(person, 'complete', withCompany), charge: 1 }),
        webhook: runtime.webhook ? this.webhookFor(runtime.webhook, randomUUID()) : undefined,
      });
      return {
        status: 200,
        body: { ...this.profile(person, 'searching', withCompany), emails: null, phones: null },
      };
    }
    if (existing?.state === 'pending') {
      return { status: 200, body: { id, status: 'searching', name: person.full_name } };
    }
    return {
      reply: { status: 200, body: this.profile(person, 'complete', withCompany) },
      charge: existing ? 0 : 1,
    };
  }

  checkStatus(request: Request): SimulatedReply {
    const raw = request.query.ids;
    const ids = (Array.isArray(raw) ? raw : [raw]).map(text).filter(Boolean);
    if (ids.length === 0 || ids.some((id) => !/^\d+$/.test(id))) {
      return { status: 400, body: { ids: ['A list of profile ids is required.'] } };
    }
    return {
      status: 200,
      body: ids.map((id) => {
        const status = this.tasks.status(rocketreach.name, id);
        if (status?.state === 'done') {
          return status.body;
        }
        const person = this.world.contacts.people[Number(id) - ID_OFFSET];
        return { id: Number(id), status: status ? 'searching' : person ? 'complete' : 'failed' };
      }),
    };
  }

  personSearch(body: Params): SimulatedReply {
    const query = (body.query ?? {}) as Record<string, unknown>;
    const names = Array.isArray(query.name) ? query.name.map(text) : [];
    const employers = Array.isArray(query.current_employer) ? query.current_employer.map(text) : [];
    const domains = Array.isArray(query.company_domain) ? query.company_domain.map(text) : [];
    const { start, size } = this.page(body);
    const matches = this.world.contacts.people.filter((person) => {
      const company = this.world.contacts.companyOf(person);
      return (
        (names.length === 0 || names.some((n) => person.full_name.toLowerCase().includes(n.toLowerCase()))) &&
        (employers.length === 0 ||
          employers.some((e) => company.company_name.toLowerCase().includes(e.toLowerCase()))) &&
        (domains.length === 0 || domains.includes(company.domain))
      );
    });
    const slice = matches.slice(start - 1, start - 1 + size);
    return {
      status: 201,
      body: {
        profiles: slice.map((person) => ({
          id: this.idOf(person),
          name: person.full_name,
          current_title: person.title,
          current_employer: this.world.contacts.companyOf(person).company_name,
          linkedin_url: person.linkedin_url,
          city: person.city,
          country: person.country,
          teaser: {
            emails: [],
            professional_emails: [this.world.contacts.companyOf(person).domain],
            phones: [],
            is_premium_phone_available: this.world.contacts.knows(rocketreach.name, 'phone', person),
          },
        })),
        pagination: {
          start,
          next: start + size <= matches.length ? start + size : null,
          total: matches.length,
        },
      },
    };
  }

  companyLookup(params: Params): SimulatedReply | ChargedReply {
    const company = this.findCompany(params);
    return company ? { reply: { status: 200, body: this.company(company) }, charge: 1 } : NOT_FOUND;
  }

  companySearch(body: Params): SimulatedReply {
    const query = (body.query ?? {}) as Record<string, unknown>;
    const names = Array.isArray(query.name) ? query.name.map(text) : [];
    const domains = Array.isArray(query.domain) ? query.domain.map(text) : [];
    const { start, size } = this.page(body);
    const matches = this.world.companies.filter(
      (company) =>
        (names.length === 0 ||
          names.some((n) => company.company_name.toLowerCase().includes(n.toLowerCase()))) &&
        (domains.length === 0 || domains.includes(company.domain)),
    );
    return {
      status: 201,
      body: {
        companies: matches.slice(start - 1, start - 1 + size).map((company) => this.company(company)),
        pagination: {
          start,
          next: start + size <= matches.length ? start + size : null,
          total: matches.length,
        },
      },
    };
  }

  /** `POST /bulkLookup`: accepted with an `RR-Request-ID`; the list goes to the account's webhook. */
  bulkLookup(body: Params): SimulatedReply {
    const queries = body.queries;
    if (!Array.isArray(queries) || queries.length < BULK.min || queries.length > BULK.max) {
      return { status: 400, body: { queries: [`Send between ${BULK.min} and ${BULK.max} queries.`] } };
    }
    const requestId = randomUUID();
    const runtime = this.state.runtimeOf(rocketreach);
    const people = queries.map((query) => this.find((query ?? {}) as Params));
    this.tasks.create({
      provider: rocketreach.name,
      id: `bulk-${requestId}`,
      delayMs: runtime.settings.task_delay_ms,
      finish: () => {
        const found = people.filter((p): p is WorldPerson => p !== undefined && this.knowsAnything(p));
        const affordable = found.slice(0, Math.max(0, Math.floor(runtime.settings.credits ?? 0)));
        return {
          body: affordable.map((person) => ({
            ...this.profile(person, 'complete', false),
            profile_list: { id: 1, name: text(body.profile_list) || 'API Bulk Lookup' },
          })),
          charge: affordable.length,
        };
      },
      webhook: runtime.webhook ? this.webhookFor(runtime.webhook, requestId) : undefined,
    });
    return { status: 200, body: {}, headers: { 'RR-Request-ID': requestId } };
  }

  account(): SimulatedReply {
    const { remaining, used, allocated } = this.credits();
    return {
      status: 200,
      body: {
        id: 1,
        first_name: 'Sandbox',
        last_name: 'Account',
        email: 'sandbox@example.com',
        state: 'registered',
        credit_usage: [{ credit_type: 'premium_lookup', allocated, used, remaining }],
        rate_limits: [],
        lookup_credit_balance: remaining,
        plan: { id: 1, name: 'Custom', lookup_limit: allocated },
      },
    };
  }

  createKey(): SimulatedReply {
    return { status: 200, body: { api_key: `sandbox-rr-${randomBytes(12).toString('hex')}` } };
  }

  universalAccount(): SimulatedReply {
    const { remaining, used, allocated } = this.credits();
    return {
      status: 200,
      body: {
        credit_usage: {
          credits_allocated: allocated,
          credits_used: used,
          credits_remaining: remaining,
          last_synced: new Date().toISOString(),
        },
        credit_usage_by_action: [],
        plan: { id: 1, name: 'Universal', lookup_limit: allocated, export_limit: 0 },
        rate_limits: [],
      },
    };
  }

  private credits(): { remaining: number; used: number; allocated: number } {
    const remaining = this.state.runtimeOf(rocketreach).settings.credits ?? 0;
    const allocated = Math.max(rocketreach.defaults.credits ?? 0, remaining);
    return { remaining, used: allocated - remaining, allocated };
  }

  private webhookFor(hook: { url: string; secret: string | null }, requestId: string) {
    return {
      url: hook.url,
      headers: (raw: string): Record<string, string> => ({
        'RR-Request-ID': requestId,
        ...(hook.secret
          ? { 'X-RocketReach-Signature': createHmac('sha256', hook.secret).update(raw).digest('base64') }
          : {}),
      }),
    };
  }

  private page(body: Params): { start: number; size: number } {
    const start = typeof body.start === 'number' && body.start >= 1 ? Math.floor(body.start) : 1;
    const size =
      typeof body.page_size === 'number' && body.page_size >= 1
        ? Math.min(100, Math.floor(body.page_size))
        : 10;
    return { start, size };
  }

  private idOf(person: WorldPerson): number {
    return ID_OFFSET + this.world.contacts.people.indexOf(person);
  }

  private knowsAnything(person: WorldPerson): boolean {
    const { contacts } = this.world;
    return (
      contacts.knows(rocketreach.name, 'work_email', person) ||
      contacts.knows(rocketreach.name, 'phone', person) ||
      (person.personal_email !== null && contacts.knows(rocketreach.name, 'personal_email', person))
    );
  }

  private find(params: Params): WorldPerson | undefined {
    const { contacts } = this.world;
    const id = text(params.id);
    if (id) {
      return /^\d+$/.test(id) ? contacts.people[Number(id) - ID_OFFSET] : undefined;
    }
    const linkedin = text(params.linkedin_url);
    const email = text(params.email);
    const phone = text(params.phone).replace(/[^\d+]/g, '');
    const name = text(params.name);
    const employer = text(params.current_employer);
    const [first, ...rest] = name.split(/\s+/);
    return (
      (linkedin ? contacts.byLinkedinUrl(linkedin) : undefined) ??
      (email ? contacts.byEmailAddress(email) : undefined) ??
      (phone ? contacts.byPhoneNumber(phone.startsWith('+') ? phone : `+${phone}`) : undefined) ??
      (first && rest.length > 0 && employer ? contacts.byNameAt(first, rest.join(' '), employer) : undefined)
    );
  }

  private findCompany(params: Params): WorldCompany | undefined {
    const { contacts } = this.world;
    const domain = text(params.domain);
    const name = text(params.name);
    const id = text(params.id);
    return (
      (domain ? contacts.companyByDomainName(domain) : undefined) ??
      (name ? contacts.companyByCompanyName(name) : undefined) ??
      (id && /^\d+$/.test(id) ? this.world.companies[Number(id) - ID_OFFSET] : undefined)
    );
  }

  private profile(person: WorldPerson, status: string, withCompany: boolean): Record<string, unknown> {
    const { contacts } = this.world;
    const company = contacts.companyOf(person);
    const emails: Record<string, unknown>[] = [];
    if (contacts.knows(rocketreach.name, 'work_email', person)) {
      const truth = contacts.emailTruthOf(person.work_email);
      emails.push({
        email: person.work_email,
        smtp_valid:
          truth === 'catch_all'
            ? 'accept-all'
            : truth === 'valid'
              ? 'valid'
              : truth === 'invalid'
                ? 'invalid'
                : 'unknown',
        type: 'professional',
        grade: truth === 'valid' ? 'A' : 'B',
        last_validation_check: '2026-11-01',
      });
    }
    if (person.personal_email && contacts.knows(rocketreach.name, 'personal_email', person)) {
      emails.push({
        email: person.personal_email,
        smtp_valid: 'valid',
        type: 'personal',
        grade: 'A-',
        last_validation_check: '2026-11-01',
      });
    }
    const phone = person.mobile_phone ?? person.direct_phone;
    const phones =
      phone && contacts.knows(rocketreach.name, 'phone', person)
        ? [
            {
              number: phone,
              e164: phone,
              country_code: 'GB',
              extension: null,
              type: phone === person.mobile_phone ? 'mobile' : 'direct dial',
              grade: 'A',
              recommended: true,
            },
          ]
        : [];
    const professional = emails.find((e) => e.type === 'professional')?.email ?? null;
    const personal = emails.find((e) => e.type === 'personal')?.email ?? null;
    return {
      id: this.idOf(person),
      status,
      name: person.full_name,
      linkedin_url: person.linkedin_url,
      city: person.city,
      region: null,
      country: person.country,
      country_code: 'GB',
      current_title: person.title,
      current_employer: company.company_name,
      current_employer_domain: company.domain,
      current_employer_website: `https://www.${company.domain}`,
      recommended_email: professional ?? personal,
      recommended_professional_email: professional,
      recommended_personal_email: personal,
      current_work_email: professional,
      current_personal_email: personal,
      emails,
      phones,
      ...(withCompany ? { company: this.company(company) } : {}),
    };
  }

  private company(company: WorldCompany): Record<string, unknown> {
    const firm = this.world.contacts.firmographicsOf(company);
    return {
      id: ID_OFFSET + this.world.companies.indexOf(company),
      name: company.company_name,
      domain: company.domain,
      email_domain: company.domain,
      website_domain: company.domain,
      industry: firm.industry,
      num_employees: firm.employees,
      revenue: firm.revenue_usd,
      linkedin_url: firm.linkedin_url,
      phone: firm.phone,
      city: company.registered_office_address.locality,
      region: null,
      country_code: 'GB',
      techstack: firm.technologies,
    };
  }
}
