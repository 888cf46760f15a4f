/**
 * The request types Sluice answers today. The design names more (`person.email`, `person.phone`,
 * `company.officer_emails`, …); each is added here together with its plan, so the API never accepts a
 * type that nothing can run.
 */
export const SUPPORTED_REQUEST_TYPES = ['company.profile'] as const;
export type RequestType = (typeof SUPPORTED_REQUEST_TYPES)[number];

export function isSupportedRequestType(value: unknown): value is RequestType {
  return typeof value === 'string' && (SUPPORTED_REQUEST_TYPES as readonly string[]).includes(value);
}

/** One provider call in a plan, before it runs. */
export interface PlannedStep {
  provider: string;
  /** What the step does at the provider, in our terms (e.g. `company.profile`). */
  operation: string;
}

export interface CompanyProfileInput {
  company_number: string;
}

export type RequestInput = CompanyProfileInput;

/**
 * Turns a request into its steps. Company profiles come from the public register (Companies
 * House), which is free: one step, no waterfall.
 */
export function planRequest(type: RequestType, _input: RequestInput): PlannedStep[] {
  switch (type) {
    case 'company.profile':
      return [{ provider: 'companies-house', operation: 'company.profile' }];
  }
}
