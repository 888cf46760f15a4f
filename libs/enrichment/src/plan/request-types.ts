/**
 * The request types Sluice answers. Each becomes a list of goals; a goal is met by the first
 * eligible provider that answers it (a waterfall), and later goals may use earlier goals' answers
 * (a chain). The API never accepts a type that nothing can run.
 */
export const SUPPORTED_REQUEST_TYPES = [
  'company.profile',
  'company.officers',
  'company.domain',
  'person.email',
  'person.phone',
  'person.profile',
  'email.verify',
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
}

export const REQUEST_OPTION_NAMES = ['verify', 'accept_catch_all', 'phone_type', 'wait_for_credits'] as const;

/** What a goal asks of a provider, in the provider port's terms. */
export type GoalCapability =
  | 'lookup_company'
  | 'list_company_officers'
  | 'resolve_company_domain'
  | 'find_work_email'
  | 'find_phone'
  | 'lookup_person'
  | 'verify_email';

export type GoalKey = 'company' | 'officers' | 'domain' | 'email' | 'phone' | 'profile' | 'verify';

export interface Goal {
  key: GoalKey;
  capability: GoalCapability;
  /** Our name for the operation, recorded on the step and used for caching (e.g. `person.email`). */
  operation: string;
  /**
   * Whether the request fails when no provider meets this goal. Lookups that find nothing are not
   * failures (the answer is "unknown"); a missing company is, because nothing else can follow.
   */
  required: boolean;
}

const GOALS: Record<GoalKey, Goal> = {
  company: { key: 'company', capability: 'lookup_company', operation: 'company.profile', required: true },
  officers: {
    key: 'officers',
    capability: 'list_company_officers',
    operation: 'company.officers',
    required: true,
  },
  domain: {
    key: 'domain',
    capability: 'resolve_company_domain',
    operation: 'company.domain',
    required: false,
  },
  email: { key: 'email', capability: 'find_work_email', operation: 'person.email', required: false },
  phone: { key: 'phone', capability: 'find_phone', operation: 'person.phone', required: false },
  profile: { key: 'profile', capability: 'lookup_person', operation: 'person.profile', required: false },
  verify: { key: 'verify', capability: 'verify_email', operation: 'email.verify', required: false },
};

/**
 * The goals of a request, in order. `company.domain` by number first asks the register for the
 * name (free) before a paid search; `person.email` with `verify` adds a verification of the answer.
 */
export function goalsOf(type: RequestType, input: RequestInput, options: RequestOptions = {}): Goal[] {
  switch (type) {
    case 'company.profile':
      return [GOALS.company];
    case 'company.officers':
      return [GOALS.officers];
    case 'company.domain':
      return input.company_name ? [GOALS.domain] : [GOALS.company, GOALS.domain];
    case 'person.email':
      return options.verify ? [GOALS.email, GOALS.verify] : [GOALS.email];
    case 'person.phone':
      return [GOALS.phone];
    case 'person.profile':
      return [GOALS.profile];
    case 'email.verify':
      return [GOALS.verify];
  }
}

/** The request fields each type accepts, and which combinations make it answerable. */
export const REQUEST_INPUT_FIELDS: Record<RequestType, readonly (keyof RequestInput)[]> = {
  'company.profile': ['company_number'],
  'company.officers': ['company_number'],
  'company.domain': ['company_number', 'company_name'],
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
  }
}
