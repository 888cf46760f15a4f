import { randomInt } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { Request } from 'express';
import template from './__fixtures__/people-match.response.200.json';
import type { ChargedReply, SimulatedReply } from '../simulation/simulated-provider';
import { TaskBoard } from '../simulation/task-board';
import { SandboxState } from '../state/sandbox-state';
import type { WorldPerson } from '../world/contacts';
import { World } from '../world/generate-world';
import { apollo, apolloFailure } from './apollo.provider';

const MAX_BULK = 10;
const MOBILE_CREDITS = 8;
/**
 * A pending reveal asks for the seconds it still needs, rounded up, but never more than the 10 of
 * the recorded `result_pending` answer: Apollo names a polling pace, not how long its vendors take.
 */
const PENDING_RETRY_MAX_SECONDS = 10;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** The reference answer's shape with every value emptied: answers keep Apollo's exact fields. */
function emptied(value: Json): Json {
  if (Array.isArray(value)) {
    return [];
  }
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, emptied(item)]));
  }
  return null;
}

const PERSON_SHAPE = emptied((template as unknown as { person: Json }).person) as Record<string, Json>;
const ORGANIZATION_SHAPE = PERSON_SHAPE.organization as Record<string, Json>;

/** 64-bit ids like Apollo's: beyond 2^53, so a client that JSON.parses them gets them wrong. */
function requestId(): string {
  // 19 digits from 10…: above 2^53, below the signed 64-bit maximum (9223372036854775807).
  return `10${String(randomInt(1e7, 1e8 - 1))}${String(randomInt(1e8, 1e9 - 1))}`;
}

/** A JSON body with `request_id` written as a bare number, as Apollo sends it. */
function withNumericRequestId(status: number, body: Record<string, unknown>, id: string): SimulatedReply {
  const text = JSON.stringify({ ...body, request_id: '__REQUEST_ID__' }).replace('"__REQUEST_ID__"', id);
  return { status, body: null, raw: { contentType: 'application/json', text } };
}

function field(source: Record<string, unknown>, query: Request['query'], name: string): string {
  const value = source[name] ?? query[name];
  return typeof value === 'string' ? value.trim() : '';
}

/** Apollo's people match, bulk match, phone reveals and credit usage over the world. */
@Injectable()
export class ApolloSimulation {
  constructor(
    private readonly world: World,
    private readonly tasks: TaskBoard,
    private readonly state: SandboxState,
  ) {}

  match(request: Request): SimulatedReply | ChargedReply {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const person = this.find(body, request.query);
    const id = requestId();
    const flag = body.reveal_phone_number ?? request.query.reveal_phone_number;
    const revealPhone = flag === true || flag === 'true';
    const webhookUrl = field(body, request.query, 'webhook_url');
    if (revealPhone && !webhookUrl) {
      return apolloFailure(400, 'INVALID_REQUEST', 'reveal_phone_number requires webhook_url');
    }
    if (!person) {
      return withNumericRequestId(200, { person: null, waterfall: null }, id);
    }
    if (revealPhone) {
      this.startPhoneReveal(id, person, webhookUrl);
    }
    // As in the reference example: a reveal is announced in `waterfall`, its result goes to the webhook.
    const waterfall = revealPhone
      ? {
          status: 'accepted',
          message: 'Waterfall enrichment request accepted. Results will be sent to the provided webhook URL.',
        }
      : null;
    return { reply: withNumericRequestId(200, { person: this.render(person), waterfall }, id), charge: 1 };
  }

  bulkMatch(request: Request): SimulatedReply | ChargedReply {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const details = body.details;
    if (!Array.isArray(details) || details.length === 0) {
      return apolloFailure(400, 'INVALID_REQUEST', 'invalid request, missing details');
    }
    if (details.length > MAX_BULK) {
      return apolloFailure(400, 'RECORD_LIMIT_EXCEEDED', 'cannot enrich more than 10 in a single request');
    }
    const found = details.map((detail) => this.find((detail ?? {}) as Record<string, unknown>, {}));
    const hits = found.filter((p): p is WorldPerson => p !== undefined);
    const credits = this.state.runtimeOf(apollo).settings.credits ?? 0;
    if (hits.length > credits) {
      return apollo.outOfCredits!();
    }
    return {
      reply: withNumericRequestId(
        200,
        {
          status: 'success',
          error_code: null,
          error_message: null,
          total_requested_enrichments: details.length,
          unique_enriched_records: hits.length,
          missing_records: details.length - hits.length,
          credits_consumed: hits.length,
          matches: found.map((p) => (p ? this.render(p) : null)),
        },
        requestId(),
      ),
      charge: hits.length,
    };
  }

  webhookResult(id: string): SimulatedReply {
    if (!/^\d{1,20}$/.test(id)) {
      return {
        status: 400,
        body: { error_code: 'invalid_request_id', error_message: 'request_id must be digits' },
      };
    }
    const status = this.tasks.status(apollo.name, id);
    if (!status) {
      return { status: 404, body: { error_code: 'request_id_unknown' } };
    }
    if (status.state === 'pending') {
      const retryAfterSeconds = Math.min(
        PENDING_RETRY_MAX_SECONDS,
        Math.max(1, Math.ceil(status.readyInMs / 1000)),
      );
      return { status: 404, body: { error_code: 'result_pending', retry_after_seconds: retryAfterSeconds } };
    }
    return { status: 200, body: status.body };
  }

  creditUsage(): SimulatedReply {
    const left = this.state.runtimeOf(apollo).settings.credits ?? 0;
    const limit = Math.max(apollo.defaults.credits ?? 0, left);
    return {
      status: 200,
      body: {
        credit_usage_stats: {
          lead_credit: { limit, consumed: limit - left, left_over: left },
          direct_dial_credit: { limit: 0, consumed: 0, left_over: 0 },
          export_credit: { limit: 0, consumed: 0, left_over: 0 },
        },
        current_credit_cycle: { start_date: '2026-11-01', end_date: '2026-12-01' },
      },
    };
  }

  private startPhoneReveal(id: string, person: WorldPerson, webhookUrl: string): void {
    const { contacts } = this.world;
    this.tasks.create({
      provider: apollo.name,
      id,
      delayMs: this.state.runtimeOf(apollo).settings.task_delay_ms,
      finish: () => {
        const phone = contacts.knows(apollo.name, 'phone', person)
          ? (person.mobile_phone ?? person.direct_phone)
          : null;
        const mobile = phone !== null && phone === person.mobile_phone;
        const credits = mobile ? MOBILE_CREDITS : 0;
        return {
          body: {
            request_id: id,
            webhook_status: 'delivered',
            request_type: 'phone',
            last_dispatched_at: new Date().toISOString(),
            failure_reason: null,
            webhook_result: {
              status: 'success',
              total_requested_enrichments: 1,
              unique_enriched_records: phone ? 1 : 0,
              missing_records: phone ? 0 : 1,
              credits_consumed: credits,
              people: [
                {
                  id: person.person_id,
                  status: phone ? 'success' : 'not_found',
                  phone_numbers: phone
                    ? [
                        {
                          raw_number: phone,
                          sanitized_number: phone,
                          type_cd: mobile ? 'mobile' : 'work_direct',
                          status_cd: 'valid_number',
                          confidence_cd: 'high',
                          dnc_status_cd: null,
                          position: 0,
                        },
                      ]
                    : [],
                },
              ],
            },
          },
          charge: credits,
        };
      },
      webhook: { url: webhookUrl },
    });
  }

  private find(source: Record<string, unknown>, query: Request['query']): WorldPerson | undefined {
    const { contacts } = this.world;
    const email = field(source, query, 'email');
    const linkedin = field(source, query, 'linkedin_url');
    let first = field(source, query, 'first_name');
    let last = field(source, query, 'last_name');
    const name = field(source, query, 'name');
    if ((!first || !last) && name.includes(' ')) {
      [first, last] = [name.slice(0, name.indexOf(' ')), name.slice(name.indexOf(' ') + 1)];
    }
    const at = field(source, query, 'domain') || field(source, query, 'organization_name');
    const person =
      (email ? contacts.byEmailAddress(email) : undefined) ??
      (linkedin ? contacts.byLinkedinUrl(linkedin) : undefined) ??
      (first && last && at ? contacts.byNameAt(first, last, at) : undefined);
    return person && contacts.knows(apollo.name, 'work_email', person) ? person : undefined;
  }

  private render(person: WorldPerson): Record<string, Json> {
    const { contacts } = this.world;
    const company = contacts.companyOf(person);
    const firm = contacts.firmographicsOf(company);
    return {
      ...PERSON_SHAPE,
      id: person.person_id,
      first_name: person.first_name,
      last_name: person.last_name,
      name: person.full_name,
      linkedin_url: person.linkedin_url,
      title: person.title,
      headline: `${person.title} at ${company.company_name}`,
      email: person.work_email,
      email_status: contacts.emailTruthOf(person.work_email) === 'valid' ? 'verified' : 'unverified',
      organization_id: company.company_number,
      city: person.city,
      country: person.country,
      seniority: person.seniority,
      departments: [person.department],
      revealed_for_current_team: true,
      organization: {
        ...ORGANIZATION_SHAPE,
        id: company.company_number,
        name: company.company_name,
        website_url: `http://www.${company.domain}`,
        primary_domain: company.domain,
        industry: firm.industry.toLowerCase(),
        estimated_num_employees: firm.employees,
        linkedin_url: firm.linkedin_url,
        annual_revenue: firm.revenue_usd,
        technology_names: firm.technologies,
        city: company.registered_office_address.locality,
        postal_code: company.registered_office_address.postal_code,
        country: 'United Kingdom',
      },
    };
  }
}
