import { closedForEnrichmentReason } from '../company-status';
import type { EnrichField } from '../merge/fields';

/**
 * The request types Sluice answers. Each becomes a list of goals; a goal is met by the first
 * eligible provider that answers it (a waterfall), and later goals may use earlier goals' answers
 * (a chain). The API never accepts a type that nothing can run.
 */
export const SUPPORTED_REQUEST_TYPES = [
  'company.profile',
  'company.officers',
  'company.domain',
  'company.officer_emails',
  'person.email',
  'person.phone',
  'person.profile',
  'email.verify',
  'enrich',
] as const;
export type RequestType = (typeof SUPPORTED_REQUEST_TYPES)[number];

export function isSupportedRequestType(value: unknown): value is RequestType {
  return typeof value === 'string' && (SUPPORTED_REQUEST_TYPES as readonly string[]).includes(value);
}

/** A request's input, with the canonical field names of DESIGN.md, already validated and normalised. */
export interface RequestInput {
  company_number?: string;
  company_name?: string;
  domain?: string;
  first_name?: string;
  last_name?: string;
  full_name?: string;
  email?: string;
  linkedin_url?: string;
  phone?: string;
}

/** How a request's plan runs, as the caller asked. */
export interface RequestOptions {
  /** Verify the e-mail found (person.email): one more, paid, step. */
  verify?: boolean;
  /** Accept an e-mail whose domain accepts every address. @defaultValue false */
  accept_catch_all?: boolean;
  /** `mobile`: never accept a landline. @defaultValue 'any' */
  phone_type?: 'mobile' | 'any';
  /** Wait for a provider paused for credits instead of falling through to the next. */
  wait_for_credits?: boolean;
  /**
   * Answers older than this many days (0–3650) are not reused, from the Redis provider cache nor
   * the store: the step asks the provider again. 0: every step asks again. Absent: the cache TTLs
   * and STORE_FRESH_DAYS alone decide. Answers fetched since the request was made are always
   * reused, so identical calls in flight still coalesce.
   */
  max_age_days?: number;
  /** `enrich`: the fields asked for (from {@link ENRICH_FIELDS}); they decide the request's goals. */
  fields?: readonly EnrichField[];
}

export const REQUEST_OPTION_NAMES = [
  'verify',
  'accept_catch_all',
  'phone_type',
  'wait_for_credits',
  'max_age_days',
  'fields',
] as const;

/** What a goal asks of a provider, in the provider port's terms. */
export type GoalCapability =
  | 'lookup_company'
  | 'list_company_officers'
  | 'resolve_company_domain'
  | 'find_work_email'
  | 'find_phone'
  | 'lookup_person'
  | 'verify_email';

export type GoalKey =
  'company' | 'officers' | 'domain' | 'email' | 'phone' | 'profile' | 'verify' | 'firmographics';

export interface Goal {
  /**
   * The goal's id within its request, recorded on its steps: the key itself, or for a chain's
   * per-officer goals the key and the officer (`email:<officer key>`).
   */
  id: string;
  key: GoalKey;
  capability: GoalCapability;
  /** Our name for the operation, recorded on the step and used for caching (e.g. `person.email`). */
  operation: string;
  /**
   * Whether the request fails when no provider meets this goal. Lookups that find nothing are not
   * failures (the answer is "unknown"); a missing company is, because nothing else can follow.
   */
  required: boolean;
  /** The officer a chain's per-officer goal is about. */
  officer?: ChainOfficer;
}

/** An officer the company → officers → e-mails chain looks for: an active natural person. */
export interface ChainOfficer {
  /** The officer's key in `company_officers` / `officer_emails` (see {@link officerKeyOf}). */
  key: string;
  name: string;
  firstName: string;
  lastName: string;
  role: string | null;
}

/** Answers of earlier goals that decide which goals a chain has. */
export interface ChainAnswers {
  /** The officers goal's accepted output (`officers`), once it has one. */
  officers?: readonly Record<string, unknown>[] | null;
}

/** Each goal's capability and operation (the operation names its cache keys). */
export const GOALS: Readonly<Record<GoalKey, Goal>> = {
  company: {
    id: 'company',
    key: 'company',
    capability: 'lookup_company',
    operation: 'company.profile',
    required: true,
  },
  officers: {
    id: 'officers',
    key: 'officers',
    capability: 'list_company_officers',
    operation: 'company.officers',
    required: true,
  },
  domain: {
    id: 'domain',
    key: 'domain',
    capability: 'resolve_company_domain',
    operation: 'company.domain',
    required: false,
  },
  email: {
    id: 'email',
    key: 'email',
    capability: 'find_work_email',
    operation: 'person.email',
    required: false,
  },
  phone: { id: 'phone', key: 'phone', capability: 'find_phone', operation: 'person.phone', required: false },
  profile: {
    id: 'profile',
    key: 'profile',
    capability: 'lookup_person',
    operation: 'person.profile',
    required: false,
  },
  verify: {
    id: 'verify',
    key: 'verify',
    capability: 'verify_email',
    operation: 'email.verify',
    required: false,
  },
  // A company by its domain or name at a B2B data provider (industry, size, revenue, technologies),
  // as opposed to `company`, the register's record by company number.
  firmographics: {
    id: 'firmographics',
    key: 'firmographics',
    capability: 'lookup_company',
    operation: 'company.firmographics',
    required: false,
  },
};

/**
 * Every operation a provider's answer is cached under (the second part of a `cacheKeyOf` key),
 * as the goals name them: what an operator may clear the cache of.
 */
export const CACHED_OPERATIONS: readonly string[] = [
  ...new Set(Object.values(GOALS).map((goal) => goal.operation)),
];

/**
 * The goals of a request, in order. `company.domain` by number first asks the register for the
 * name (free) before a paid search; `person.email` with `verify` adds a verification of the answer.
 */
export function goalsOf(
  type: RequestType,
  input: RequestInput,
  options: RequestOptions = {},
  chain: ChainAnswers = {},
): Goal[] {
  switch (type) {
    case 'company.officer_emails': {
      // The register first (free); the domain search only when the caller did not give the domain;
      // then one e-mail waterfall per active officer, each verified when asked.
      const goals = input.domain
        ? [GOALS.company, GOALS.officers]
        : [GOALS.company, GOALS.officers, GOALS.domain];
      for (const officer of chainOfficers(chain.officers ?? [])) {
        goals.push({ ...GOALS.email, id: `email:${officer.key}`, officer });
        if (options.verify) {
          goals.push({ ...GOALS.verify, id: `verify:${officer.key}`, officer });
        }
      }
      return goals;
    }
    case 'company.profile':
      return [GOALS.company];
    case 'company.officers':
      return [GOALS.officers];
    case 'company.domain':
      return input.company_name ? [GOALS.domain] : [GOALS.company, GOALS.domain];
    case 'person.email':
      return options.verify ? [GOALS.email, GOALS.verify] : [GOALS.email];
    case 'person.phone':
      return namesPerson(input) ? [GOALS.phone] : [GOALS.profile, GOALS.phone];
    case 'person.profile':
      return [GOALS.profile];
    case 'email.verify':
      return [GOALS.verify];
    case 'enrich':
      return enrichGoals(input, options.fields ?? []).map((key) => GOALS[key]);
  }
}

/**
 * Whether a request's first goal is the register's (`company`, `officers`: Companies House, whose
 * work is HIGH class): its plan job goes before those of requests that start at a paid provider.
 */
export function startsAtRegister(
  type: RequestType,
  input: RequestInput,
  options: RequestOptions = {},
): boolean {
  const first = goalsOf(type, input, options)[0]?.key;
  return first === 'company' || first === 'officers';
}

/** The request fields each type accepts, and which combinations make it answerable. */
export const REQUEST_INPUT_FIELDS: Record<RequestType, readonly (keyof RequestInput)[]> = {
  'company.profile': ['company_number'],
  'company.officers': ['company_number'],
  'company.domain': ['company_number', 'company_name'],
  'company.officer_emails': ['company_number', 'domain'],
  'person.email': ['first_name', 'last_name', 'full_name', 'domain', 'company_name', 'linkedin_url'],
  'person.phone': ['first_name', 'last_name', 'full_name', 'domain', 'company_name', 'linkedin_url', 'email'],
  'person.profile': [
    'first_name',
    'last_name',
    'full_name',
    'domain',
    'company_name',
    'linkedin_url',
    'email',
  ],
  'email.verify': ['email'],
  enrich: [
    'email',
    'domain',
    'company_name',
    'linkedin_url',
    'first_name',
    'last_name',
    'full_name',
    'phone',
  ],
};

/**
 * Why an input cannot be answered, or null. A person is found by a LinkedIn URL, an e-mail (where
 * the type takes one), or a name together with a domain or company name.
 */
export function missingIdentifiers(type: RequestType, input: RequestInput): string | null {
  const named = Boolean(input.full_name || (input.first_name && input.last_name));
  const employer = Boolean(input.domain || input.company_name);
  switch (type) {
    case 'company.profile':
    case 'company.officers':
    case 'company.officer_emails':
      return input.company_number ? null : `input.company_number is required for ${type}`;
    case 'company.domain':
      return input.company_number || input.company_name
        ? null
        : 'company.domain needs input.company_name or input.company_number';
    case 'person.email':
      return input.linkedin_url || (named && employer)
        ? null
        : 'person.email needs input.linkedin_url, or a name (first_name and last_name, or full_name) with domain or company_name';
    case 'person.phone':
    case 'person.profile':
      return input.linkedin_url || input.email || (named && employer)
        ? null
        : `${type} needs input.linkedin_url, input.email, or a name (first_name and last_name, or full_name) with domain or company_name`;
    case 'email.verify':
      return input.email ? null : 'input.email is required for email.verify';
    case 'enrich':
      return input.linkedin_url || input.email || input.phone || employer || named
        ? null
        : 'enrich needs at least one identifier: email, domain, company_name, linkedin_url, phone, or a name';
  }
}

/** Fields that only a person lookup (a profile) answers. */
const PROFILE_FIELDS: readonly EnrichField[] = [
  'first_name',
  'last_name',
  'full_name',
  'title',
  'seniority',
  'department',
  'linkedin_url',
  'location',
  'city',
  'state',
  'country',
  'personal_email',
];
/** Fields of the company, answered by a firmographics lookup. */
const COMPANY_FIELDS: readonly EnrichField[] = [
  'industry',
  'company_size',
  'company_revenue',
  'technologies',
  'zip_code',
];

/** Whether the caller named the person: first and last name, or a full name. */
export function namesPerson(input: RequestInput): boolean {
  return Boolean(input.full_name || (input.first_name && input.last_name));
}

/** Whether the identifiers can find a person: a LinkedIn URL, an e-mail, or a name at an employer. */
export function identifiesPerson(input: RequestInput): boolean {
  const named = Boolean(input.full_name || (input.first_name && input.last_name));
  return Boolean(input.linkedin_url || input.email || (named && (input.domain || input.company_name)));
}

/**
 * The goals an `enrich` request needs for the fields asked, cheapest information first: the
 * person's profile (which also names their company), their work e-mail unless the caller gave one,
 * its verification, their phone, then the company's firmographics. A field the identifiers cannot
 * reach adds no goal (the gateway refuses such a request up front; see {@link unreachableFields}).
 */
export function enrichGoals(input: RequestInput, fields: readonly string[]): GoalKey[] {
  const wants = (list: readonly string[]): boolean => fields.some((field) => list.includes(field));
  const person = identifiesPerson(input);
  const company = Boolean(input.domain || input.company_name);
  const goals: GoalKey[] = [];
  // With no company identifier, the company (its name and domain, and the domain its firmographics
  // are looked up by) comes from the person's profile.
  const companyWanted = wants(['company_name', 'company_domain', ...COMPANY_FIELDS]);
  // Phone providers search by name: a person known by a LinkedIn URL or an e-mail is looked up first.
  const phoneWanted = wants(['phone', 'phone_extension', 'mobile_phone']);
  if (
    person &&
    (wants(PROFILE_FIELDS) || (!company && companyWanted) || (phoneWanted && !namesPerson(input)))
  ) {
    goals.push('profile');
  }
  // A caller who gives the e-mail has it already: it is only verified.
  if (!input.email && person && wants(['business_email', 'email_status'])) {
    goals.push('email');
  }
  if (wants(['email_status']) && (input.email || goals.includes('email'))) {
    goals.push('verify');
  }
  if (person && phoneWanted) {
    goals.push('phone');
  }
  if (
    (company || person) &&
    (wants(COMPANY_FIELDS) || (company && wants(['company_name', 'company_domain'])))
  ) {
    goals.push('firmographics');
  }
  return goals;
}

/**
 * Fields asked of an `enrich` request that its identifiers cannot reach, each with what it needs;
 * empty when every field can be looked for.
 */
export function unreachableFields(
  input: RequestInput,
  fields: readonly string[],
): { field: string; needs: string }[] {
  const person = identifiesPerson(input);
  const company = Boolean(input.domain || input.company_name);
  const needsPerson =
    'linkedin_url, email, or a name (first_name and last_name, or full_name) with domain or company_name';
  const problems: { field: string; needs: string }[] = [];
  for (const field of fields) {
    if (field === 'business_email' || field === 'email_status') {
      if (!person) {
        problems.push({ field, needs: needsPerson });
      }
    } else if (
      COMPANY_FIELDS.includes(field as EnrichField) ||
      field === 'company_name' ||
      field === 'company_domain'
    ) {
      if (!person && !company) {
        problems.push({ field, needs: `domain, company_name, or ${needsPerson}` });
      }
    } else if (!person) {
      problems.push({ field, needs: needsPerson });
    }
  }
  return problems;
}

/**
 * How `company_officers` and `officer_emails` key an officer: the register's officer id, else name
 * and appointment date (the register gives no id for some appointments).
 */
export function officerKeyOf(officer: Record<string, unknown>): string {
  return typeof officer.officer_id === 'string' && officer.officer_id
    ? officer.officer_id
    : `${String(officer.name)}|${typeof officer.appointed_on === 'string' ? officer.appointed_on : ''}`;
}

/**
 * The officers worth an e-mail search: active (not resigned) natural persons whose first and last
 * names the register gives. Corporate officers have no mailbox; former officers are not asked for.
 */
export function chainOfficers(officers: readonly Record<string, unknown>[]): ChainOfficer[] {
  const seen = new Set<string>();
  const result: ChainOfficer[] = [];
  for (const officer of officers) {
    const firstName = typeof officer.first_name === 'string' ? officer.first_name.trim() : '';
    const lastName = typeof officer.last_name === 'string' ? officer.last_name.trim() : '';
    if (
      officer.kind === 'corporate' ||
      officer.active === false ||
      officer.resigned_on ||
      !firstName ||
      !lastName
    ) {
      continue;
    }
    const key = officerKeyOf(officer);
    if (seen.has(key)) {
      continue; // one person appointed twice (e.g. director and secretary) is searched once
    }
    seen.add(key);
    result.push({
      key,
      name: String(officer.name),
      firstName,
      lastName,
      role: typeof officer.role === 'string' ? officer.role : null,
    });
  }
  return result;
}

/**
 * Why the chain stops at the company, before any credit is spent, or null: a company that no longer
 * trades — dissolved, closed, converted-closed or removed from the register — or one the register
 * proposes to strike off, has no one worth paying to find. A company in liquidation or
 * administration still has officers answering for it, so the chain goes on.
 */
export function chainStopReason(company: Record<string, unknown>): string | null {
  const reason = closedForEnrichmentReason({
    status: typeof company.company_status === 'string' ? company.company_status : '',
    statusDetail: typeof company.company_status_detail === 'string' ? company.company_status_detail : null,
  });
  if (reason === null) {
    return null;
  }
  return reason === 'proposed-strike-off' ? 'proposed_strike_off' : `company_${reason.replace(/-/g, '_')}`;
}

/** One goal a request left unanswered, as its result says (`result.unresolved[]`). */
export interface UnresolvedGoal {
  goal: string;
  reason: string;
  /** Providers that could not be asked, or could not answer, for a reason that passes. */
  retry_later?: { provider: string; reason: string }[];
}
