import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  ProviderError,
  RocketReachAdapter,
  parseRocketReachWebhook,
  verifyRocketReachSignature,
  type ProviderCallRecord,
} from '@sluice/providers';
import completeSample from '../../libs/providers/src/rocketreach/__fixtures__/person-lookup.response.200.complete.docs-example.json';
import accountSample from '../../libs/providers/src/rocketreach/__fixtures__/account.response.200.legacy-sdk-example.json';
import { startTestSandbox, type TestSandbox } from '../../apps/provider-sandbox/src/testing/test-sandbox';
import { keyPaths, type WorldCompany, type WorldPerson } from '../support/sandbox-world';
import { eventually } from '../support/wait';

describe('RocketReach adapter against the sandbox', () => {
  let sandbox: TestSandbox;
  let people: WorldPerson[];
  let companies: WorldCompany[];
  let calls: ProviderCallRecord[];
  let hook: Server;
  let hookUrl: string;
  const received: { headers: IncomingHttpHeaders; raw: string }[] = [];

  const adapter = (apiKey = 'sandbox-rocketreach-key'): RocketReachAdapter =>
    new RocketReachAdapter({
      baseUrl: `${sandbox.url}/rocketreach/api/v2`,
      apiKey,
      timeoutMs: 5000,
      onCall: (r) => calls.push(r),
    });
  const credits = async (): Promise<number> =>
    ((await (await sandbox.request('/_sandbox/providers/rocketreach')).json()) as { credits: number })
      .credits;
  const patch = (body: unknown) => sandbox.send('PATCH', '/_sandbox/providers/rocketreach', body);
  const knownBy = () => people.filter((p) => p.emails.rocketreach === p.email);

  beforeAll(async () => {
    sandbox = await startTestSandbox({ worldSize: 300 });
    people = (await (await sandbox.request('/_sandbox/world/people?limit=1000')).json()) as WorldPerson[];
    companies = (await (
      await sandbox.request('/_sandbox/world/companies?limit=300')
    ).json()) as WorldCompany[];
    hook = createServer((req, res) => {
      let raw = '';
      req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
      req.on('end', () => {
        received.push({ headers: req.headers, raw });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
    hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/webhooks/rocketreach`;
  });

  afterAll(async () => {
    await sandbox?.close();
    await new Promise<void>((resolve) => hook.close(() => resolve()));
  });

  beforeEach(async () => {
    calls = [];
    received.length = 0;
    await sandbox.request('/_sandbox/reset', { method: 'POST' });
    await patch({ task_delay_ms: 50 });
  });

  /** Looks a person up to the end, through checkStatus when the lookup is still searching. */
  const lookupToEnd = async (person: WorldPerson) => {
    const rr = adapter();
    const first = await rr.findWorkEmail({ linkedinUrl: person.linkedin_url });
    if (first.data.status !== 'pending') {
      return { first, final: first.data };
    }
    const taskId = first.data.taskId;
    const final = await eventually(
      async () => {
        const next = await rr.completeLookup(taskId, 'email');
        return next.data.status === 'pending' ? undefined : next.data;
      },
      { what: 'the lookup to complete', timeoutMs: 5000 },
    );
    return { first, final };
  };

  it('looks people up (some searching first, completed through checkStatus), charging once per person found', async () => {
    const sample = knownBy().slice(0, 9);
    let searching = 0;
    for (const person of sample) {
      const { first, final } = await lookupToEnd(person);
      if (first.data.status === 'pending') {
        searching += 1;
      }
      expect(final).toMatchObject({ status: 'hit', data: { email: person.email } });
    }
    expect(searching).toBeGreaterThan(0);
    expect(await credits()).toBe(1000 - sample.length);
  });

  it('answers 404 for a person it does not know, free of charge', async () => {
    const stranger = people.find(
      (p) => Object.keys(p.emails).length === 0 && !p.phones.rocketreach && !p.emails.rocketreach,
    )!;
    await expect(adapter().personLookup({ email: stranger.email })).rejects.toMatchObject({
      kind: 'not_found',
    });
    expect(await credits()).toBe(1000);
  });

  it('serves every one of the ten endpoints', async () => {
    const rr = adapter();
    const person = knownBy()[0];
    const company = companies.find((c) => c.company_status === 'active')!;
    expect((await rr.account()).data.remaining).toBe(1000);
    expect((await rr.createApiKey()).data.apiKey).toMatch(/^sandbox-rr-/);
    expect(
      (await rr.personLookup({ name: person.full_name, current_employer: person.company_name })).data.id,
    ).toBeGreaterThan(0);
    expect((await rr.checkStatus([100_000, 100_001])).data).toHaveLength(2);
    const search = await rr.personSearch({ current_employer: [person.company_name] }, { pageSize: 5 });
    expect(search.data.profiles?.map((p) => p.name)).toContain(person.full_name);
    expect(search.raw.pagination.start).toBe(1);
    expect((await rr.companyLookup({ domain: company.domain })).data).toMatchObject({
      name: company.company_name,
      domain: company.domain,
    });
    expect((await rr.companySearch({ domain: [company.domain] })).data.companies).toHaveLength(1);
    const withCompany = await rr.profileCompanyLookup({ email: person.email });
    expect(withCompany.raw).toHaveProperty('company');
    received.length = 0;
    await sandbox.send('PUT', '/_sandbox/providers/rocketreach/webhook', {
      url: hookUrl,
      secret: 'hook-secret',
    });
    const bulk = await rr.bulkLookup(
      knownBy()
        .slice(0, 10)
        .map((p) => ({ email: p.email })),
    );
    expect(bulk.data.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect((await rr.universalAccount()).data.limit).toBe(1000);
    expect((await rr.universalPersonLookup({ email: person.email }, { phone: true })).data.name).toBe(
      person.full_name,
    );
    const endpoints = new Set(calls.map((c) => c.endpoint));
    expect(endpoints.size).toBe(11);
  });

  it('delivers a bulk lookup to the webhook, signed, with its RR-Request-ID', async () => {
    await sandbox.send('PUT', '/_sandbox/providers/rocketreach/webhook', {
      url: hookUrl,
      secret: 'hook-secret',
    });
    const batch = knownBy().slice(0, 12);
    const { data } = await adapter().bulkLookup(batch.map((p) => ({ linkedin_url: p.linkedin_url })));
    const delivery = await eventually(() => Promise.resolve(received[0]), {
      what: 'the bulk webhook',
      timeoutMs: 5000,
    });
    expect(delivery.headers['rr-request-id']).toBe(data.requestId);
    const signature = delivery.headers['x-rocketreach-signature'] as string;
    expect(verifyRocketReachSignature(delivery.raw, signature, 'hook-secret')).toBe(true);
    expect(
      verifyRocketReachSignature(delivery.raw.replace('complete', 'tampered'), signature, 'hook-secret'),
    ).toBe(false);
    const profiles = parseRocketReachWebhook(JSON.parse(delivery.raw));
    expect(profiles.map((p) => p.name).sort()).toEqual(batch.map((p) => p.full_name).sort());
    expect(await credits()).toBe(1000 - batch.length);
  });

  it('refuses a bulk lookup outside 10..100 and a name without employer before calling', async () => {
    await expect(adapter().bulkLookup([{ email: 'a@b.io' }])).rejects.toMatchObject({ kind: 'bad_request' });
    await expect(adapter().personLookup({ name: 'Jane Doe' })).rejects.toMatchObject({ kind: 'bad_request' });
    expect(calls).toEqual([]);
  });

  it('maps its error styles: {status,message} 401, {field:[...]} 400, {detail} 403 credits and 429 throttle', async () => {
    const bad = (await adapter('live-key-00000000')
      .account()
      .catch((e: unknown) => e)) as ProviderError;
    expect(bad).toMatchObject({ kind: 'unauthorized', body: { status: 401, message: 'Invalid API Key' } });
    const raw = await sandbox.request('/rocketreach/api/v2/person/lookup?name=Jane%20Doe', {
      headers: { 'api-key': 'sandbox-k' },
    });
    expect(raw.status).toBe(400);
    expect(await raw.json()).toHaveProperty('current_employer');
    await patch({ credits: 0 });
    expect(
      await adapter()
        .personLookup({ email: knownBy()[0].email })
        .catch((e: unknown) => e),
    ).toMatchObject({ kind: 'out_of_credits' });
    await patch({ credits: 10, rate_limit: { limit: 1, window_seconds: 60 } });
    await adapter().account();
    const throttled = (await adapter()
      .account()
      .catch((e: unknown) => e)) as ProviderError;
    expect(throttled).toBeInstanceOf(ProviderError);
    expect(throttled.kind).toBe('rate_limited');
    expect(throttled.retryAfterMs).toBeGreaterThan(0);
    // The window is 60 s; Retry-After is rounded up to a whole second.
    expect(throttled.retryAfterMs).toBeLessThanOrEqual(61_000);
  });

  it('answers with the fields of the documented examples', async () => {
    const headers = { 'api-key': 'sandbox-k' };
    const account = await (await sandbox.request('/rocketreach/api/v2/account/', { headers })).json();
    for (const path of keyPaths(accountSample).filter(
      (p) => !p.startsWith('api_key') && !p.includes('daily') && !p.includes('lifetime'),
    )) {
      expect(keyPaths(account)).toContain(path);
    }
    const person = knownBy().find((p) => p.emails.rocketreach)!;
    const profile = await eventually(
      async () => {
        const body = (await (
          await sandbox.request(`/rocketreach/api/v2/person/lookup?email=${person.email}`, { headers })
        ).json()) as { status: string };
        return body.status === 'complete' ? body : undefined;
      },
      { what: 'a complete profile', timeoutMs: 5000 },
    );
    for (const path of keyPaths(completeSample).filter((p) => p !== 'emails[].valid')) {
      expect(keyPaths(profile)).toContain(path);
    }
  });
});
