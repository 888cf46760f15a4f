import { startTestSandbox, type TestSandbox } from '../testing/test-sandbox';
import type { WorldCompanyView, WorldPersonView } from './world-admin.controller';

const DEFAULTS = {
  name: 'companies-house',
  credits: null,
  latency_ms: 0,
  error_rate: 0,
  reset_rate: 0,
  outage: false,
  rate_limit: { limit: 600, window_seconds: 300 },
  task_delay_ms: 0,
  answer_fault: null,
};

async function json<T>(response: Response): Promise<T> {
  return (await response.json()) as T;
}

describe('the /_sandbox admin surface', () => {
  const WORLD_SIZE = 150;
  let sandbox: TestSandbox;

  beforeAll(async () => {
    sandbox = await startTestSandbox({ worldSize: WORLD_SIZE });
  });

  afterAll(async () => {
    await sandbox?.close();
  });

  beforeEach(async () => {
    await sandbox.request('/_sandbox/reset', { method: 'POST' });
  });

  const all = async (): Promise<{ name: string }[]> =>
    json<{ name: string }[]>(await sandbox.request('/_sandbox/providers'));
  /** Companies House's entry: the provider these specs exercise. */
  const providers = async (): Promise<unknown> => [(await all()).find((p) => p.name === 'companies-house')];

  describe('providers', () => {
    it('lists every simulated provider with its default settings', async () => {
      expect((await all()).map((p) => p.name)).toEqual([
        'companies-house',
        'snov',
        'rocketreach',
        'apollo',
        'serper',
        'orion-connect',
        'astra-dialer',
        'nimbus-lookup',
        'email-verifier',
      ]);
      expect(await providers()).toEqual([DEFAULTS]);
      expect((await all())[1]).toMatchObject({
        name: 'snov',
        credits: 1000,
        rate_limit: { limit: 60, window_seconds: 60 },
      });
    });

    it('applies a partial PATCH, answers the updated provider and keeps it', async () => {
      const response = await sandbox.send('PATCH', '/_sandbox/providers/companies-house', {
        latency_ms: 25,
        error_rate: 0.1,
        rate_limit: { limit: 3, window_seconds: 60 },
      });
      expect(response.status).toBe(200);
      const updated = {
        ...DEFAULTS,
        latency_ms: 25,
        error_rate: 0.1,
        rate_limit: { limit: 3, window_seconds: 60 },
      };
      expect(await json<unknown>(response)).toEqual(updated);
      expect(await providers()).toEqual([updated]);
    });

    it('answers an unknown provider with 404 naming the known ones', async () => {
      for (const response of [
        await sandbox.send('PATCH', '/_sandbox/providers/x', {}),
        await sandbox.request('/_sandbox/providers/x/calls'),
        await sandbox.request('/_sandbox/providers/x'),
      ]) {
        expect(response.status).toBe(404);
        expect(await json<unknown>(response)).toEqual({
          message:
            "unknown provider 'x'; known: companies-house, snov, rocketreach, apollo, serper, orion-connect, astra-dialer, nimbus-lookup, email-verifier",
        });
      }
    });

    it.each([
      ['malformed JSON', '{"outage": tru', 'JSON'],
      ['a JSON array', '[{"outage": true}]', 'JSON object'],
      ['a JSON string', '"outage"', 'JSON object'],
      ['JSON null', 'null', 'JSON object'],
      ['an unknown field', { outages: true }, "unknown field 'outages'"],
      ['a negative latency', { latency_ms: -5 }, 'latency_ms'],
      ['a latency given as text', { latency_ms: '100' }, 'latency_ms'],
      ['an error_rate above 1', { error_rate: 1.01 }, 'error_rate'],
      ['an error_rate below 0', { error_rate: -0.5 }, 'error_rate'],
      ['a reset_rate above 1', { reset_rate: 2 }, 'reset_rate'],
      ['outage given as text', { outage: 'true' }, 'outage'],
      ['credits for a free provider', { credits: 1000 }, 'credits'],
      ['a rate limit of 0 calls', { rate_limit: { limit: 0, window_seconds: 60 } }, 'rate_limit.limit'],
      ['a rate limit that is not an object', { rate_limit: 'fast' }, 'rate_limit'],
      [
        'per-API budgets for a provider with one limit for every endpoint',
        { rate_limit: { per_api: { company: [] } } },
        "unknown field 'rate_limit.per_api'",
      ],
    ])('refuses %s with 400 naming the problem, changing nothing', async (_case, body, named) => {
      const response = await sandbox.send('PATCH', '/_sandbox/providers/companies-house', body);
      expect(response.status).toBe(400);
      const answer = await json<{ message: string }>(response);
      expect(answer.message).toContain(named);
      expect(await providers()).toEqual([DEFAULTS]);
    });

    it('refuses a PATCH that is not JSON at all with 400', async () => {
      const response = await sandbox.request('/_sandbox/providers/companies-house', {
        method: 'PATCH',
        headers: { 'content-type': 'text/plain' },
        body: 'outage=true',
      });
      expect(response.status).toBe(400);
      expect((await json<{ message: string }>(response)).message).toContain('JSON object');
    });
  });

  describe('reset', () => {
    it('restores default settings and clears call counters', async () => {
      await sandbox.send('PATCH', '/_sandbox/providers/companies-house', { outage: true, latency_ms: 10 });
      await sandbox.request('/companies-house/search/companies?q=a');
      const response = await sandbox.request('/_sandbox/reset', { method: 'POST' });
      expect(response.status).toBe(200);
      expect(await json<unknown>(response)).toEqual({ reset: true });
      expect(await providers()).toEqual([DEFAULTS]);
      expect(await json<unknown>(await sandbox.request('/_sandbox/providers/companies-house/calls'))).toEqual(
        {
          total: 0,
          by_endpoint: {},
          recent: [],
          by_credential: {},
          rate_limited: {},
        },
      );
    });

    it('opens fresh rate-limit windows', async () => {
      const auth = { authorization: `Basic ${Buffer.from('sandbox-k:').toString('base64')}` };
      await sandbox.send('PATCH', '/_sandbox/providers/companies-house', {
        rate_limit: { limit: 1, window_seconds: 60 },
      });
      await sandbox.request('/companies-house/search/companies?q=a', { headers: auth });
      expect((await sandbox.request('/companies-house/search/companies?q=a', { headers: auth })).status).toBe(
        429,
      );
      await sandbox.request('/_sandbox/reset', { method: 'POST' });
      await sandbox.send('PATCH', '/_sandbox/providers/companies-house', {
        rate_limit: { limit: 1, window_seconds: 60 },
      });
      expect((await sandbox.request('/companies-house/search/companies?q=a', { headers: auth })).status).toBe(
        200,
      );
    });
  });

  describe('world', () => {
    it('lists 100 companies by default with number, name, status, detail, domain and postcode', async () => {
      const response = await sandbox.request('/_sandbox/world/companies');
      expect(response.status).toBe(200);
      const companies = await json<WorldCompanyView[]>(response);
      expect(companies).toHaveLength(100);
      for (const company of companies) {
        expect(Object.keys(company).sort()).toEqual([
          'company_name',
          'company_number',
          'company_status',
          'company_status_detail',
          'domain',
          'domain_known_by',
          'firmographics',
          'postal_code',
        ]);
        expect(company.postal_code).toMatch(/^[A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2}$/);
        expect(
          company.company_status_detail === null ||
            company.company_status_detail === 'active-proposal-to-strike-off',
        ).toBe(true);
      }
    });

    it('honours limit up to the world size, listing the same companies first', async () => {
      const five = await json<WorldCompanyView[]>(await sandbox.request('/_sandbox/world/companies?limit=5'));
      const all = await json<WorldCompanyView[]>(
        await sandbox.request(`/_sandbox/world/companies?limit=${WORLD_SIZE}`),
      );
      expect(five).toHaveLength(5);
      expect(all).toHaveLength(WORLD_SIZE);
      expect(all.slice(0, 5)).toEqual(five);
    });

    it('pages companies with offset', async () => {
      const page = await json<WorldCompanyView[]>(
        await sandbox.request('/_sandbox/world/companies?limit=3&offset=2'),
      );
      const all = await json<WorldCompanyView[]>(await sandbox.request('/_sandbox/world/companies?limit=5'));
      expect(page).toEqual(all.slice(2, 5));
    });

    it('lists people with canonical identifiers and the answer key of each provider', async () => {
      const people = await json<WorldPersonView[]>(await sandbox.request('/_sandbox/world/people?limit=200'));
      expect(people).toHaveLength(200);
      for (const person of people) {
        expect(person.email.endsWith(`@${person.domain}`)).toBe(true);
        expect(person.full_name).toBe(`${person.first_name} ${person.last_name}`);
        for (const [provider, phone] of Object.entries(person.phones)) {
          expect(['rocketreach', 'apollo', 'orion-connect', 'astra-dialer', 'nimbus-lookup']).toContain(
            provider,
          );
          expect(phone).toMatch(/^\+44\d{10}$/);
        }
      }
      const snov = people.filter((p) => p.emails.snov).length;
      const apollo = people.filter((p) => p.emails.apollo).length;
      expect(snov).toBeGreaterThan(0);
      expect(snov).not.toBe(apollo);
    });

    it.each(['people?offset=-1', 'people?limit=0', 'companies?offset=x'])(
      'refuses %s with 400 naming the parameter',
      async (query) => {
        const response = await sandbox.request(`/_sandbox/world/${query}`);
        expect(response.status).toBe(400);
        expect((await json<{ message: string }>(response)).message).toMatch(/offset|limit/);
      },
    );

    it.each(['0', '-1', 'ten', '1.5', String(WORLD_SIZE + 1)])('refuses limit=%s with 400', async (limit) => {
      const response = await sandbox.request(`/_sandbox/world/companies?limit=${limit}`);
      expect(response.status).toBe(400);
      expect((await json<{ message: string }>(response)).message).toContain('limit');
    });
  });

  it('answers /health', async () => {
    const response = await sandbox.request('/health');
    expect(response.status).toBe(200);
    expect(await json<unknown>(response)).toEqual({ status: 'ok' });
  });

  it('answers an unknown path with a JSON 404, not a 500', async () => {
    const response = await sandbox.request('/_sandbox/nothing-here');
    expect(response.status).toBe(404);
    const answer = await json<{ message: string }>(response);
    expect(Object.keys(answer)).toEqual(['message']);
    expect(answer.message).toContain('/_sandbox/nothing-here');
  });
});
