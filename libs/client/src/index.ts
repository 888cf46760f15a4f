import createClient, { type Client, type ClientOptions } from 'openapi-fetch';
import type { paths } from './schema';

export type { components, operations, paths } from './schema';

export interface SluiceClientOptions {
  /** Where the gateway answers, e.g. `http://127.0.0.1:3000` (the paths start with `/v1`). */
  baseUrl: string;
  /** A workspace API key (`slk_…`), or the admin token for `/v1/admin/*`. */
  apiKey: string;
  /** Another fetch (a test's, a proxy's); the global one by default. */
  fetch?: ClientOptions['fetch'];
  /** Headers sent with every request besides the authorization. */
  headers?: Record<string, string>;
}

/** A Sluice API client whose paths, parameters, bodies and answers are typed by the OpenAPI document. */
export type SluiceClient = Client<paths>;

/**
 * A typed client of the Sluice gateway, on openapi-fetch: `client.GET('/v1/jobs/{id}', { params:
 * { path: { id } } })` answers `{ data, error, response }`, `data` typed by the route's 2xx answer
 * and `error` by its error answers.
 */
export function createSluiceClient(options: SluiceClientOptions): SluiceClient {
  return createClient<paths>({
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    headers: { ...options.headers, authorization: `Bearer ${options.apiKey}` },
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
}
