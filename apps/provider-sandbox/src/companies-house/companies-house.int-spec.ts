import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { WorldCompanyView } from '../admin/world-admin.controller';
import { credentialTag } from '../state/call-counter';
import { basicAuth, startTestSandbox, type TestSandbox } from '../testing/test-sandbox';
import recordedProfile from './__fixtures__/company-profile.response.200.active.json';

const RECORDED_404 = readFileSync(
  join(__dirname, '__fixtures__/error.404.company-profile-not-found.json'),
  'utf8',
).trim();

interface Profile {
  company_number: string;
  company_name: string;
  company_status: string;
  company_status_detail?: string;
  date_of_creation: string;
  date_of_cessation?: string;
}

interface OfficerList {
  kind: string;
  items_per_page: number;
  start_index: number;
  total_results: number;
  active_count: number;
  resigned_count: number;
  inactive_count: number;
  items: { name: string; resigned_on?: string }[];
}

interface SearchResults {
  kind: string;
  items_per_page: number;
  start_index: number;
  page_number: number;
  total_results: number;
  items: { kind: string; title: string; company_number: string }[];
}

async function json<T>(response: Response): Promise<T> {
  return (await response.json()) as T;
}

describe('Companies House simulation over HTTP', () => {
  let sandbox: TestSandbox;
  let world: WorldCompanyView[];
  const auth = basicAuth('sandbox-test-key');

  const ch = (path: string, headers: Record<string, string> = auth): Promise<Response> =>
    sandbox.request(`/companies-house${path}`, { headers });
  const patch = (body: unknown): Promise<Response> =>
    sandbox.send('PATCH', '/_sandbox/providers/companies-house', body);
  const companyWhere = (predicate: (c: WorldCompanyView) => boolean): WorldCompanyView => {
    const company = world.find(predicate);
    if (!company) {
      throw new Error('the sandbox world lacks a company this test needs');
    }
    return company;
  };

  beforeAll(async () => {
    sandbox = await startTestSandbox();
    world = await json<WorldCompanyView[]>(await sandbox.request('/_sandbox/world/companies?limit=500'));
  });

  afterAll(async () => {
    await sandbox?.close();
  });

  beforeEach(async () => {
    expect((await sandbox.request('/_sandbox/reset', { method: 'POST' })).status).toBe(200);
  });

  describe('GET /company/{company_number}', () => {
    it('answers an active company with the same top-level members as the recorded profile', async () => {
      const recordedKeys = Object.keys(recordedProfile).sort();
      let matched: Record<string, unknown> | undefined;
      for (const company of world.filter((c) => c.company_status === 'active' && !c.company_status_detail)) {
        const profile = await json<Record<string, unknown>>(await ch(`/company/${company.company_number}`));
        // Companies founded before confirmation statements (2016) also carry last_full_members_list_date.
        if (typeof profile.date_of_creation === 'string' && profile.date_of_creation < '2016-01-01') {
          matched = profile;
          break;
        }
      }
      expect(matched).toBeDefined();
      expect(Object.keys(matched!).sort()).toEqual(recordedKeys);
    });

    it('answers 200 JSON marked as sandbox data, matching the world listing', async () => {
      const company = world[0];
      const response = await ch(`/company/${company.company_number}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      expect(response.headers.get('x-sandbox')).toBe('true');
      const profile = await json<Profile>(response);
      expect(profile).toMatchObject({
        company_number: company.company_number,
        company_name: company.company_name,
        company_status: company.company_status,
      });
    });

    it('gives a strike-off proposal as company_status_detail of an active company', async () => {
      const company = companyWhere((c) => c.company_status_detail === 'active-proposal-to-strike-off');
      const profile = await json<Profile>(await ch(`/company/${company.company_number}`));
      expect(profile.company_status).toBe('active');
      expect(profile.company_status_detail).toBe('active-proposal-to-strike-off');
    });

    it('gives a dissolved company its date of cessation', async () => {
      const company = companyWhere((c) => c.company_status === 'dissolved');
      const profile = await json<Profile>(await ch(`/company/${company.company_number}`));
      expect(profile.company_status).toBe('dissolved');
      expect(profile.date_of_cessation).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    });

    it('answers an unknown number with the recorded 404 body, byte for byte', async () => {
      expect(world.some((c) => c.company_number === '09999999')).toBe(false);
      const response = await ch('/company/09999999');
      expect(response.status).toBe(404);
      expect(response.headers.get('x-sandbox')).toBe('true');
      expect(await response.text()).toBe(RECORDED_404);
    });

    it('finds a company whatever the case of its letter prefix', async () => {
      const company = companyWhere((c) => /^(SC|NI|OC)/.test(c.company_number));
      const response = await ch(`/company/${company.company_number.toLowerCase()}`);
      expect(response.status).toBe(200);
      expect((await json<Profile>(response)).company_number).toBe(company.company_number);
    });

    it('answers two sandboxes with the same seed byte for byte the same', async () => {
      const twin = await startTestSandbox();
      try {
        const number = world[7].company_number;
        const ours = await (await ch(`/company/${number}`)).text();
        const theirs = await (
          await twin.request(`/companies-house/company/${number}`, { headers: auth })
        ).text();
        expect(theirs).toBe(ours);
      } finally {
        await twin.close();
      }
    });
  });

  describe('authentication', () => {
    it.each([
      ['no Authorization header', {}],
      ['a Bearer token', { authorization: 'Bearer sandbox-test-key' }],
      ['an empty user name', basicAuth('')],
      ['a key without the sandbox- prefix', basicAuth('live-key-123')],
      [
        'a streaming key (Companies House issues REST keys apart)',
        basicAuth('sandbox-companies-house-stream-key'),
      ],
      ['a header that is not base64', { authorization: 'Basic ***' }],
    ])('answers %s with 401 Invalid Authorization', async (_case, headers: Record<string, string>) => {
      const response = await ch(`/company/${world[0].company_number}`, headers);
      expect(response.status).toBe(401);
      expect(response.headers.get('x-sandbox')).toBe('true');
      expect(await json<unknown>(response)).toEqual({ error: 'Invalid Authorization', type: 'ch:service' });
    });

    it('accepts any key that starts with sandbox- and is not a streaming key', async () => {
      expect(
        (await ch(`/company/${world[0].company_number}`, basicAuth('sandbox-anything-at-all'))).status,
      ).toBe(200);
    });
  });

  describe('GET /company/{company_number}/officers', () => {
    it('pages through the officers with start_index and items_per_page', async () => {
      let number = '';
      let full: OfficerList | undefined;
      for (const company of world) {
        const list = await json<OfficerList>(
          await ch(`/company/${company.company_number}/officers?items_per_page=100`),
        );
        if (list.total_results >= 5 && list.resigned_count > 0) {
          number = company.company_number;
          full = list;
          break;
        }
      }
      expect(full).toBeDefined();
      expect(full!.kind).toBe('officer-list');
      expect(full!.items).toHaveLength(full!.total_results);
      expect(full!.active_count + full!.resigned_count + full!.inactive_count).toBe(full!.total_results);

      const pages: OfficerList[] = [];
      for (let start = 0; start < full!.total_results; start += 2) {
        pages.push(
          await json<OfficerList>(
            await ch(`/company/${number}/officers?items_per_page=2&start_index=${start}`),
          ),
        );
      }
      expect(pages.flatMap((page) => page.items)).toEqual(full!.items);
      expect(pages.map((page) => page.start_index)).toEqual(pages.map((_page, i) => i * 2));
      for (const page of pages) {
        expect(page.items_per_page).toBe(2);
        expect(page.total_results).toBe(full!.total_results);
      }
    });

    it('serves 35 officers a page by default and at most 100', async () => {
      const number = world[0].company_number;
      const byDefault = await json<OfficerList>(await ch(`/company/${number}/officers`));
      const tooMany = await json<OfficerList>(await ch(`/company/${number}/officers?items_per_page=1000`));
      expect(byDefault.items_per_page).toBe(35);
      expect(byDefault.start_index).toBe(0);
      expect(tooMany.items_per_page).toBe(100);
    });

    it('answers an unknown company with 404 in the Companies House style', async () => {
      const response = await ch('/company/09999999/officers');
      expect(response.status).toBe(404);
      expect(await json<unknown>(response)).toEqual({
        errors: [{ error: 'company-officers-not-found', type: 'ch:service' }],
      });
    });

    it('refuses a page size that is not a positive whole number with 400', async () => {
      const response = await ch(`/company/${world[0].company_number}/officers?items_per_page=zero`);
      expect(response.status).toBe(400);
      expect(JSON.stringify(await json<unknown>(response))).toContain('items_per_page');
    });
  });

  describe('GET /search/companies', () => {
    it('finds names containing the query in any case', async () => {
      const word = world[0].company_name.split(' ')[0];
      const response = await ch(`/search/companies?q=${encodeURIComponent(word.toLowerCase())}`);
      expect(response.status).toBe(200);
      const results = await json<SearchResults>(response);
      const expected = world.filter((c) => c.company_name.includes(word));
      expect(results.kind).toBe('search#companies');
      expect(results.total_results).toBe(expected.length);
      expect(results.items_per_page).toBe(20);
      expect(results.page_number).toBe(1);
      expect(results.items.length).toBe(Math.min(20, expected.length));
      for (const item of results.items) {
        expect(item.kind).toBe('searchresults#company');
        expect(item.title).toContain(word);
      }
    });

    it('pages search results', async () => {
      const all = await json<SearchResults>(await ch('/search/companies?q=ltd&items_per_page=100'));
      const third = await json<SearchResults>(
        await ch('/search/companies?q=ltd&items_per_page=5&start_index=10'),
      );
      expect(third.page_number).toBe(3);
      expect(third.start_index).toBe(10);
      expect(third.items.map((i) => i.company_number)).toEqual(
        all.items.slice(10, 15).map((i) => i.company_number),
      );
    });

    it('refuses a search without q with 400', async () => {
      for (const path of ['/search/companies', '/search/companies?q=', '/search/companies?q=%20']) {
        const response = await ch(path);
        expect(response.status).toBe(400);
        expect(await json<unknown>(response)).toEqual({
          errors: [{ error: 'q parameter is required', type: 'ch:service' }],
        });
      }
    });
  });

  describe('rate limit', () => {
    it('sends the documented rate-limit headers on an ordinary answer', async () => {
      const before = Math.floor(Date.now() / 1000);
      const response = await ch(`/company/${world[0].company_number}`);
      expect(response.headers.get('x-ratelimit-limit')).toBe('600');
      expect(response.headers.get('x-ratelimit-remain')).toBe('599');
      expect(response.headers.get('x-ratelimit-window')).toBe('5m');
      const reset = Number(response.headers.get('x-ratelimit-reset'));
      expect(reset).toBeGreaterThanOrEqual(before + 300);
      expect(reset).toBeLessThanOrEqual(before + 302);
    });

    it('answers the call after the limit with 429, rate-limit headers and no Retry-After', async () => {
      expect((await patch({ rate_limit: { limit: 3, window_seconds: 60 } })).status).toBe(200);
      const before = Math.floor(Date.now() / 1000);
      const answers: Response[] = [];
      for (let i = 0; i < 4; i++) {
        answers.push(await ch(`/company/${world[i].company_number}`));
      }
      expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 429]);
      expect(answers.map((r) => r.headers.get('x-ratelimit-remain'))).toEqual(['2', '1', '0', '0']);
      const limited = answers[3];
      expect(limited.headers.get('x-ratelimit-limit')).toBe('3');
      expect(limited.headers.get('x-ratelimit-window')).toBe('1m');
      expect(limited.headers.get('retry-after')).toBeNull();
      expect(limited.headers.get('x-sandbox')).toBe('true');
      const reset = Number(limited.headers.get('x-ratelimit-reset'));
      expect(reset).toBeGreaterThanOrEqual(before + 60);
      expect(reset).toBeLessThanOrEqual(before + 62);
      expect(await json<unknown>(limited)).toEqual({
        errors: [{ error: 'rate-limit-exceeded', type: 'ch:service' }],
      });
    });

    it('counts each API key in its own window', async () => {
      await patch({ rate_limit: { limit: 1, window_seconds: 60 } });
      expect((await ch(`/company/${world[0].company_number}`)).status).toBe(200);
      expect((await ch(`/company/${world[0].company_number}`)).status).toBe(429);
      expect((await ch(`/company/${world[0].company_number}`, basicAuth('sandbox-another-key'))).status).toBe(
        200,
      );
    });
  });

  describe('fault injection', () => {
    it('answers 503 during an outage, after checking credentials, and recovers when it ends', async () => {
      const path = `/company/${world[0].company_number}`;
      await patch({ outage: true });
      const down = await ch(path);
      expect(down.status).toBe(503);
      expect(down.headers.get('x-sandbox')).toBe('true');
      expect(await json<unknown>(down)).toEqual({
        errors: [{ error: 'service-unavailable', type: 'ch:service' }],
      });
      expect((await ch(path, {})).status).toBe(401);
      await patch({ outage: false });
      expect((await ch(path)).status).toBe(200);
    });

    it('answers 500 in the Companies House style when error_rate is 1', async () => {
      await patch({ error_rate: 1 });
      for (const path of [`/company/${world[0].company_number}`, '/search/companies?q=a']) {
        const response = await ch(path);
        expect(response.status).toBe(500);
        expect(await json<unknown>(response)).toEqual({
          errors: [{ error: 'internal-server-error', type: 'ch:service' }],
        });
      }
    });

    it('fails the same calls again after a reset with the same seed', async () => {
      const statuses = async (): Promise<number[]> => {
        await patch({ error_rate: 0.5 });
        const seen: number[] = [];
        for (let i = 0; i < 16; i++) {
          seen.push((await ch(`/company/${world[i].company_number}`)).status);
        }
        return seen;
      };
      const first = await statuses();
      expect(first).toContain(500);
      expect(first).toContain(200);
      await sandbox.request('/_sandbox/reset', { method: 'POST' });
      expect(await statuses()).toEqual(first);
    });

    it('delays the answer by latency_ms', async () => {
      await patch({ latency_ms: 300 });
      const started = performance.now();
      const response = await ch(`/company/${world[0].company_number}`);
      const elapsed = performance.now() - started;
      expect(response.status).toBe(200);
      expect(elapsed).toBeGreaterThanOrEqual(300);
    });
  });

  describe('call counters', () => {
    it('counts every call by the real path template, failed calls included', async () => {
      const number = world[0].company_number;
      await ch(`/company/${number}`);
      await ch('/company/09999999');
      await ch(`/company/${number}`, {});
      await ch(`/company/${number}/officers`);
      await ch('/search/companies');
      const calls = await json<unknown>(await sandbox.request('/_sandbox/providers/companies-house/calls'));
      expect(calls).toMatchObject({
        total: 5,
        by_endpoint: {
          'GET /company/{company_number}': 3,
          'GET /company/{company_number}/officers': 1,
          'GET /search/companies': 1,
        },
      });
    });

    it('lists only the endpoints that were called', async () => {
      await ch('/search/companies?q=a');
      const calls = await json<unknown>(await sandbox.request('/_sandbox/providers/companies-house/calls'));
      expect(calls).toEqual({
        total: 1,
        by_endpoint: { 'GET /search/companies': 1 },
        recent: [expect.any(Number)],
        // The call authenticated with the test key, counted under its tag.
        by_credential: { [credentialTag('sandbox-test-key')]: 1 },
        rate_limited: {},
      });
    });
  });
});
