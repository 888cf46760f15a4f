import { SetMetadata } from '@nestjs/common';

/**
 * What an API key may do. `enrich`: submit work (jobs, enrichment) and cancel it; `jobs:read`: read
 * jobs, credits, usage and alerts; `export`: export results; `admin`: the workspace's own settings
 * (webhook secret, provider credentials). A workspace's first key holds them all.
 */
export const API_SCOPES = ['enrich', 'jobs:read', 'export', 'admin'] as const;
export type ApiScope = (typeof API_SCOPES)[number];

export const SCOPES_KEY = 'sluice:scopes';

/** The scope a route needs from the calling key (checked by the API key guard). */
export const RequireScope = (scope: ApiScope): MethodDecorator & ClassDecorator =>
  SetMetadata(SCOPES_KEY, scope);
