import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import {
  ProviderError,
  ROCKETREACH_ENDPOINTS,
  RocketReachAdapter,
  RocketReachClient,
  parseRocketReachWebhook,
  verifyRocketReachSignature,
  type ProviderCallRecord,
} from '@sluice/providers';
import accountSample from '../../libs/providers/src/rocketreach/__fixtures__/account.response.200.legacy-sdk-example.json';
import checkStatusSample from '../../libs/providers/src/rocketreach/__fixtures__/person-checkstatus.response.200.searching.docs-example.json';
import unauthorizedSample from '../../libs/providers/src/rocketreach/__fixtures__/error.401.docs-example.json';
import completeSample from '../../libs/providers/src/rocketreach/__fixtures__/person-lookup.response.200.complete.docs-example.json';
import searchingSample from '../../libs/providers/src/rocketreach/__fixtures__/person-lookup.response.200.searching.docs-example.json';
import webhookHeadersSample from '../../libs/providers/src/rocketreach/__fixtures__/webhook.headers.docs-example.json';
import { ROCKETREACH_RATE_LIMITED_APIS } from '../../apps/provider-sandbox/src/rocketreach/rocketreach.provider';
import { createSandboxApp } from '../../apps/provider-sandbox/src/sandbox';
import { keyPaths, type WorldCompany, type WorldPerson } from '../support/sandbox-world';
import { eventually } from '../support/wait';

const KEY = 'sandbox-rocketreach-key';
const SECRET = 'sandbox-rocketreach-webhook-secret';
const START_CREDITS = 1000;
const TASK_DELAY_MS = 100;

interface Delivery {
  headers: IncomingHttpHeaders;
  raw: string;
}

describe('RocketReach adapter against the sandbox', () => {
  let app: INestApplication;
  let url: string;
  let people: WorldPerson[];
  let companies: WorldCompany[];
  let calls: ProviderCallRecord[];
  let hook: Server;
  let hookUrl: string;
  const deliveries: Delivery[] = [];

  const sandbox = (path: string, init: RequestInit = {}): Promise<Response> =>
    fetch(`${url}${path}`, { ...init, signal: AbortSignal.timeout(10_000) });
  const admin = (method: string, path: string, body: unknown): Promise<Response> =>
    sandbox(path, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const settings = (body: unknown) => admin('PATCH', '/_sandbox/providers/rocketreach', body);
  const credits = async (): Promise<number> =>
    ((await (await sandbox('/_sandbox/providers/rocketreach')).json()) as { credits: number }).credits;
  const client = (apiKey = KEY): RocketReachClient =>
    new RocketReachClient({
      baseUrl: `${url}/rocketreach/api/v2`,
      apiKey,
      timeoutMs: 5000,
      onCall: (record) => calls.push(record),
    });
  const adapter = (apiKey = KEY): RocketReachAdapter => new RocketReachAdapter(client(apiKey));
  const raw = (path: string, init: RequestInit = {}): Promise<Response> =>
    sandbox(`/rocketreach/api/v2${path}`, { ...init, headers: { 'api-key': KEY, ...init.headers } });
  const failureOf = (run: () => Promise<unknown>): Promise<ProviderError> =>
    run().then(
      () => {
        throw new Error('the call succeeded where a failure was expected');
      },
      (error: unknown) => {
        expect(error).toBeInstanceOf(ProviderError);
        return error as ProviderError;
      },
    );

  /** People RocketReach holds a work e-mail for (its lookups answer and charge). */
  const withWorkEmail = (): WorldPerson[] => people.filter((p) => p.emails.rocketreach === p.email);
  /** People whose lookup RocketReach charges for: an A-graded (valid) work address. */
  const chargeable = (): WorldPerson[] => withWorkEmail().filter((p) => p.email_status === 'valid');
  beforeAll(async () => {
    app = await createSandboxApp({ seed: 20261122, worldSize: 300 });
    await app.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${((app.getHttpServer() as Server).address() as AddressInfo).port}`;
    people = [];
    // The answer key pages; read it all so every kind of person can be picked.
    for (let offset = 0; ; offset += 500) {
      const page = (await (
        await sandbox(`/_sandbox/world/people?limit=500&offset=${offset}`)
      ).json()) as WorldPerson[];
      people.push(...page);
      if (page.length < 500) {
        break;
      }
    }
    companies = (await (await sandbox('/_sandbox/world/companies?limit=300')).json()) as WorldCompany[];
    hook = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        deliveries.push({ headers: req.headers, raw: body });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
    hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/webhooks/rocketreach`;
  });

  afterAll(async () => {
    await app?.close();
    await new Promise<void>((resolve) => hook.close(() => resolve()));
  });

  beforeEach(async () => {
    calls = [];
    deliveries.length = 0;
    await sandbox('/_sandbox/reset', { method: 'POST' });
    // These tests call faster than RocketReach's global 10 requests a second (which the sandbox
    // enforces by default, and the tests under 'rate limits' exercise); its per-API budgets stay on.
    await settings({
      task_delay_ms: TASK_DELAY_MS,
      credits: START_CREDITS,
      rate_limit: { limit: 1000, window_seconds: 1 },
    });
    await admin('PUT', '/_sandbox/providers/rocketreach/webhook', { url: hookUrl, secret: SECRET });
  });

  describe('the ten endpoints and the Universal variants', () => {
    it('serves every endpoint, each through the client, with the paths RocketReach documents', async () => {
      const rr = client();
      const person = withWorkEmail()[0];
      const company = companies.find((c) => c.company_status === 'active')!;
      await settings({ credits: 50_000 });

      expect((await rr.account()).data.remaining).toBe(50_000);
      expect((await rr.createApiKey()).data.apiKey).toMatch(/^sandbox-/);
      const looked = await rr.personLookup({ name: person.full_name, current_employer: person.company_name });
      expect(looked.data.profile.name).toBe(person.full_name);
      expect(looked.data.requestId).toMatch(/^[0-9a-f-]{36}$/);
      const statuses = await rr.checkStatus([looked.data.profile.id, looked.data.profile.id + 1]);
      expect(statuses.data.map((p) => p.id)).toEqual([looked.data.profile.id, looked.data.profile.id + 1]);
      const search = await rr.personSearch({ company_name: [person.company_name] }, { pageSize: 100 });
      expect(search.data.profiles.map((p) => p.name)).toContain(person.full_name);
      expect(search.data.profiles[0]).toHaveProperty('teaser');
      expect(search.data.profiles[0]).not.toHaveProperty('emails');
      expect((await rr.companyLookup({ domain: company.domain })).data).toMatchObject({
        name: company.company_name,
        domain: company.domain,
      });
      expect((await rr.companySearch({ domain: [company.domain] })).data.companies).toHaveLength(1);
      const withCompany = await rr.profileCompanyLookup({ email: person.email });
      expect(withCompany.raw.company).toMatchObject({ domain: person.domain });
      const bulk = await rr.bulkLookup(
        withWorkEmail()
          .slice(0, 10)
          .map((p) => ({ email: p.email })),
      );
      expect(bulk.data.requestId).toMatch(/^[0-9a-f-]{36}$/);
      expect((await rr.universalAccount()).data.remaining).toBeGreaterThan(0);
      const universal = await rr.universalPersonLookup({ email: person.email }, { professionalEmail: true });
      expect(universal.data.profile.name).toBe(person.full_name);
      expect(
        (await rr.universalPersonSearch({ name: [person.full_name] })).data.profiles.length,
      ).toBeGreaterThan(0);
      expect((await rr.universalCheckStatus([universal.data.profile.id])).data).toHaveLength(1);
      expect(
        (await rr.universalCompanySearch({ name: [company.company_name] })).data.companies.length,
      ).toBeGreaterThan(0);
      expect((await rr.universalCompanyLookup({ name: company.company_name })).data.domain).toBe(
        company.domain,
      );
      expect(
        (await rr.universalBulkLookup([{ linkedin_url: person.linkedin_url }], { profileList: 'Sluice' }))
          .data.queries,
      ).toBe(1);

      expect(new Set(calls.map((c) => c.endpoint))).toEqual(new Set(Object.values(ROCKETREACH_ENDPOINTS)));
      // Each endpoint the sandbox budgets per API is one of them (a misspelt one would go unlimited).
      expect(Object.values(ROCKETREACH_ENDPOINTS)).toEqual(
        expect.arrayContaining(Object.values(ROCKETREACH_RATE_LIMITED_APIS).flat()),
      );
      expect(calls.every((c) => c.errorKind === null && c.status !== null && c.status < 300)).toBe(true);
      const served = (await (await sandbox('/_sandbox/providers/rocketreach/calls')).json()) as {
        by_endpoint: Record<string, number>;
      };
      expect(Object.keys(served.by_endpoint).sort()).toEqual(Object.values(ROCKETREACH_ENDPOINTS).sort());
    });

    it('accepts each path with and without its trailing slash', async () => {
      const company = companies[0];
      for (const path of ['/account', '/account/', '/universal/account', '/universal/account/']) {
        expect([path, (await raw(path)).status]).toEqual([path, 200]);
      }
      for (const path of ['/company/lookup', '/company/lookup/']) {
        expect([path, (await raw(`${path}?domain=${company.domain}`)).status]).toEqual([path, 200]);
      }
      for (const path of ['/account/key', '/account/key/']) {
        expect([path, (await raw(path, { method: 'POST' })).status]).toEqual([path, 200]);
      }
    });

    it('keeps each call’s RR-Request-ID for the call log, and never the API key', async () => {
      const answer = await client().personLookup({ email: withWorkEmail()[1].email });
      expect(calls[0].providerRequestId).toBe(answer.data.requestId);
      const account = await client().account();
      expect(JSON.stringify(account.raw)).not.toContain(KEY);
      expect(JSON.stringify(calls)).not.toContain(KEY);
    });
  });

  describe('lookups and credits', () => {
    it('completes a searching lookup through checkStatus: pending with the profile id, then a hit, charged once', async () => {
      const rr = adapter();
      let person: WorldPerson | undefined;
      let taskId = '';
      for (const candidate of withWorkEmail()) {
        const first = await rr.findWorkEmail({ email: candidate.email });
        if (first.data.status === 'pending') {
          person = candidate;
          taskId = first.data.taskId;
          expect(first.data.credits).toBe(0);
          expect(first.raw).toMatchObject({ status: 'searching', emails: null });
          break;
        }
      }
      expect(person).toBeDefined();
      const beforeCompletion = await credits();
      const still = await rr.completeLookup(taskId, 'email');
      const final =
        still.data.status === 'pending'
          ? await eventually(
              async () => {
                const next = await rr.completeLookup(taskId, 'email');
                return next.data.status === 'pending' ? undefined : next.data;
              },
              { what: 'the lookup to complete', timeoutMs: 5000 },
            )
          : still.data;
      expect(final).toMatchObject({
        status: 'hit',
        data: { email: person!.email, kind: 'work' },
        credits: 1,
        // The whole profile came with the address, paid for with it.
        revealed: { profile: { fullName: person!.full_name, companyDomain: person!.domain } },
      });
      expect(await credits()).toBe(beforeCompletion - 1);
      // Looking the unlocked profile up again answers complete at once and costs nothing.
      const again = await rr.findWorkEmail({ email: person!.email });
      expect(again.data.status).toBe('hit');
      expect(await credits()).toBe(beforeCompletion - 1);
    });

    it('delivers a searching lookup to the webhook under the RR-Request-ID of the lookup, with the profile list added', async () => {
      const rr = client();
      let requestId: string | null = null;
      for (const person of withWorkEmail()) {
        const answer = await rr.personLookup({ linkedin_url: person.linkedin_url });
        if (answer.data.profile.status === 'searching') {
          requestId = answer.data.requestId;
          break;
        }
      }
      expect(requestId).not.toBeNull();
      const delivery = await eventually(
        () => Promise.resolve(deliveries.find((d) => d.headers['rr-request-id'] === requestId)),
        { what: 'the lookup webhook', timeoutMs: 5000 },
      );
      expect(
        verifyRocketReachSignature(delivery.raw, delivery.headers['x-rocketreach-signature'], SECRET),
      ).toBe(true);
      // One profile object (not a list), the profile with profile_list{id,name} added.
      const body = JSON.parse(delivery.raw) as Record<string, unknown>;
      expect(Array.isArray(body)).toBe(false);
      expect(body.profile_list).toEqual({ id: expect.any(Number) as unknown, name: 'API Lookup' });
      const parsed = parseRocketReachWebhook(delivery.raw, delivery.headers['rr-request-id']);
      expect(parsed).toMatchObject({ requestId, bulk: false });
      expect(parsed.results[0].person?.emails.length).toBeGreaterThan(0);
      expect(parsed.results[0].profileList).toEqual(body.profile_list);
    });

    it('charges one credit per person found, whether complete at once or after searching', async () => {
      const rr = adapter();
      const sample = chargeable().slice(0, 12);
      const pending: string[] = [];
      for (const person of sample) {
        const outcome = await rr.lookupPerson({ linkedinUrl: person.linkedin_url });
        if (outcome.data.status === 'pending') {
          pending.push(outcome.data.taskId);
        } else {
          expect(outcome.data).toMatchObject({ status: 'hit', credits: 1 });
        }
      }
      expect(pending.length).toBeGreaterThan(0);
      expect(pending.length).toBeLessThan(sample.length);
      await eventually(
        async () => {
          const statuses = await client().checkStatus(pending.map(Number));
          return statuses.data.every((p) => p.status === 'complete') ? true : undefined;
        },
        { what: 'every searching lookup to complete', timeoutMs: 5000 },
      );
      expect(await credits()).toBe(START_CREDITS - sample.length);
    });

    it('charges nothing for a profile whose only contact is an address graded B (invalid or catch-all)', async () => {
      const rr = adapter();
      const poor = withWorkEmail().filter((p) => p.email_status !== 'valid' && !p.phones.rocketreach);
      expect(poor.length).toBeGreaterThan(0);
      const before = await credits();
      let charged = 0;
      for (const person of poor.slice(0, 5)) {
        let outcome = await rr.lookupPerson({ linkedinUrl: person.linkedin_url });
        if (outcome.data.status === 'pending') {
          const taskId = outcome.data.taskId;
          outcome = await eventually(
            async () => {
              const done = await rr.completeLookup(taskId, 'person');
              return done.data.status === 'pending' ? undefined : done;
            },
            { what: 'the lookup to complete', timeoutMs: 5000 },
          );
        }
        expect(outcome.data.status).toBe('hit');
        charged += outcome.data.credits;
      }
      expect(charged).toBe(0);
      expect(await credits()).toBe(before);
    });

    it('answers a free miss for a person RocketReach does not know', async () => {
      const stranger = people.find((p) => !p.emails.rocketreach && !p.phones.rocketreach)!;
      const outcome = await adapter().findWorkEmail({ email: stranger.email });
      expect(outcome.data).toMatchObject({ status: 'miss', credits: 0 });
      expect(outcome.call.status).toBe(404);
      expect(await credits()).toBe(START_CREDITS);
    });

    it('finds phones in E.164, and searches people and companies without spending credits', async () => {
      const withPhone = people.find((p) => p.phones.rocketreach && p.emails.rocketreach === p.email)!;
      const rr = adapter();
      const phones = await rr.findPhone({ email: withPhone.email });
      const settled =
        phones.data.status === 'pending'
          ? await eventually(
              async () => {
                const next = await rr.completeLookup((phones.data as { taskId: string }).taskId, 'phone');
                return next.data.status === 'pending' ? undefined : next.data;
              },
              { what: 'the phone lookup', timeoutMs: 5000 },
            )
          : phones.data;
      expect(settled).toMatchObject({ status: 'hit', data: [{ number: withPhone.phones.rocketreach }] });
      const spent = START_CREDITS - (await credits());
      expect(spent).toBe(1);

      const found = await rr.searchPeople({ companyName: withPhone.company_name, limit: 50 });
      expect(found.data.status).toBe('hit');
      const company = companies.find((c) => c.company_status === 'active')!;
      expect((await rr.searchCompanies({ domain: company.domain })).data).toMatchObject({
        status: 'hit',
        credits: 0,
        data: [{ domain: company.domain }],
      });
      expect(START_CREDITS - (await credits())).toBe(spent);
    });

    it('charges a company lookup one credit when found and nothing when not', async () => {
      const rr = adapter();
      const company = companies[1];
      expect((await rr.lookupCompany({ domain: company.domain })).data).toMatchObject({
        status: 'hit',
        credits: 1,
        data: { name: company.company_name, domain: company.domain },
      });
      expect((await rr.lookupCompany({ domain: 'no-such-company.invalid' })).data).toMatchObject({
        status: 'miss',
        credits: 0,
      });
      expect(await credits()).toBe(START_CREDITS - 1);
    });

    it('charges Universal lookups per revealed kind and searches per page', async () => {
      const rr = client();
      const person = people.find((p) => p.phones.rocketreach && p.emails.rocketreach === p.email)!;
      const revealed = await rr.universalPersonLookup(
        { email: person.email },
        { professionalEmail: true, phone: true },
      );
      const complete =
        revealed.data.profile.status === 'complete'
          ? revealed.data.profile
          : await eventually(
              async () => {
                const [profile] = (await rr.universalCheckStatus([revealed.data.profile.id])).data;
                return profile.status === 'complete' ? profile : undefined;
              },
              { what: 'the Universal lookup', timeoutMs: 5000 },
            );
      expect(complete.emails?.map((e) => e.type)).toEqual(['professional']);
      expect(complete.phones).toHaveLength(1);
      expect(await credits()).toBe(START_CREDITS - (2 + 6));

      await rr.universalPersonSearch({ company_name: [person.company_name] });
      expect(await credits()).toBe(START_CREDITS - 8 - 1);
      await rr.universalCompanySearch({ domain: [person.domain] });
      expect(await credits()).toBe(START_CREDITS - 9 - 2);
      await rr.universalCompanySearch({ domain: ['no-such-company.invalid'] });
      expect(await credits()).toBe(START_CREDITS - 11);
      expect(calls.map((c) => c.credits).filter((n) => n > 0)).toEqual(
        revealed.data.profile.status === 'complete' ? [8, 1, 2] : [1, 2],
      );
    });
  });

  describe('bulk lookups and webhooks', () => {
    it('delivers a bulk lookup to the webhook as a signed list under its RR-Request-ID, charging per profile', async () => {
      const batch = chargeable().slice(20, 32);
      const stranger = people.find((p) => !p.emails.rocketreach && !p.phones.rocketreach)!;
      const queries = [...batch.map((p) => ({ linkedin_url: p.linkedin_url })), { email: stranger.email }];
      const accepted = await client().bulkLookup(queries);
      expect(calls[0]).toMatchObject({
        endpoint: 'POST /bulkLookup',
        credits: 0,
        providerRequestId: accepted.data.requestId,
      });
      expect(await credits()).toBe(START_CREDITS);

      const delivery = await eventually(() => Promise.resolve(deliveries[0]), {
        what: 'the bulk webhook',
        timeoutMs: 5000,
      });
      expect(delivery.headers['rr-request-id']).toBe(accepted.data.requestId);
      const signature = delivery.headers['x-rocketreach-signature'];
      expect(verifyRocketReachSignature(delivery.raw, signature, SECRET)).toBe(true);
      expect(
        verifyRocketReachSignature(delivery.raw.replace(/"complete"/, '"failed"'), signature, SECRET),
      ).toBe(false);
      expect(verifyRocketReachSignature(delivery.raw, signature, 'another-secret')).toBe(false);

      const parsed = parseRocketReachWebhook(delivery.raw, delivery.headers['rr-request-id']);
      expect(parsed.bulk).toBe(true);
      expect(parsed.requestId).toBe(accepted.data.requestId);
      expect(parsed.results.map((r) => r.person?.fullName).sort()).toEqual(
        batch.map((p) => p.full_name).sort(),
      );
      expect(parsed.results.every((r) => r.profileList?.name === 'API Bulk Lookup')).toBe(true);
      expect(await credits()).toBe(START_CREDITS - batch.length);
    });

    it('refuses a bulk lookup outside 10..100 before sending anything', async () => {
      const one = [{ email: withWorkEmail()[0].email }];
      expect(await failureOf(() => client().bulkLookup(one))).toMatchObject({
        kind: 'bad_request',
        call: null,
      });
      expect(calls).toEqual([]);
      // RocketReach itself refuses the same batch: the check mirrors it rather than guessing.
      const answer = await raw('/bulkLookup', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ queries: one }),
      });
      expect(answer.status).toBe(400);
      expect(await answer.json()).toHaveProperty('queries');
    });
  });

  describe('errors', () => {
    it('maps the {status, message} body style: a key it refuses is unauthorized', async () => {
      const error = await failureOf(() => client('live-key-0000').account());
      expect(error).toMatchObject({ kind: 'unauthorized', status: 401, body: unauthorizedSample });
      expect(error.message).toContain('ROCKETREACH_API_KEY');
    });

    it('maps the {field: [messages]} body style: input RocketReach refuses is a bad request', async () => {
      const error = await failureOf(() => client().personSearch({ title: ['CEO'] }));
      expect(error).toMatchObject({ kind: 'bad_request', status: 400, retryable: false });
      expect(error.body).toEqual({ query: [expect.any(String) as unknown] });
    });

    it('maps the {detail} body style: unknown company 404, no credits 403, outage 503', async () => {
      expect(
        await failureOf(() => client().companyLookup({ domain: 'no-such-company.invalid' })),
      ).toMatchObject({
        kind: 'not_found',
        status: 404,
        body: { detail: 'Not found.' },
      });
      await settings({ credits: 0 });
      const broke = await failureOf(() => client().personLookup({ email: withWorkEmail()[0].email }));
      expect(broke).toMatchObject({ kind: 'out_of_credits', status: 403, retryable: false });
      await settings({ credits: START_CREDITS, outage: true });
      expect(await failureOf(() => client().account())).toMatchObject({
        kind: 'unavailable',
        status: 503,
        retryable: true,
      });
    });

    it('maps the {error} body style: an internal error is unavailable and retryable', async () => {
      await settings({ error_rate: 1 });
      expect(await failureOf(() => client().universalAccount())).toMatchObject({
        kind: 'unavailable',
        status: 500,
        body: { error: expect.any(String) as unknown },
      });
    });

    it('answers 429 with Retry-After and the throttle message once the limit across all APIs is used up', async () => {
      await settings({ rate_limit: { limit: 2, window_seconds: 30 } });
      await client().account();
      await client().account();
      const throttled = await failureOf(() => client().account());
      expect(throttled).toMatchObject({ kind: 'rate_limited', status: 429, retryable: true });
      expect(throttled.retryAfterMs).toBeGreaterThanOrEqual(1000);
      expect(throttled.retryAfterMs).toBeLessThanOrEqual(30_000);
      const answer = await raw('/account/');
      expect(answer.status).toBe(429);
      expect(Number(answer.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(((await answer.json()) as { detail: string }).detail).toMatch(
        /Expected available in \d+ seconds?/,
      );
    });
  });

  describe('rate limits, per API key and per API', () => {
    const searchPeople = (apiKey = KEY) => client(apiKey).personSearch({ name: [people[0].full_name] });
    const searchCompanies = () => client().companySearch({ domain: [companies[0].domain] });

    it('counts each API’s budget on its own, per key: a used-up person search leaves company search and other keys alone', async () => {
      const patched = await settings({
        rate_limit: {
          per_api: {
            person_search: [{ limit: 2, window_seconds: 60 }],
            company_search: [{ limit: 2, window_seconds: 60 }],
          },
        },
      });
      expect(patched.status).toBe(200);
      await searchPeople();
      await searchPeople();
      const throttled = await failureOf(() => searchPeople());
      expect(throttled).toMatchObject({ kind: 'rate_limited', status: 429, retryable: true });
      expect(throttled.retryAfterMs).toBeGreaterThanOrEqual(1000);
      expect(throttled.retryAfterMs).toBeLessThanOrEqual(60_000);
      expect(throttled.body).toEqual({
        detail: expect.stringMatching(
          /^Request was throttled\. Expected available in \d+ seconds?\.$/,
        ) as unknown,
      });
      // The same endpoint's Universal variant is the same API.
      expect(
        await failureOf(() => client().universalPersonSearch({ name: [people[0].full_name] })),
      ).toMatchObject({ kind: 'rate_limited' });
      // Other APIs, and endpoints without a budget of their own, still answer.
      await searchCompanies();
      expect((await client().account()).data.remaining).toBe(START_CREDITS);
      // Another key has budgets of its own.
      await searchPeople('sandbox-rocketreach-second-key');
      // The account reports the use of each of the caller's windows.
      const account = (await (await raw('/account/')).json()) as {
        rate_limits: { action: string; duration: string; limit: number; used: number; remaining: number }[];
      };
      expect(account.rate_limits).toEqual(
        expect.arrayContaining([
          { action: 'person_search', duration: '60s', limit: 2, used: 2, remaining: 0 },
          { action: 'company_search', duration: '60s', limit: 2, used: 1, remaining: 1 },
        ]),
      );
    });

    it('holds every key to 10 requests a second across all APIs by default', async () => {
      await sandbox('/_sandbox/reset', { method: 'POST' });
      const view = (await (await sandbox('/_sandbox/providers/rocketreach')).json()) as {
        rate_limit: { limit: number; window_seconds: number };
      };
      expect(view.rate_limit).toMatchObject({ limit: 10, window_seconds: 1 });
      // Eleven calls to three endpoints at once: one more than a second allows.
      const paths = ['/account/', '/universal/account/', `/company/lookup/?domain=${companies[0].domain}`];
      const answers = await Promise.all(Array.from({ length: 11 }, (_, i) => raw(paths[i % paths.length])));
      const throttled = answers.filter((answer) => answer.status === 429);
      expect(answers.filter((answer) => answer.status === 200)).toHaveLength(10);
      expect(throttled).toHaveLength(1);
      expect(throttled[0].headers.get('retry-after')).toBe('1');
      expect(await throttled[0].json()).toEqual({
        detail: 'Request was throttled. Expected available in 1 seconds.',
      });
      // Another key is not held back by this one's calls.
      expect(
        (
          await sandbox('/rocketreach/api/v2/account/', {
            headers: { 'api-key': 'sandbox-rocketreach-other' },
          })
        ).status,
      ).toBe(200);
    });

    it('holds bulk lookups to the Custom plan’s 10 a minute by default, whatever the global limit', async () => {
      const queries = withWorkEmail()
        .slice(0, 10)
        .map((p) => ({ email: p.email }));
      for (let i = 0; i < 10; i += 1) {
        await client().bulkLookup(queries);
      }
      expect(await failureOf(() => client().bulkLookup(queries))).toMatchObject({
        kind: 'rate_limited',
        status: 429,
      });
      // A person lookup has a budget of its own.
      expect((await client().personLookup({ email: withWorkEmail()[0].email })).data.profile.id).toEqual(
        expect.any(Number),
      );
    });
  });

  describe('answers have the fields of RocketReach’s own examples', () => {
    it('account: every field of the legacy SDK example', async () => {
      const body = await (await raw('/account/')).json();
      expect(keyPaths(body)).toEqual(expect.arrayContaining(keyPaths(accountSample)));
    });

    it('lookup: every field of the complete and searching examples; checkStatus: of its example', async () => {
      let searching: unknown;
      let completeBody: unknown;
      for (const person of withWorkEmail()) {
        const answer = await raw(`/person/lookup?email=${encodeURIComponent(person.email)}`);
        const body = (await answer.json()) as { status: string; id: number };
        if (body.status === 'searching' && !searching) {
          searching = body;
          const statuses = await (await raw(`/person/checkStatus?ids=${body.id}`)).json();
          expect(keyPaths(statuses)).toEqual(expect.arrayContaining(keyPaths(checkStatusSample)));
        }
        if (body.status === 'complete' && !completeBody) {
          completeBody = body;
        }
        if (searching && completeBody) {
          break;
        }
      }
      // The docs print the searching lookup as a one-element list; the OpenAPI (and the sandbox) an object.
      expect(keyPaths(searching)).toEqual(expect.arrayContaining(keyPaths(searchingSample[0])));
      expect(keyPaths(completeBody)).toEqual(expect.arrayContaining(keyPaths(completeSample)));
    });

    it('errors and webhooks: the 401 body and the delivery headers of the examples', async () => {
      const refused = await sandbox('/rocketreach/api/v2/account/', { headers: { 'api-key': 'live-key' } });
      expect(keyPaths(await refused.json())).toEqual(keyPaths(unauthorizedSample));
      await client().bulkLookup(
        withWorkEmail()
          .slice(0, 10)
          .map((p) => ({ email: p.email })),
      );
      const delivery = await eventually(() => Promise.resolve(deliveries[0]), {
        what: 'the bulk webhook',
        timeoutMs: 5000,
      });
      for (const header of Object.keys(webhookHeadersSample)) {
        expect(delivery.headers).toHaveProperty(header.toLowerCase());
      }
    });
  });
});
