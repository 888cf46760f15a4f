import { ApiKey } from './api-key.entity';
import { CompanyRecord } from './company.entity';
import { EnrichmentRequest } from './enrichment-request.entity';
import { EnrichmentStep } from './enrichment-step.entity';
import { ProviderCall } from './provider-call.entity';
import { Workspace } from './workspace.entity';

export * from './api-key.entity';
export * from './company.entity';
export * from './enrichment-request.entity';
export * from './enrichment-step.entity';
export * from './provider-call.entity';
export * from './workspace.entity';

/** The explicit entity list: no globs, so a build never silently misses an entity. */
export const ENTITIES = [Workspace, ApiKey, EnrichmentRequest, EnrichmentStep, ProviderCall, CompanyRecord];
