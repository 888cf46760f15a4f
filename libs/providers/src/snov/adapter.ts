import type { Firmographics, FoundEmail, PersonQuery } from '@sluice/enrichment';
import type { ProviderResult } from '../call-info';
import { ProviderError } from '../errors';
import { personInputProblem } from '../person-input';
import type { CapabilityResult, CreditBalance, Outcome, ProviderAdapter } from '../port';
import { type SnovClient, SNOV_ENDPOINTS } from './client';
import { SNOV } from './descriptor';

function nameParts(query: PersonQuery): { first: string; last: string } | null {
  if (query.firstName?.trim() && query.lastName?.trim()) {
    return { first: query.firstName.trim(), last: query.lastName.trim() };
  }
  const parts = query.fullName?.trim().split(/\s+/) ?? [];
  return parts.length >= 2 ? { first: parts[0], last: parts[parts.length - 1] } : null;
}

/**
 * Snov.io behind the capability port. Its searches are asynchronous: `findWorkEmail` and
 * `lookupCompany` start a task and answer `pending` with the task hash; `completeWorkEmail` and
 * `completeCompanyLookup` turn the result (polled, or confirmed after a webhook) into the outcome.
 */
export class SnovAdapter implements ProviderAdapter {
  readonly descriptor = SNOV;

  constructor(
    private readonly client: SnovClient,
    /** Where Snov.io should call back; without it, tasks are polled. */
    private readonly webhookUrlFor?: (kind: 'email_finder' | 'domain_search') => string | undefined,
  ) {}

  async findWorkEmail(query: PersonQuery): Promise<CapabilityResult<FoundEmail>> {
    const name = nameParts(query);
    const problem = personInputProblem(SNOV.name, query);
    if (problem || !name || !query.domain) {
      throw new ProviderError({
        provider: SNOV.name,
        kind: 'bad_request',
        message: `${SNOV_ENDPOINTS.emailFinderStart}: Snov.io finds an e-mail from ${problem ?? 'a name and the company domain'}.`,
      });
    }
    const started = await this.client.startEmailFinder(
      [{ first_name: name.first, last_name: name.last, domain: query.domain }],
      this.webhookUrlFor?.('email_finder'),
    );
    return { ...started, data: { status: 'pending', taskId: started.data.taskHash, credits: 0 } };
  }

  /** The outcome of a started e-mail search: the best e-mail of its one row. */
  async completeWorkEmail(taskHash: string): Promise<CapabilityResult<FoundEmail>> {
    const result = await this.client.getEmailFinderResult(taskHash);
    return { ...result, data: firstOfFirstRow(result.data) };
  }

  async lookupCompany(query: { domain?: string }): Promise<CapabilityResult<Firmographics>> {
    if (!query.domain) {
      throw new ProviderError({
        provider: SNOV.name,
        kind: 'bad_request',
        message: `${SNOV_ENDPOINTS.domainSearchStart}: Snov.io looks a company up by its domain; give domain.`,
      });
    }
    const started = await this.client.startDomainSearch(query.domain, this.webhookUrlFor?.('domain_search'));
    return { ...started, data: { status: 'pending', taskId: started.data.taskHash, credits: 0 } };
  }

  completeCompanyLookup(taskHash: string): Promise<CapabilityResult<Firmographics>> {
    return this.client.getDomainSearchResult(taskHash);
  }

  checkCredits(): Promise<ProviderResult<CreditBalance, unknown>> {
    return this.client.getBalance();
  }

  /** The token fetch the next call will make first, when one is due. */
  callsBeforeNext(): number {
    return this.client.tokenDue() ? 1 : 0;
  }
}

function firstOfFirstRow(outcome: Outcome<FoundEmail[][]>): Outcome<FoundEmail> {
  if (outcome.status !== 'hit') {
    return outcome;
  }
  const emails = outcome.data[0] ?? [];
  const best = emails.find((email) => email.verdict === 'valid') ?? emails[0];
  return best
    ? { status: 'hit', data: best, credits: outcome.credits }
    : { status: 'miss', credits: outcome.credits };
}
