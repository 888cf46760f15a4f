import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { ChargedReply, SimulatedReply } from '../simulation/simulated-provider';
import { windowsOfKey } from '../simulation/rate-limit-windows';
import { TaskBoard, type TaskWebhook } from '../simulation/task-board';
import { SandboxState } from '../state/sandbox-state';
import type { WorldPerson } from '../world/contacts';
import { World } from '../world/generate-world';
import { deriveSeed } from '../world/prng';
import type { WorldCompany } from '../world/world-types';
import { rocketreach } from './rocketreach.provider';
import { REVEAL_ALL, RocketReachRenderer, type RocketReachReveal } from './rocketreach.render';

const BULK = { min: 10, max: 100 };
const UNIVERSAL_BULK = { min: 1, max: 100 };

/**
 * Universal credits per action (provider-apis.md §1, "Credits"): searches per page with results,
 * lookups per revealed kind of data that came back.
 */
export const UNIVERSAL_PRICES = Object.freeze({
  personSearchPage: 1,
  companySearchPage: 2,
  professionalEmail: 2,
  personalEmail: 3,
  phone: 6,
  company: 1,
});

/** The list a bulk lookup's profiles are saved to when the request names none (RocketReach's default). */
const BULK_LIST_NAME = 'API Bulk Lookup';
/**
 * The list single lookups' profiles are saved to. The reference documents `profile_list{id,name}`
 * on every delivery but names no list for single lookups: this name is the sandbox's own.
 */
export const LOOKUP_LIST_NAME = 'API Lookup';

const NOT_FOUND: SimulatedReply = { status: 404, body: { detail: 'Not found.' } };
const IDENTIFIERS = ['id', 'linkedin_url', 'email', 'phone', 'npi_number', 'name'] as const;

/** Person lookups: the legacy one, the one that adds the company, and the Universal one with reveal flags. */
export type LookupVariant = 'person' | 'profile-company' | 'universal';

type Params = Record<string, unknown>;

function text(value: unknown): string {
  return typeof value === 'string' ? value.trim() : typeof value === 'number' ? String(value) : '';
}

function flag(value: unknown): boolean {
  return value === true || text(value).toLowerCase() === 'true';
}

function values(query: Params, ...facets: string[]): string[] {
  return facets.flatMap((facet) => {
    const given = query[facet];
    return Array.isArray(given) ? given.map(text).filter(Boolean) : [];
  });
}

function revealOf(params: Params): RocketReachReveal {
  return {
    professionalEmail: flag(params.reveal_professional_email),
    personalEmail: flag(params.reveal_personal_email),
    phone: flag(params.reveal_phone),
  };
}

/**
 * Legacy credits: one when the profile came back with an e-mail or a phone graded A or A- (the
 * credits FAQ: "premium credit when an A/A- email or a valid phone comes back"); a profile with
 * only a B-graded address is free.
 */
function legacyCharge(profile: Record<string, unknown>): number {
  const graded = (list: unknown): boolean =>
    (list as { grade?: string }[]).some((entry) => entry.grade === 'A' || entry.grade === 'A-');
  return graded(profile.emails) || graded(profile.phones) ? 1 : 0;
}

/** Universal credits: each revealed kind that came back, at its price. */
function universalCharge(profile: Record<string, unknown>): number {
  const emails = profile.emails as { type: string }[];
  const phones = profile.phones as unknown[];
  return (
    (emails.some((e) => e.type === 'professional') ? UNIVERSAL_PRICES.professionalEmail : 0) +
    (emails.some((e) => e.type === 'personal') ? UNIVERSAL_PRICES.personalEmail : 0) +
    (phones.length > 0 ? UNIVERSAL_PRICES.phone : 0)
  );
}

/**
 * RocketReach's endpoints over the world. A lookup is charged once per profile (the first time it
 * completes; re-looking-up an unlocked profile is free) and every lookup is a TaskBoard task: about
 * a third of the people (fixed per person by the seed) start `searching` and complete after
 * `task_delay_ms`, then answer `checkStatus` and reach the account's webhook; the rest complete at once.
 */
@Injectable()
export class RocketReachSimulation {
  private readonly render: RocketReachRenderer;

  constructor(
    private readonly world: World,
    private readonly tasks: TaskBoard,
    private readonly state: SandboxState,
  ) {
    this.render = new RocketReachRenderer(world);
  }

  /** The most a Universal lookup can charge: what it asks to reveal (the pipeline refuses below it). */
  universalLookupCost(params: Params): number {
    const reveal = revealOf(params);
    const cost =
      (reveal.professionalEmail ? UNIVERSAL_PRICES.professionalEmail : 0) +
      (reveal.personalEmail ? UNIVERSAL_PRICES.personalEmail : 0) +
      (reveal.phone ? UNIVERSAL_PRICES.phone : 0);
    return Math.max(1, cost);
  }

  /** `GET /person/lookup`, `/profile-company/lookup` and `/universal/person/lookup`. */
  lookup(params: Params, variant: LookupVariant): SimulatedReply {
    const invalid = this.invalidMatch(params);
    if (invalid) {
      return invalid;
    }
    const person = this.find(params);
    if (!person || !this.render.knowsAnything(person)) {
      return NOT_FOUND;
    }
    const universal = variant === 'universal';
    const reveal = universal ? revealOf(params) : REVEAL_ALL;
    const render = (status: string) =>
      this.render.profile(person, status, { withCompany: variant === 'profile-company', reveal });
    const id = this.render.profileIdOf(person);
    const taskId = universal ? `universal:${id}` : String(id);
    // Every answer carries RR-Request-ID; a webhook delivery repeats the one of the lookup that started it.
    const requestId = randomUUID();
    const headers = { 'RR-Request-ID': requestId };
    if (!this.tasks.status(rocketreach.name, taskId)) {
      const runtime = this.state.runtimeOf(rocketreach);
      const slow = this.startsSearching(person);
      this.tasks.create({
        provider: rocketreach.name,
        id: taskId,
        delayMs: slow ? runtime.settings.task_delay_ms : 0,
        finish: () => {
          const body = render('complete');
          return { body, charge: universal ? universalCharge(body) : legacyCharge(body) };
        },
        webhook:
          slow && runtime.webhook
            ? this.webhookFor(runtime.webhook, requestId, (profile) => ({
                ...(profile as Record<string, unknown>),
                profile_list: this.profileList(LOOKUP_LIST_NAME),
              }))
            : undefined,
      });
    }
    if (this.tasks.status(rocketreach.name, taskId)?.state !== 'done') {
      return {
        status: 200,
        body: { ...render('searching'), emails: null, phones: null, recommended_email: null },
        headers,
      };
    }
    return { status: 200, body: render('complete'), headers };
  }

  /** `GET /person/checkStatus` and `/universal/person/check_status`: `ids` repeated or comma-separated. */
  checkStatus(raw: unknown, universal: boolean): SimulatedReply {
    const ids = (Array.isArray(raw) ? raw : [raw])
      .flatMap((value) => text(value).split(','))
      .map((id) => id.trim())
      .filter(Boolean);
    if (ids.length === 0 || ids.some((id) => !/^\d+$/.test(id))) {
      return { status: 400, body: { ids: ['A list of profile ids is required.'] } };
    }
    return {
      status: 200,
      body: ids.map((id) => {
        const task = this.tasks.status(rocketreach.name, universal ? `universal:${id}` : id);
        if (task?.state === 'done') {
          return task.body;
        }
        if (task) {
          return { id: Number(id), status: 'searching' };
        }
        return {
          id: Number(id),
          status: this.render.personByProfileId(Number(id)) ? 'not queued' : 'failed',
        };
      }),
    };
  }

  /** `POST /person/search` and `/universal/person/search`. */
  personSearch(body: Params, universal: boolean): SimulatedReply | ChargedReply {
    const query = (body.query ?? {}) as Params;
    const names = values(query, 'name').map((n) => n.toLowerCase());
    // The OpenAPI lists employer and company_name; the SDK's examples use current_employer.
    const employers = values(query, 'current_employer', 'employer', 'company_name').map((e) =>
      e.toLowerCase(),
    );
    const domains = values(query, 'company_domain');
    const page = this.page(body);
    if ('status' in page) {
      return page;
    }
    if (names.length + employers.length + domains.length === 0) {
      return {
        status: 400,
        body: { query: ['Give at least one of name, current_employer, company_domain.'] },
      };
    }
    const matches = this.world.contacts.people.filter((person) => {
      const company = this.world.contacts.companyOf(person);
      return (
        (names.length === 0 || names.some((n) => person.full_name.toLowerCase().includes(n))) &&
        (employers.length === 0 || employers.some((e) => company.company_name.toLowerCase().includes(e))) &&
        (domains.length === 0 || domains.includes(company.domain))
      );
    });
    const slice = matches.slice(page.start - 1, page.start - 1 + page.size);
    const reply: SimulatedReply = {
      status: 201,
      body: {
        profiles: slice.map((person) => this.render.searchProfile(person)),
        pagination: this.pagination(page, matches.length),
      },
    };
    return universal && slice.length > 0 ? { reply, charge: UNIVERSAL_PRICES.personSearchPage } : reply;
  }

  /** `GET /company/lookup/` and `/universal/company/lookup`: one credit when found. */
  companyLookup(params: Params): SimulatedReply | ChargedReply {
    if (!['domain', 'id', 'linkedin_url', 'name', 'ticker'].some((key) => text(params[key]))) {
      return { status: 400, body: { detail: 'Specify one of domain, id, linkedin_url, name or ticker.' } };
    }
    const company = this.findCompany(params);
    return company
      ? {
          reply: { status: 200, body: this.render.company(company, { lookup: true }) },
          charge: UNIVERSAL_PRICES.company,
        }
      : NOT_FOUND;
  }

  /** `POST /searchCompany` and `/universal/company/search`. */
  companySearch(body: Params, universal: boolean): SimulatedReply | ChargedReply {
    const query = (body.query ?? {}) as Params;
    const names = values(query, 'name').map((n) => n.toLowerCase());
    const domains = values(query, 'domain');
    const page = this.page(body);
    if ('status' in page) {
      return page;
    }
    if (names.length + domains.length === 0) {
      return { status: 400, body: { query: ['Give at least one of name, domain.'] } };
    }
    const matches = this.world.companies.filter(
      (company) =>
        (names.length === 0 || names.some((n) => company.company_name.toLowerCase().includes(n))) &&
        (domains.length === 0 || domains.includes(company.domain)),
    );
    const slice = matches.slice(page.start - 1, page.start - 1 + page.size);
    const reply: SimulatedReply = {
      status: 201,
      body: {
        // Found by name alone, a company's domain is given only where RocketReach knows it (the
        // world's coverage, as its answer key says); found by its domain, it is known.
        companies: slice.map((company) =>
          this.render.company(company, {
            withDomain: domains.length > 0 || this.world.contacts.knows(rocketreach.name, 'domain', company),
          }),
        ),
        pagination: this.pagination(page, matches.length),
      },
    };
    return universal && slice.length > 0 ? { reply, charge: UNIVERSAL_PRICES.companySearchPage } : reply;
  }

  /**
   * `POST /bulkLookup` and `/universal/person/bulk_lookup`: accepted with an `RR-Request-ID` and no
   * documented body; the list goes to the account's webhook after `task_delay_ms`, each found profile
   * charged (as far as the credits go).
   */
  bulkLookup(body: Params, universal: boolean): SimulatedReply {
    const bounds = universal ? UNIVERSAL_BULK : BULK;
    const queries = body.queries;
    if (!Array.isArray(queries) || queries.length < bounds.min || queries.length > bounds.max) {
      return { status: 400, body: { queries: [`Send between ${bounds.min} and ${bounds.max} queries.`] } };
    }
    const invalid = queries
      .map((query, index) => ({ index, refusal: this.invalidMatch((query ?? {}) as Params) }))
      .find((entry) => entry.refusal !== null);
    if (invalid) {
      return { status: 400, body: { queries: [`Query ${invalid.index} identifies no one.`] } };
    }
    const requestId = randomUUID();
    const runtime = this.state.runtimeOf(rocketreach);
    const reveal = universal ? revealOf(body) : REVEAL_ALL;
    const people = queries.map((query) => this.find(query as Params));
    const list = this.profileList(text(body.profile_list) || BULK_LIST_NAME);
    this.tasks.create({
      provider: rocketreach.name,
      id: `bulk:${requestId}`,
      delayMs: runtime.settings.task_delay_ms,
      finish: () => {
        const settings = this.state.runtimeOf(rocketreach).settings;
        let credits = settings.unlimited_credits ? Number.POSITIVE_INFINITY : (settings.credits ?? 0);
        let charge = 0;
        const delivered: Record<string, unknown>[] = [];
        for (const person of people) {
          if (!person || !this.render.knowsAnything(person)) {
            continue;
          }
          const profile = this.render.profile(person, 'complete', { reveal });
          const price = universal ? universalCharge(profile) : legacyCharge(profile);
          if (price > credits) {
            break; // RocketReach stops a bulk job when the credits run out.
          }
          credits -= price;
          charge += price;
          delivered.push({ ...profile, profile_list: list });
        }
        return { body: delivered, charge };
      },
      webhook: runtime.webhook ? this.webhookFor(runtime.webhook, requestId) : undefined,
    });
    return { status: 200, body: {}, headers: { 'RR-Request-ID': requestId } };
  }

  /**
   * The current `UserModel` fields and the legacy ones the SDK documents (some "no longer
   * maintained"). On an unlimited plan `allocated` and `remaining` are the string `'inf'` (as the
   * schema says), and the legacy balance fields, which have no way to say so, are left out.
   */
  account(apiKey: string): SimulatedReply {
    const { remaining, used, allocated } = this.credits();
    const legacy =
      remaining === 'inf'
        ? { plan: { id: 1, name: 'Unlimited' } }
        : {
            lookup_credit_balance: remaining,
            lifetime_credits_spent: used,
            plan: { id: 1, name: 'Custom', lookup_limit: allocated },
          };
    return {
      status: 200,
      body: {
        id: 1,
        first_name: 'Sandbox',
        last_name: 'Account',
        email: 'sandbox@example.com',
        state: 'registered',
        credit_usage: [{ credit_type: 'premium_lookup', allocated, used, remaining }],
        rate_limits: this.rateLimitUsage(apiKey),
        ...legacy,
        api_key: apiKey,
        api_key_domain: '*',
        daily_api_num_calls: 0,
        daily_api_limit: 0,
        lifetime_api_num_calls: 0,
      },
    };
  }

  createKey(): SimulatedReply {
    return { status: 200, body: { api_key: `sandbox-rr-${randomBytes(12).toString('hex')}` } };
  }

  universalAccount(apiKey: string): SimulatedReply {
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
        plan:
          allocated === 'inf'
            ? { id: 1, name: 'Universal Unlimited', export_limit: 0 }
            : { id: 1, name: 'Universal', lookup_limit: allocated, export_limit: 0 },
        rate_limits: this.rateLimitUsage(apiKey),
      },
    };
  }

  /**
   * `rate_limits[]` of the account: the caller's key's use of each window, the global one
   * (`action: "global"`) and each API's budgets (`action`: the API's name; RocketReach's own action
   * names are not in the reference).
   */
  private rateLimitUsage(apiKey: string): Record<string, unknown>[] {
    const runtime = this.state.runtimeOf(rocketreach);
    const setting = runtime.settings.rate_limit;
    if (!setting) {
      return [];
    }
    const now = Date.now();
    return windowsOfKey(apiKey, setting).map((window) => {
      const view = runtime.rateWindows.peek(window.key, window.limit, now);
      return {
        action: window.api ?? 'global',
        duration: `${window.limit.window_seconds}s`,
        limit: view.limit,
        used: view.limit - view.remaining,
        remaining: view.remaining,
      };
    });
  }

  /** RocketReach refuses a name without an employer, and a lookup that names no one, with a 400 field map. */
  private invalidMatch(params: Params): SimulatedReply | null {
    if (text(params.name) && !text(params.current_employer)) {
      return { status: 400, body: { current_employer: ['This field is required when name is given.'] } };
    }
    if (!IDENTIFIERS.some((key) => text(params[key]))) {
      return {
        status: 400,
        body: {
          non_field_errors: [
            'Specify id, linkedin_url, email, phone, npi_number, or name with current_employer.',
          ],
        },
      };
    }
    return null;
  }

  private startsSearching(person: WorldPerson): boolean {
    return deriveSeed(this.world.seed, `rocketreach:slow:${person.person_id}`) % 3 === 0;
  }

  /** `'inf'` for an unlimited plan, whose `used` counts what was charged while on it. */
  private credits():
    | { remaining: number; used: number; allocated: number }
    | { remaining: 'inf'; used: number; allocated: 'inf' } {
    const runtime = this.state.runtimeOf(rocketreach);
    if (runtime.settings.unlimited_credits) {
      return { remaining: 'inf', used: runtime.usedUnlimited, allocated: 'inf' };
    }
    const remaining = runtime.settings.credits ?? 0;
    const allocated = Math.max(rocketreach.defaults.credits ?? 0, remaining);
    return { remaining, used: allocated - remaining, allocated };
  }

  /**
   * The profile list a delivery names (`profile_list{id,name}`): one id per list name, the same in
   * every run with the seed.
   */
  private profileList(name: string): { id: number; name: string } {
    return { id: 1 + (deriveSeed(this.world.seed, `rocketreach:list:${name}`) % 1_000_000), name };
  }

  /**
   * RocketReach's delivery: `RR-Request-ID`, and `X-RocketReach-Signature` when the webhook has a
   * secret; `body` when the delivery carries more than the finished task's body.
   */
  private webhookFor(
    hook: { url: string; secret: string | null },
    requestId: string,
    body?: (finished: unknown) => unknown,
  ): TaskWebhook {
    return {
      url: hook.url,
      body,
      headers: (raw: string): Record<string, string> => ({
        'RR-Request-ID': requestId,
        ...(hook.secret
          ? { 'X-RocketReach-Signature': createHmac('sha256', hook.secret).update(raw).digest('base64') }
          : {}),
      }),
    };
  }

  private page(body: Params): { start: number; size: number } | SimulatedReply {
    const start = body.start ?? 1;
    const size = body.page_size ?? 10;
    if (typeof start !== 'number' || !Number.isInteger(start) || start < 1 || start > 10_000) {
      return { status: 400, body: { start: ['Ensure this value is between 1 and 10000.'] } };
    }
    if (typeof size !== 'number' || !Number.isInteger(size) || size < 1 || size > 100) {
      return { status: 400, body: { page_size: ['Ensure this value is between 1 and 100.'] } };
    }
    return { start, size };
  }

  private pagination(page: { start: number; size: number }, total: number) {
    return {
      start: page.start,
      next: page.start + page.size <= total ? page.start + page.size : null,
      total,
    };
  }

  private find(params: Params): WorldPerson | undefined {
    const { contacts } = this.world;
    const id = text(params.id);
    if (id) {
      return /^\d+$/.test(id) ? this.render.personByProfileId(Number(id)) : undefined;
    }
    const linkedin = text(params.linkedin_url);
    const email = text(params.email);
    const phone = text(params.phone).replace(/[^\d+]/g, '');
    const [first, ...rest] = text(params.name).split(/\s+/);
    const employer = text(params.current_employer);
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
      (/^\d+$/.test(id) ? this.render.companyById(Number(id)) : undefined)
    );
  }
}
