import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { ProviderError } from '../errors';
import { CompaniesHouseClient } from './client';
import type { CompaniesHouseOfficer, CompaniesHouseOfficerList } from './types';

const API_KEY = 'ch-test-key-5f2c9a';
// base64("ch-test-key-5f2c9a:"), worked out by hand so the test does not share the client's code.
const EXPECTED_AUTHORIZATION = 'Basic Y2gtdGVzdC1rZXktNWYyYzlhOg==';
const BASE_PATH = '/companies-house';

function fixture(name: string): string {
  return readFileSync(join(__dirname, '__fixtures__', name), 'utf8');
}

const profileText = fixture('company-profile.response.200.active.json');
const notFoundText = fixture('error.404.company-profile-not-found.json');
const searchText = fixture('search-companies.response.200.json');
const officerPage = JSON.parse(
  fixture('officers.response.200.constructed.json'),
) as CompaniesHouseOfficerList & {
  items: CompaniesHouseOfficer[];
};

interface ReceivedRequest {
  method: string | undefined;
  /** Path and query exactly as they arrived, still percent-encoded. */
  url: string;
  authorization: string | undefined;
}

const received: ReceivedRequest[] = [];
const heldResponses: ServerResponse[] = [];
let server: Server;
let baseUrl: string;
let rateLimitReset: number;

function send(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(body);
}

function officersPage(url: URL, total: number, servedPageSize: number): string {
  const start = Number(url.searchParams.get('start_index') ?? '0');
  const asked = Number(url.searchParams.get('items_per_page') ?? '35');
  const size = Math.min(asked, servedPageSize);
  const items: CompaniesHouseOfficer[] = [];
  for (let index = start; index < Math.min(start + size, total); index += 1) {
    const template = officerPage.items[index % officerPage.items.length];
    items.push({ ...template, name: `OFFICER${String(index).padStart(3, '0')}, Test` });
  }
  return JSON.stringify({
    ...officerPage,
    items,
    items_per_page: size,
    start_index: start,
    total_results: total,
  });
}

// A stand-in for the Companies House API, reached over real HTTP, serving the recorded payloads.
function handle(req: IncomingMessage, res: ServerResponse): void {
  received.push({ method: req.method, url: req.url ?? '', authorization: req.headers.authorization });
  const url = new URL(req.url ?? '/', 'http://localhost');
  const path = url.pathname.startsWith(BASE_PATH)
    ? url.pathname.slice(BASE_PATH.length)
    : `(outside base path)${url.pathname}`;
  switch (path) {
    case '/company/07798925':
      return send(res, 200, profileText, {
        'X-Ratelimit-Limit': '600',
        'X-Ratelimit-Remain': '599',
        'X-Ratelimit-Reset': String(rateLimitReset),
        'X-Ratelimit-Window': '5m',
      });
    case '/company/00000404':
    case '/company/00000404/officers':
      return send(res, 404, notFoundText);
    case '/company/00000429':
      return send(res, 429, '', {
        'X-Ratelimit-Limit': '600',
        'X-Ratelimit-Remain': '0',
        'X-Ratelimit-Reset': String(rateLimitReset),
      });
    case '/company/00000503':
      return send(res, 503, '<html>Service Unavailable</html>', { 'Content-Type': 'text/html' });
    case '/company/00000401': {
      // Echoes the presented key back, as some APIs do, to prove the client never passes it on.
      const presented = Buffer.from(
        (req.headers.authorization ?? '').replace(/^Basic /, ''),
        'base64',
      ).toString('utf8');
      return send(
        res,
        401,
        JSON.stringify({
          error: `Invalid Authorization header: ${presented} (${req.headers.authorization ?? ''})`,
        }),
      );
    }
    case '/company/00000200':
      return send(res, 200, '<html><body>Planned maintenance</body></html>', { 'Content-Type': 'text/html' });
    case '/company/00000201':
      return send(res, 200, JSON.stringify({ kind: 'company-profile', company_name: 'NO NUMBER LTD' }));
    case '/company/00000408':
      heldResponses.push(res); // never answered: the client's timeout must fire
      return;
    case '/company/07798925/officers':
      return send(res, 200, officersPage(url, 250, 100));
    case '/company/00000035/officers':
      return send(res, 200, officersPage(url, 80, 35));
    case '/search/companies':
      return send(res, 200, searchText);
    default:
      return send(res, 404, JSON.stringify({ errors: [{ error: 'not-found', type: 'ch:service' }] }));
  }
}

function client(overrides: { baseUrl?: string; timeoutMs?: number } = {}): CompaniesHouseClient {
  return new CompaniesHouseClient({
    baseUrl: overrides.baseUrl ?? baseUrl,
    apiKey: API_KEY,
    timeoutMs: overrides.timeoutMs ?? 2_000,
  });
}

async function providerError(promise: Promise<unknown>): Promise<ProviderError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ProviderError) {
      return error;
    }
    throw error;
  }
  throw new Error('expected the call to fail with a ProviderError, but it succeeded');
}

async function listen(target: Server): Promise<number> {
  await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
  return (target.address() as AddressInfo).port;
}

beforeAll(async () => {
  server = createServer(handle);
  baseUrl = `http://127.0.0.1:${await listen(server)}${BASE_PATH}`;
});

beforeEach(() => {
  received.length = 0;
  rateLimitReset = Math.floor(Date.now() / 1000) + 30;
});

afterAll(async () => {
  for (const res of heldResponses) {
    res.destroy();
  }
  server.closeAllConnections();
  await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
});

describe('CompaniesHouseClient requests', () => {
  it('authenticates with HTTP Basic: the key as user name and an empty password', async () => {
    await client().getCompanyProfile('07798925');
    expect(received).toHaveLength(1);
    expect(received[0]?.authorization).toBe(EXPECTED_AUTHORIZATION);
  });

  it('keeps the base URL path and appends /company/{number}, normalising the number', async () => {
    await client().getCompanyProfile(' 7798925 ');
    expect(received[0]).toMatchObject({ method: 'GET', url: `${BASE_PATH}/company/07798925` });
  });

  it('URL-encodes a company number it cannot normalise', async () => {
    await providerError(client().getCompanyProfile('ip 1/2'));
    expect(received[0]?.url).toBe(`${BASE_PATH}/company/IP%201%2F2`);
  });

  it('refuses an empty company number without calling Companies House', async () => {
    const error = await providerError(client().getCompanyProfile('   '));
    expect(error.kind).toBe('bad_request');
    expect(error.call).toBeNull();
    expect(received).toHaveLength(0);
  });
});

describe('CompaniesHouseClient.getCompanyProfile', () => {
  it('maps the recorded profile and returns the raw payload beside it', async () => {
    const result = await client().getCompanyProfile('07798925');
    expect(result.data).toMatchObject({
      companyNumber: '07798925',
      name: 'IWOCA LTD',
      status: 'active',
      type: 'ltd',
      incorporatedOn: '2011-10-05',
      sicCodes: ['64921'],
      registeredAddress: { line1: '10 Queen Street Place', postalCode: 'EC4R 1AG', locality: 'London' },
    });
    expect(result.raw).toEqual(JSON.parse(profileText));
  });

  it('describes the call by endpoint template, full URL, status and latency', async () => {
    const { call } = await client().getCompanyProfile('07798925');
    expect(call).toEqual({
      provider: 'companies-house',
      method: 'GET',
      endpoint: 'GET /company/{company_number}',
      url: `${baseUrl}/company/07798925`,
      status: 200,
      latencyMs: expect.any(Number) as number,
    });
    expect(call.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it('reads the X-Ratelimit-* headers into rateLimit', async () => {
    const { rateLimit } = await client().getCompanyProfile('07798925');
    expect(rateLimit).toEqual({
      limit: 600,
      remaining: 599,
      resetAt: new Date(rateLimitReset * 1000),
      window: '5m',
    });
  });
});

describe('CompaniesHouseClient errors', () => {
  it('maps 404 to not_found, keeping the Companies House error key, not retryable', async () => {
    const error = await providerError(client().getCompanyProfile('00000404'));
    expect(error).toBeInstanceOf(ProviderError);
    expect(error.kind).toBe('not_found');
    expect(error.status).toBe(404);
    expect(error.retryable).toBe(false);
    expect(error.message).toContain('company-profile-not-found');
    expect(error.message).toContain('00000404');
    expect(error.body).toEqual({ errors: [{ error: 'company-profile-not-found', type: 'ch:service' }] });
    expect(error.call?.endpoint).toBe('GET /company/{company_number}');
  });

  it('maps 429 to rate_limited, waiting until X-Ratelimit-Reset', async () => {
    const error = await providerError(client().getCompanyProfile('00000429'));
    expect(error.kind).toBe('rate_limited');
    expect(error.status).toBe(429);
    expect(error.retryable).toBe(true);
    // The reset is 30 s ahead in whole seconds, so the wait is 29–30 s less the time the call took.
    expect(error.retryAfterMs).toBeGreaterThan(27_000);
    expect(error.retryAfterMs).toBeLessThanOrEqual(30_000);
  });

  it('maps 503 to unavailable, retryable', async () => {
    const error = await providerError(client().getCompanyProfile('00000503'));
    expect(error.kind).toBe('unavailable');
    expect(error.status).toBe(503);
    expect(error.retryable).toBe(true);
  });

  it('maps 401 to unauthorized, not retryable', async () => {
    const error = await providerError(client().getCompanyProfile('00000401'));
    expect(error.kind).toBe('unauthorized');
    expect(error.retryable).toBe(false);
  });

  it('maps a refused connection to unavailable with no status', async () => {
    const closed = createServer();
    const port = await listen(closed);
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const error = await providerError(
      client({ baseUrl: `http://127.0.0.1:${port}` }).getCompanyProfile('07798925'),
    );
    expect(error.kind).toBe('unavailable');
    expect(error.retryable).toBe(true);
    expect(error.status).toBeNull();
    expect(error.call?.status).toBeNull();
    expect(error.message).toContain('ECONNREFUSED');
  });

  it('maps a call that outlasts timeoutMs to timeout, retryable, without waiting for the server', async () => {
    const started = Date.now();
    const error = await providerError(client({ timeoutMs: 150 }).getCompanyProfile('00000408'));
    expect(error.kind).toBe('timeout');
    expect(error.retryable).toBe(true);
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it('maps a 200 whose body is not JSON to invalid_response, not retryable', async () => {
    const error = await providerError(client().getCompanyProfile('00000200'));
    expect(error.kind).toBe('invalid_response');
    expect(error.status).toBe(200);
    expect(error.retryable).toBe(false);
    expect(error.message).toContain('not JSON');
  });

  it('maps a 200 profile without company_number to invalid_response', async () => {
    const error = await providerError(client().getCompanyProfile('00000201'));
    expect(error.kind).toBe('invalid_response');
    expect(error.body).toEqual({ kind: 'company-profile', company_name: 'NO NUMBER LTD' });
  });

  it('never lets the API key or its Basic encoding into error messages, bodies or call URLs', async () => {
    const encodedKey = EXPECTED_AUTHORIZATION.slice('Basic '.length);
    const closed = createServer();
    const closedPort = await listen(closed);
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const errors = await Promise.all([
      providerError(client().getCompanyProfile('00000401')),
      providerError(client().getCompanyProfile('00000404')),
      providerError(client().getCompanyProfile('00000429')),
      providerError(client().getCompanyProfile('00000503')),
      providerError(client().getCompanyProfile('00000200')),
      providerError(client({ timeoutMs: 150 }).getCompanyProfile('00000408')),
      providerError(client({ baseUrl: `http://127.0.0.1:${closedPort}` }).getCompanyProfile('07798925')),
      providerError(client().listOfficers('00000404')),
    ]);
    // The 401 body echoed the key: it must arrive redacted, not dropped silently.
    expect(JSON.stringify(errors[0]?.body)).toContain('[redacted]');
    for (const error of errors) {
      const exposed = [
        error.message,
        error.call?.url ?? '',
        JSON.stringify(error.body),
        String(error.stack),
      ].join('\n');
      expect(exposed).not.toContain(API_KEY);
      expect(exposed).not.toContain(encodedKey);
    }
    const success = await client().getCompanyProfile('07798925');
    expect(success.call.url).not.toContain(API_KEY);
  });
});

describe('CompaniesHouseClient.listOfficers', () => {
  it('collects officers across 3 pages of 100, asking for each page in turn', async () => {
    const result = await client().listOfficers('07798925');
    expect(result.data).toHaveLength(250);
    expect(new Set(result.data.map((officer) => officer.name)).size).toBe(250);
    expect(result.data[249]?.name).toBe('OFFICER249, Test');
    expect(received.map((request) => request.url)).toEqual([
      `${BASE_PATH}/company/07798925/officers?items_per_page=100&start_index=0`,
      `${BASE_PATH}/company/07798925/officers?items_per_page=100&start_index=100`,
      `${BASE_PATH}/company/07798925/officers?items_per_page=100&start_index=200`,
    ]);
    expect(result.call).toMatchObject({ endpoint: 'GET /company/{company_number}/officers', status: 200 });
    expect(result.raw).toEqual(result.data);
  });

  it('keeps paging by what arrived when the API serves smaller pages than asked', async () => {
    const result = await client().listOfficers('00000035');
    expect(result.data).toHaveLength(80);
    expect(
      received.map((request) => new URL(request.url, 'http://x').searchParams.get('start_index')),
    ).toEqual(['0', '35', '70']);
  });

  it('keeps the officer fields of the payload', async () => {
    const result = await client().listOfficers('07798925');
    expect(result.data[0]).toMatchObject({
      officer_role: 'director',
      date_of_birth: { month: 4, year: 1980 },
    });
    expect(result.data[1]).toMatchObject({ officer_role: 'corporate-secretary', resigned_on: '2014-03-31' });
  });

  it('maps an unknown company to not_found', async () => {
    const error = await providerError(client().listOfficers('00000404'));
    expect(error.kind).toBe('not_found');
    expect(error.call?.endpoint).toBe('GET /company/{company_number}/officers');
  });
});

describe('CompaniesHouseClient.searchCompanies', () => {
  it('sends q and paging parameters and maps the recorded hits', async () => {
    const result = await client().searchCompanies(' shell ', { itemsPerPage: 2, startIndex: 0 });
    expect(received[0]?.url).toBe(`${BASE_PATH}/search/companies?q=shell&items_per_page=2&start_index=0`);
    expect(result.data.map((hit) => [hit.companyNumber, hit.name])).toEqual([
      ['04366849', 'SHELL PLC'],
      ['03323845', 'SHELL GROUP LIMITED'],
    ]);
    expect(result.raw.total_results).toBe(2369);
    expect(result.call.endpoint).toBe('GET /search/companies');
  });

  it('refuses an empty query without calling Companies House', async () => {
    const error = await providerError(client().searchCompanies('  '));
    expect(error.kind).toBe('bad_request');
    expect(received).toHaveLength(0);
  });
});

describe('CompaniesHouseClient construction', () => {
  it('refuses an empty API key, saying what to configure', () => {
    expect(() => new CompaniesHouseClient({ baseUrl, apiKey: '' })).toThrow(/API key/);
  });

  it('refuses a base URL carrying credentials without echoing them', () => {
    const construct = (): CompaniesHouseClient =>
      new CompaniesHouseClient({ baseUrl: `http://user:${API_KEY}@127.0.0.1:1`, apiKey: API_KEY });
    expect(construct).toThrow(/must not contain credentials/);
    expect(construct).not.toThrow(new RegExp(API_KEY));
  });

  it('refuses a timeout that is not a positive integer', () => {
    expect(() => new CompaniesHouseClient({ baseUrl, apiKey: API_KEY, timeoutMs: 0 })).toThrow(/timeoutMs/);
  });

  it('refuses an officer page size Companies House would not serve', () => {
    for (const officersPageSize of [0, 101, 2.5]) {
      expect(() => new CompaniesHouseClient({ baseUrl, apiKey: API_KEY, officersPageSize })).toThrow(
        /officersPageSize/,
      );
    }
  });
});
