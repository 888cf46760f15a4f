import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { Request } from 'express';
import type { SimulatedAnswer, SimulatedReply } from '../simulation/simulated-provider';
import { TaskBoard } from '../simulation/task-board';
import { SandboxState } from '../state/sandbox-state';
import { World } from '../world/generate-world';
import { issueSnovToken, SNOV_TOKEN_LIFETIME_S, snov, snovError } from './snov.provider';

const MAX_FINDER_ROWS = 10;
const GENERIC_CONTACTS = 2;

interface FinderRow {
  first_name: string;
  last_name: string;
  domain: string;
}

function origin(request: Request): string {
  return `${request.protocol}://${request.get('host') ?? 'localhost'}/snov`;
}

function webhookUrl(body: Record<string, unknown>): string | null | { invalid: string } {
  const value = body.webhook_url;
  if (value === undefined || value === null || value === '') {
    return null;
  }
  if (typeof value !== 'string' || !/^https?:\/\/\S+$/.test(value)) {
    return { invalid: 'webhook_url must be an http(s) URL' };
  }
  return value;
}

/**
 * Snov.io's token, balance, domain search and e-mail finder (provider-apis.md §2) over the world.
 * Searches are asynchronous: start returns a task hash, the result is `in progress` until the task
 * is done, and a `webhook_url` receives the finished result body (Snov.io does not publish its
 * webhook body; the sandbox sends what the result endpoint serves, which is what clients assume).
 */
@Injectable()
export class SnovSimulation {
  /**
   * Per domain, the search task that paid for it. Snov.io charges a domain search once per distinct
   * request: a repeat costs nothing while the task that paid is still on the board (not reset).
   */
  private readonly paidSearches = new Map<string, string>();

  constructor(
    private readonly world: World,
    private readonly tasks: TaskBoard,
    private readonly state: SandboxState,
  ) {}

  token(): SimulatedReply {
    return {
      status: 200,
      body: {
        access_token: issueSnovToken(Date.now(), randomBytes(8).toString('hex')),
        token_type: 'Bearer',
        expires_in: SNOV_TOKEN_LIFETIME_S,
      },
    };
  }

  balance(): SimulatedReply {
    const credits = this.state.runtimeOf(snov).settings.credits ?? 0;
    return {
      status: 200,
      body: {
        success: true,
        data: {
          balance: credits.toFixed(2),
          teamwork: false,
          unique_recipients_used: 0,
          limit_resets_in: 29,
          expires_in: 359,
        },
      },
    };
  }

  startDomainSearch(request: Request): SimulatedReply {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const domain = typeof body.domain === 'string' ? body.domain.trim().toLowerCase() : '';
    if (!/^([a-z0-9-]+\.)+[a-z]{2,}$/.test(domain)) {
      return snovError(400, 'domain is required and must be a domain name, e.g. snov.io');
    }
    const hook = webhookUrl(body);
    if (hook !== null && typeof hook === 'object') {
      return snovError(400, hook.invalid);
    }
    const taskHash = randomBytes(16).toString('hex');
    const base = origin(request);
    this.tasks.create({
      provider: snov.name,
      id: taskHash,
      delayMs: this.delay(),
      finish: () => this.chargedOnce(domain, taskHash, this.domainSearchResult(domain, taskHash, base)),
      webhook: hook ? { url: hook } : undefined,
    });
    return {
      status: 200,
      body: {
        data: [],
        meta: { domain, task_hash: taskHash },
        links: { result: `${base}/v2/domain-search/result/${taskHash}` },
      },
    };
  }

  domainSearchStatus(taskHash: string, request: Request): SimulatedReply {
    const status = this.tasks.status(snov.name, taskHash);
    if (!status) {
      return snovError(404, `No task ${taskHash}`);
    }
    if (status.state === 'pending') {
      return {
        status: 200,
        body: {
          data: [],
          meta: { task_hash: taskHash },
          links: { result: `${origin(request)}/v2/domain-search/result/${taskHash}` },
          status: 'in progress',
        },
      };
    }
    return { status: 200, body: status.body };
  }

  startEmailFinder(request: Request): SimulatedReply {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const rows = body.rows;
    if (!Array.isArray(rows) || rows.length === 0) {
      return snovError(400, 'rows is required: a list of {first_name, last_name, domain}');
    }
    if (rows.length > MAX_FINDER_ROWS) {
      return snovError(400, `rows may hold at most ${MAX_FINDER_ROWS} people per request`);
    }
    const parsed: FinderRow[] = [];
    for (const [index, row] of rows.entries()) {
      const r = (row ?? {}) as Record<string, unknown>;
      if (
        typeof r.first_name !== 'string' ||
        typeof r.last_name !== 'string' ||
        typeof r.domain !== 'string'
      ) {
        return snovError(400, `rows[${index}] needs first_name, last_name and domain`);
      }
      parsed.push({ first_name: r.first_name, last_name: r.last_name, domain: r.domain });
    }
    const hook = webhookUrl(body);
    if (hook !== null && typeof hook === 'object') {
      return snovError(400, hook.invalid);
    }
    const taskHash = randomBytes(16).toString('hex');
    this.tasks.create({
      provider: snov.name,
      id: taskHash,
      delayMs: this.delay(),
      finish: () => this.emailFinderResult(parsed, taskHash),
      webhook: hook ? { url: hook } : undefined,
    });
    return { status: 200, body: { data: { task_hash: taskHash }, meta: { rows: parsed } } };
  }

  emailFinderStatus(taskHash: string): SimulatedAnswer {
    const status = this.tasks.status(snov.name, taskHash);
    if (!status) {
      return snovError(404, `No task ${taskHash}`);
    }
    if (status.state === 'pending') {
      return { status: 200, body: { status: 'in_progress', data: [], meta: { task_hash: taskHash } } };
    }
    return { status: 200, body: status.body };
  }

  private delay(): number {
    return this.state.runtimeOf(snov).settings.task_delay_ms;
  }

  private credits(): number {
    return this.state.runtimeOf(snov).settings.credits ?? 0;
  }

  private chargedOnce(
    domain: string,
    taskHash: string,
    result: { body: unknown; charge: number },
  ): { body: unknown; charge: number } {
    if (result.charge === 0) {
      return result;
    }
    const paid = this.paidSearches.get(domain);
    // The paying task is finished, so asking for its status has no side effect (no second charge).
    if (paid !== undefined && this.tasks.status(snov.name, paid) !== undefined) {
      return { ...result, charge: 0 };
    }
    this.paidSearches.set(domain, taskHash);
    return result;
  }

  private domainSearchResult(
    domain: string,
    taskHash: string,
    base: string,
  ): { body: unknown; charge: number } {
    const { contacts } = this.world;
    const company = contacts.companyByDomainName(domain);
    const meta = { domain, task_hash: taskHash };
    if (!company || !contacts.knows(snov.name, 'domain', company)) {
      // No results: Snov.io charges nothing.
      return {
        body: {
          data: [],
          meta: { ...meta, prospects_count: 0, emails_count: 0, generic_contacts_count: 0 },
          links: {},
          status: 'completed',
        },
        charge: 0,
      };
    }
    if (this.credits() < 1) {
      return { body: { data: [], meta, links: {}, status: 'not_enough_credits' }, charge: 0 };
    }
    const people = contacts.people.filter((p) => p.company_number === company.company_number);
    const firm = contacts.firmographicsOf(company);
    return {
      body: {
        data: {
          company_name: company.company_name,
          city: company.registered_office_address.locality,
          founded: company.date_of_creation.slice(0, 4),
          website: company.domain,
          hq_phone: firm.phone.replace(/^\+/, ''),
          industry: firm.industry,
          size: firm.size_band,
          related_domains: [],
        },
        meta: {
          ...meta,
          prospects_count: people.length,
          emails_count: people.filter((p) => contacts.knows(snov.name, 'work_email', p)).length,
          generic_contacts_count: GENERIC_CONTACTS,
        },
        links: {
          prospects: `${base}/v2/domain-search/prospects/start?domain=${domain}`,
          domain_emails: `${base}/v2/domain-search/domain-emails/start?domain=${domain}`,
          generic_contacts: `${base}/v2/domain-search/generic-contacts/start?domain=${domain}`,
        },
        status: 'completed',
      },
      charge: 1,
    };
  }

  private emailFinderResult(rows: FinderRow[], taskHash: string): { body: unknown; charge: number } {
    const { contacts } = this.world;
    const found = rows.map((row) => {
      const person = contacts.byNameAt(row.first_name, row.last_name, row.domain);
      return person && contacts.knows(snov.name, 'work_email', person) ? person : null;
    });
    const cost = found.filter((person) => person !== null).length;
    if (cost > this.credits()) {
      return {
        body: { status: 'not_enough_credits', data: [], meta: { rows, task_hash: taskHash } },
        charge: 0,
      };
    }
    const data = rows.map((row, index) => {
      const person = found[index];
      if (!person) {
        return { people: `${row.first_name} ${row.last_name}`, result: [] };
      }
      const truth = contacts.emailTruthOf(person.work_email);
      return {
        people: `${row.first_name} ${row.last_name}`,
        result: [
          {
            email: person.work_email,
            smtp_status: truth === 'valid' ? 'valid' : 'unknown',
            is_valid_format: true,
            is_disposable: false,
            is_webmail: false,
            is_gibberish: false,
            ...(truth === 'valid'
              ? {}
              : { unknown_status_reason: truth === 'catch_all' ? 'catchall' : 'connection_error' }),
          },
        ],
      };
    });
    return { body: { status: 'completed', data, meta: { rows, task_hash: taskHash } }, charge: cost };
  }
}
