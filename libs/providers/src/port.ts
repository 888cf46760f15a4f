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

/** What one use of a capability costs at a provider. */
export interface CapabilityCost {
  /** Credits charged per call (0 for free providers). */
  credits: number;
  /** Whether the provider charges when it finds nothing; decides whether a reservation is released on a miss. */
  chargedOnMiss: boolean;
}

/** A provider as the planner sees it: its wire name and what it can do at what cost. */
export interface ProviderDescriptor {
  /** Stable wire name, used in queue names (`provider.<name>`), config, metrics and the sandbox. */
  name: string;
  capabilities: Partial<Record<Capability, CapabilityCost>>;
}
