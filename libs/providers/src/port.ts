import type {
  Company,
  CompanyOfficer,
  CompanySearchHit,
  EmailVerdict,
  FoundEmail,
  FoundPhone,
  Firmographics,
  Person,
  PersonQuery,
} from '@sluice/enrichment';
import type { ProviderResult } from './call-info';

/** What Sluice can ask of a provider, whichever provider answers. */
export type Capability =
  | 'find_work_email'
  | 'find_phone'
  | 'lookup_person'
  | 'search_people'
  | 'lookup_company'
  | 'search_companies'
  | 'resolve_company_domain'
  | 'list_company_officers'
  | 'verify_email'
  | 'check_credits';

export const CAPABILITIES: readonly Capability[] = [
  'find_work_email',
  'find_phone',
  'lookup_person',
  'search_people',
  'lookup_company',
  'search_companies',
  'resolve_company_domain',
  'list_company_officers',
  'verify_email',
  'check_credits',
];

/** What one use of a capability costs at a provider. */
export interface CapabilityCost {
  /** Credits charged per call (0 for free providers). */
  credits: number;
  /** Whether the provider charges when it finds nothing; decides whether a reservation is released on a miss. */
  chargedOnMiss: boolean;
  /**
   * `find_phone`: whether a lookup that finds only landlines is charged. A mobile-phone goal refuses
   * that answer, so a provider that charges for it is ranked down for one (`chargesForRejected`).
   */
  chargedOnLandline?: boolean;
  /** Whether the answer arrives later (a task to poll or a webhook) rather than in the response. */
  async?: boolean;
  /**
   * A free call the adapter makes first to learn whether the paid one would find anything (and then
   * makes only the free one): its rate windows count each such call too.
   */
  precheck?: Capability;
}

/** A provider as the planner sees it: its wire name and what it can do at what cost. */
export interface ProviderDescriptor {
  /** Stable wire name, used in queue names (`provider.<name>`), config, metrics and the sandbox. */
  name: string;
  capabilities: Partial<Record<Capability, CapabilityCost>>;
}

/**
 * The answer of one capability call. `hit`/`miss` are final; `pending` means the provider works on
 * it asynchronously: keep `taskId` and complete it from the provider's webhook or by polling.
 * `credits` is what the provider charged for this call (per its cost table), so the credit ledger
 * charges exactly that and releases the rest of a reservation.
 */
export type Outcome<T> =
  | { status: 'hit'; data: T; credits: number; revealed?: Revealed }
  | { status: 'miss'; credits: number; reason?: string; revealed?: Revealed }
  | PendingOutcome;

/** Work the provider has not finished: poll `taskId` again, or wait for its webhook. */
export interface PendingOutcome {
  status: 'pending';
  taskId: string;
  credits: number;
  /**
   * How long the provider asked to be left alone before the next poll (ms), when its answer said
   * (Apollo's `retry_after_seconds`). Absent: the pipeline polls at its own interval.
   */
  pollAfterMs?: number;
}

/**
 * What a paid answer gave besides what was asked, charged with it: a RocketReach lookup returns the
 * whole profile, so a lookup for a work e-mail also gives (and charges for) the person's numbers
 * and profile, found address or not; an Apollo match returns the person's profile and the
 * organization they work at. Kept for the person's (and the company's) later questions, so it is
 * not bought again.
 */
export interface Revealed {
  phones?: FoundPhone[];
  /** The person as the lookup returned them: answers their later profile questions. */
  profile?: Person;
  /** The person's company, by its domain: answers that company's firmographics questions. */
  firmographics?: Firmographics;
}

export type CapabilityResult<T, Raw = unknown> = ProviderResult<Outcome<T>, Raw>;

/** The account's credits as the provider reports them. */
/**
 * The `remaining` of a plan without a credit limit (RocketReach reports `'inf'`): it never runs
 * out. A number, so comparisons against a price hold; never stored or sent as a number (JSON
 * writes it as null, numeric columns refuse it): test with {@link isUnlimited}.
 */
export const UNLIMITED_CREDITS = Number.POSITIVE_INFINITY;

export interface CreditBalance {
  /**
   * Credits left (for providers with several pools, the pool Sluice spends);
   * {@link UNLIMITED_CREDITS} on a plan without a credit limit.
   */
  remaining: number;
  /** The plan's allowance per period, when the provider tells. */
  limit: number | null;
  /** When the allowance renews, when the provider tells. */
  renewsAt: Date | null;
  /** Other pools or counters the provider reports, by the provider's own names. */
  details: Record<string, number>;
}

/** Whether a balance (or its `remaining`) is a plan without a credit limit. */
export function isUnlimited(balance: CreditBalance | number): boolean {
  return (typeof balance === 'number' ? balance : balance.remaining) === UNLIMITED_CREDITS;
}

export interface EmailVerification {
  email: string;
  verdict: EmailVerdict;
  /** The verifier's own verdict, kept as given. */
  rawVerdict: string;
}

export interface DomainResolution {
  domain: string;
  companyName: string | null;
}

/**
 * The capability port. An adapter implements the capabilities its descriptor lists, each taking
 * canonical inputs and returning canonical outputs; the planner never sees a provider's own shapes.
 */
export interface ProviderAdapter {
  readonly descriptor: ProviderDescriptor;
  findWorkEmail?(query: PersonQuery): Promise<CapabilityResult<FoundEmail>>;
  findPhone?(query: PersonQuery): Promise<CapabilityResult<FoundPhone[]>>;
  lookupPerson?(query: PersonQuery): Promise<CapabilityResult<Person>>;
  searchPeople?(query: PersonQuery & { limit?: number }): Promise<CapabilityResult<Person[]>>;
  lookupCompany?(query: {
    companyNumber?: string;
    domain?: string;
    name?: string;
  }): Promise<CapabilityResult<Company | Firmographics>>;
  searchCompanies?(query: {
    name?: string;
    domain?: string;
    limit?: number;
  }): Promise<CapabilityResult<(CompanySearchHit | Firmographics)[]>>;
  resolveCompanyDomain?(query: {
    companyName: string;
    country?: string;
  }): Promise<CapabilityResult<DomainResolution>>;
  listCompanyOfficers?(companyNumber: string): Promise<CapabilityResult<CompanyOfficer[]>>;
  verifyEmail?(email: string): Promise<CapabilityResult<EmailVerification>>;
  checkCredits?(): Promise<ProviderResult<CreditBalance, unknown>>;
  /**
   * How many calls of its own the adapter will make before the next call it is asked for (an
   * OAuth token it must fetch first: Snov.io's), each counted by the provider against its limits
   * like any other. Absent: none.
   */
  callsBeforeNext?(): number;
}

/** The capabilities an adapter claims in its descriptor must each have a method, and no more. */
export const CAPABILITY_METHODS: Record<Capability, keyof ProviderAdapter> = {
  find_work_email: 'findWorkEmail',
  find_phone: 'findPhone',
  lookup_person: 'lookupPerson',
  search_people: 'searchPeople',
  lookup_company: 'lookupCompany',
  search_companies: 'searchCompanies',
  resolve_company_domain: 'resolveCompanyDomain',
  list_company_officers: 'listCompanyOfficers',
  verify_email: 'verifyEmail',
  check_credits: 'checkCredits',
};
