import type { Firmographics, FoundEmail, FoundPhone, Person, PersonQuery } from '@sluice/enrichment';
import type { ProviderResult } from '../call-info';
import { ProviderError } from '../errors';
import type {
  CapabilityResult,
  CreditBalance,
  DomainResolution,
  Outcome,
  ProviderAdapter,
  Revealed,
} from '../port';
import { ROCKETREACH_ENDPOINTS, rocketReachCharges, type RocketReachClient } from './client';
import { ROCKETREACH, ROCKETREACH_ATTRIBUTION } from './descriptor';
import { lookupState, mapRocketReachCompany, mapRocketReachProfile } from './mapper';
import type { RocketReachPersonMatch, RocketReachProfile, RocketReachSearchQuery } from './types';

/** What a person lookup is asked for: the whole person, the work e-mail, or the phones. */
export type RocketReachPick = 'person' | 'email' | 'phone';

type Picked<P extends RocketReachPick> = P extends 'email'
  ? FoundEmail
  : P extends 'phone'
    ? FoundPhone[]
    : Person;

export interface RocketReachAdapterOptions {
  /**
   * The RocketReach webhook (created in its UI) lookups should be delivered to.
   * @defaultValue none: RocketReach delivers to the top-most enabled webhook
   */
  webhookId?: number;
}

/**
 * The outcome of a lookup's profile: still running → `pending` with the profile id (finish it with
 * `completeLookup` or from the webhook), `failed` → miss, `complete` → what was asked for. Credits:
 * one when the profile came back with any contact data, whether or not it held the part asked for,
 * because that is when RocketReach charges.
 */
export function rocketReachLookupOutcome<P extends RocketReachPick>(
  profile: RocketReachProfile,
  pick: P,
): Outcome<Picked<P>> {
  const state = lookupState(profile.status);
  if (state === 'running') {
    return { status: 'pending', taskId: String(profile.id), credits: 0 };
  }
  if (state === 'failed') {
    return { status: 'miss', credits: 0, reason: 'RocketReach finished the lookup with errors' };
  }
  const person = mapRocketReachProfile(profile);
  const credits = rocketReachCharges(profile) ? (ROCKETREACH.capabilities.lookup_person?.credits ?? 1) : 0;
  // The profile (and on an e-mail lookup, the numbers) came with the lookup, paid for with it
  // whether or not it held the part asked for.
  const revealed = (extra: Revealed): { revealed?: Revealed } =>
    credits > 0 ? { revealed: { profile: person, ...extra } } : {};
  if (pick === 'email') {
    const email = person.emails.find((e) => e.kind === 'work');
    const found = revealed(person.phones.length > 0 ? { phones: person.phones } : {});
    return email
      ? { status: 'hit', data: email as Picked<P>, credits, ...found }
      : { status: 'miss', credits, reason: 'RocketReach has no work e-mail for this person', ...found };
  }
  if (pick === 'phone') {
    return person.phones.length > 0
      ? { status: 'hit', data: person.phones as Picked<P>, credits, ...revealed({}) }
      : { status: 'miss', credits, reason: 'RocketReach has no phone for this person', ...revealed({}) };
  }
  return { status: 'hit', data: person as Picked<P>, credits };
}

function fullNameOf(query: PersonQuery): string | undefined {
  const full = query.fullName?.trim();
  if (full) {
    return full;
  }
  const first = query.firstName?.trim();
  const last = query.lastName?.trim();
  return first && last ? `${first} ${last}` : undefined;
}

/** RocketReach's identifiers for a canonical query, strongest first; `null` when none is usable. */
export function rocketReachMatchOf(query: PersonQuery): RocketReachPersonMatch | null {
  const name = fullNameOf(query);
  const employer = query.companyName?.trim() || query.domain?.trim();
  const match: RocketReachPersonMatch = {
    ...(query.linkedinUrl ? { linkedin_url: query.linkedinUrl } : {}),
    ...(query.email ? { email: query.email } : {}),
    ...(query.phone ? { phone: query.phone } : {}),
    ...(name && employer ? { name, current_employer: employer } : {}),
  };
  return Object.keys(match).length > 0 ? match : null;
}

/** Profiles read from the pre-check's search: namesakes at one employer are few. */
const TEASER_PAGE_SIZE = 10;

/**
 * The search that can tell whether RocketReach holds a person's work e-mail: by name at the
 * employer's domain (else its name). `null` when the query names the person some other way (a
 * LinkedIn URL, an e-mail or a phone: the lookup matches those, the search's facets do not) or lacks
 * a name or an employer.
 */
export function teaserFacetsOf(query: PersonQuery): RocketReachSearchQuery | null {
  const name = fullNameOf(query);
  const domain = query.domain?.trim().toLowerCase();
  const company = query.companyName?.trim();
  if (query.linkedinUrl || query.email || query.phone || !name || (!domain && !company)) {
    return null;
  }
  return domain
    ? { name: [name], company_domain: [domain] }
    : { name: [name], company_name: [company ?? ''] };
}

/**
 * What a person search's teasers say a lookup would reveal of a work e-mail: `present` when a
 * profile shows a professional address (at `domain`, when given), `absent` when none of the profiles
 * found does (or none was found), `unknown` when one carries no teaser, or a teaser without
 * `professional_emails`, to read.
 */
export function rocketReachTeaserSays(
  profiles: readonly RocketReachProfile[],
  domain: string | undefined,
): 'present' | 'absent' | 'unknown' {
  const teasers = profiles.map((profile) => profile.teaser).filter((teaser) => teaser != null);
  const wanted = domain?.trim().toLowerCase();
  const shows = teasers.some((teaser) =>
    (teaser.professional_emails ?? []).some(
      (shown) => !wanted || shown.trim().toLowerCase().replace(/^@/, '') === wanted,
    ),
  );
  if (shows) {
    return 'present';
  }
  // Every teaser field is optional in the OpenAPI: one without `professional_emails` (an older or
  // shorter teaser) says nothing about a work address, and must not turn the lookup into a miss.
  const readable = teasers.filter((teaser) => Array.isArray(teaser.professional_emails));
  return readable.length < profiles.length ? 'unknown' : 'absent';
}

/** Companies of one name search read for its domain: an exact name is among the first few. */
const DOMAIN_SEARCH_PAGE_SIZE = 10;

/**
 * A company name compared by what names it: case, punctuation and the register's suffixes aside
 * (`Acme Ltd`, `ACME LIMITED` and `Acme.` are one name; `Acme Holdings` is another).
 */
export function companyNameKey(name: string): string {
  return name
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .replace(/\b(ltd|limited|plc|llp|lp|inc|llc|co|company)\b/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * RocketReach behind the capability port, on its legacy credit model. Lookups that RocketReach is
 * still `searching` answer `pending` with the profile id. Data from it must be shown with
 * {@link ROCKETREACH_ATTRIBUTION}.
 */
export class RocketReachAdapter implements ProviderAdapter {
  readonly descriptor = ROCKETREACH;
  readonly attribution = ROCKETREACH_ATTRIBUTION;

  constructor(
    readonly client: RocketReachClient,
    private readonly options: RocketReachAdapterOptions = {},
  ) {}

  lookupPerson(query: PersonQuery): Promise<CapabilityResult<Person>> {
    return this.lookup(query, 'person');
  }

  /**
   * A work e-mail, looked up only when RocketReach's free person search shows one
   * ({@link rocketReachTeaserSays}): a lookup charges for any A-graded contact data, also a phone
   * when no work address comes back, so one asked blindly pays for people it cannot give an address
   * for. A search that shows none is a free miss; one that cannot tell (no teaser, or the query is
   * by LinkedIn URL, e-mail or phone, which the search cannot match) leaves the lookup to decide.
   */
  async findWorkEmail(query: PersonQuery): Promise<CapabilityResult<FoundEmail>> {
    const facets = teaserFacetsOf(query);
    if (facets) {
      const search = await this.client.personSearch(facets, { pageSize: TEASER_PAGE_SIZE });
      if (rocketReachTeaserSays(search.data.profiles, query.domain) === 'absent') {
        return {
          ...search,
          data: {
            status: 'miss',
            credits: 0,
            reason: 'RocketReach shows no work e-mail for this person in its search: not looked up',
          },
        };
      }
    }
    return this.lookup(query, 'email');
  }

  findPhone(query: PersonQuery): Promise<CapabilityResult<FoundPhone[]>> {
    return this.lookup(query, 'phone');
  }

  /** The outcome of a `pending` lookup, by its profile id, from `checkStatus` (free). */
  async completeLookup<P extends RocketReachPick>(
    profileId: string,
    pick: P,
  ): Promise<CapabilityResult<Picked<P>>> {
    const id = Number(profileId);
    const result = await this.client.checkStatus([id]);
    const profile = result.data.find((p) => p.id === id);
    if (!profile) {
      throw new ProviderError({
        provider: ROCKETREACH.name,
        kind: 'invalid_response',
        message: `RocketReach answered ${ROCKETREACH_ENDPOINTS.checkStatus} without profile ${profileId}; poll again, and check the task id is a profile id.`,
        status: result.call.status,
        call: result.call,
        body: result.raw,
      });
    }
    return { ...result, data: rocketReachLookupOutcome(profile, pick) };
  }

  /** A search by name, employer or domain; RocketReach gives no contact data here, and charges nothing. */
  async searchPeople(query: PersonQuery & { limit?: number }): Promise<CapabilityResult<Person[]>> {
    const facets: Record<string, string[]> = {};
    const name = fullNameOf(query);
    if (name) {
      facets.name = [name];
    }
    if (query.companyName?.trim()) {
      facets.company_name = [query.companyName.trim()];
    }
    if (query.domain?.trim()) {
      facets.company_domain = [query.domain.trim()];
    }
    this.requireFacets(
      facets,
      ROCKETREACH_ENDPOINTS.personSearch,
      'give a name, company_name or domain to search people.',
    );
    const result = await this.client.personSearch(facets, { pageSize: query.limit ?? 10 });
    const people = result.data.profiles.map(mapRocketReachProfile);
    return {
      ...result,
      data: people.length > 0 ? { status: 'hit', data: people, credits: 0 } : { status: 'miss', credits: 0 },
    };
  }

  /** By domain when given (RocketReach's preferred key), else by name; a 404 is a free miss. */
  async lookupCompany(query: { domain?: string; name?: string }): Promise<CapabilityResult<Firmographics>> {
    const domain = query.domain?.trim();
    const name = query.name?.trim();
    if (!domain && !name) {
      throw this.refused(
        ROCKETREACH_ENDPOINTS.companyLookup,
        'give a domain or a company name to look a company up.',
      );
    }
    try {
      const result = await this.client.companyLookup(domain ? { domain } : { name });
      const credits = ROCKETREACH.capabilities.lookup_company?.credits ?? 1;
      return { ...result, data: { status: 'hit', data: result.data, credits } };
    } catch (error) {
      return missOnNotFound(error);
    }
  }

  /**
   * A company's domain by its name, from RocketReach's company search (free on the legacy plans,
   * provider-apis §1): the domain of the first company found whose name is the one asked, register
   * suffixes, case and punctuation aside. The search matches names loosely, and another company's
   * domain would send the paid e-mail lookups that follow to the wrong people, so a near name is a
   * free miss, as is a company RocketReach knows without a domain.
   */
  async resolveCompanyDomain(query: { companyName: string }): Promise<CapabilityResult<DomainResolution>> {
    const name = query.companyName.trim();
    this.requireFacets(
      name ? { name: [name] } : {},
      ROCKETREACH_ENDPOINTS.companySearch,
      'give a company name to find its domain.',
    );
    const result = await this.client.companySearch({ name: [name] }, { pageSize: DOMAIN_SEARCH_PAGE_SIZE });
    const wanted = companyNameKey(name);
    const found = result.data.companies
      .filter((company) => company.name && companyNameKey(company.name) === wanted)
      .map(mapRocketReachCompany)
      .find((company) => company.domain !== null);
    return {
      ...result,
      data: found?.domain
        ? { status: 'hit', data: { domain: found.domain, companyName: found.name }, credits: 0 }
        : { status: 'miss', credits: 0, reason: 'no company of that name with a domain' },
    };
  }

  async searchCompanies(query: {
    name?: string;
    domain?: string;
    limit?: number;
  }): Promise<CapabilityResult<Firmographics[]>> {
    const facets: Record<string, string[]> = {};
    if (query.name?.trim()) {
      facets.name = [query.name.trim()];
    }
    if (query.domain?.trim()) {
      facets.domain = [query.domain.trim()];
    }
    this.requireFacets(
      facets,
      ROCKETREACH_ENDPOINTS.companySearch,
      'give a name or a domain to search companies.',
    );
    const result = await this.client.companySearch(facets, { pageSize: query.limit ?? 10 });
    const companies = result.data.companies.map(mapRocketReachCompany);
    return {
      ...result,
      data:
        companies.length > 0
          ? { status: 'hit', data: companies, credits: 0 }
          : { status: 'miss', credits: 0 },
    };
  }

  checkCredits(): Promise<ProviderResult<CreditBalance, unknown>> {
    return this.client.account();
  }

  private async lookup<P extends RocketReachPick>(
    query: PersonQuery,
    pick: P,
  ): Promise<CapabilityResult<Picked<P>>> {
    const match = rocketReachMatchOf(query);
    if (!match) {
      throw this.refused(
        ROCKETREACH_ENDPOINTS.personLookup,
        'give linkedin_url, email or phone, or a name with company_name or domain, to look a person up.',
      );
    }
    try {
      const result = await this.client.personLookup(match, { webhookId: this.options.webhookId });
      return { ...result, data: rocketReachLookupOutcome(result.data.profile, pick) };
    } catch (error) {
      return missOnNotFound(error);
    }
  }

  private requireFacets(facets: RocketReachSearchQuery, endpoint: string, message: string): void {
    if (Object.keys(facets).length === 0) {
      throw this.refused(endpoint, message);
    }
  }

  private refused(endpoint: string, message: string): ProviderError {
    return new ProviderError({
      provider: ROCKETREACH.name,
      kind: 'bad_request',
      message: `${endpoint}: ${message}`,
    });
  }
}

/** RocketReach's 404 means "no such person/company": a final miss that costs nothing, not a failure. */
function missOnNotFound<T>(error: unknown): CapabilityResult<T> {
  if (error instanceof ProviderError && error.kind === 'not_found' && error.call) {
    return {
      data: { status: 'miss', credits: 0, reason: error.message },
      raw: error.body,
      call: error.call,
      rateLimit: null,
    };
  }
  throw error;
}
