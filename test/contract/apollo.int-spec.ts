import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  ApolloAdapter,
  apolloPhoneOutcome,
  type ProviderCallRecord,
  type ProviderError,
} from '@sluice/providers';
import matchSample from '../../libs/providers/src/apollo/__fixtures__/people-match.response.200.json';
import limitSample from '../../libs/providers/src/apollo/__fixtures__/people-bulk-match.error.400.record-limit-exceeded.json';
import { startTestSandbox, type TestSandbox } from '../../apps/provider-sandbox/src/testing/test-sandbox';
import { keyPaths, type WorldPerson } from '../support/sandbox-world';
import { eventually } from '../support/wait';

describe('Apollo adapter against the sandbox', () => {
  let sandbox: TestSandbox;
  let people: WorldPerson[];
  let calls: ProviderCallRecord[];
  let hook: Server;
  let hookUrl: string;
  const delivered: unknown[] = [];

  const adapter = (apiKey = 'sandbox-apollo-key'): ApolloAdapter =>
    new ApolloAdapter({
      baseUrl: `${sandbox.url}/apollo/api/v1`,
      apiKey,
      timeoutMs: 5000,
      onCall: (r) => calls.push(r),
      webhookUrl: () => hookUrl,
    });
  const credits = async (): Promise<number> =>
    ((await (await sandbox.request('/_sandbox/providers/apollo')).json()) as { credits: number }).credits;
  const patch = (body: unknown) => sandbox.send('PATCH', '/_sandbox/providers/apollo', body);
  const known = () => people.find((p) => p.emails.apollo === p.email && p.phones.apollo)!;

  beforeAll(async () => {
    sandbox = await startTestSandbox({ worldSize: 300 });
    people = (await (await sandbox.request('/_sandbox/world/people?limit=1000')).json()) as WorldPerson[];
    hook = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        delivered.push(JSON.parse(body));
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
    hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/webhooks/apollo/tok`;
  });

  afterAll(async () => {
    await sandbox?.close();
    await new Promise<void>((resolve) => hook.close(() => resolve()));
  });

  beforeEach(async () => {
    calls = [];
    delivered.length = 0;
    await sandbox.request('/_sandbox/reset', { method: 'POST' });
    await patch({ task_delay_ms: 50 });
  });

  it('matches a person Apollo knows, charging 1 credit, and misses others for free', async () => {
    const person = known();
    const hit = await adapter().lookupPerson({
      firstName: person.first_name,
      lastName: person.last_name,
      domain: person.domain,
    });
    expect(hit.data).toMatchObject({
      status: 'hit',
      credits: 1,
      data: { fullName: person.full_name, companyDomain: person.domain, emails: [{ email: person.email }] },
      // The organization comes with the person, paid with them.
      revealed: { firmographics: { domain: person.domain, name: person.company_name } },
    });
    const email = await adapter().findWorkEmail({ email: person.email });
    expect(email.data).toMatchObject({
      status: 'hit',
      credits: 1,
      data: { email: person.email },
      revealed: { firmographics: { domain: person.domain } },
    });
    const stranger = people.find((p) => !p.emails.apollo)!;
    const miss = await adapter().findWorkEmail({ email: stranger.email });
    expect(miss.data).toMatchObject({ status: 'miss', credits: 0 });
    expect(await credits()).toBe(998);
    expect(hit.rateLimit).toMatchObject({ limit: 600, window: '1h' });
  });

  it('reveals a phone by webhook and by polling webhook_result, with the exact 64-bit request id', async () => {
    const person = known();
    const started = await adapter().match({ linkedin_url: person.linkedin_url }, { phone: true });
    expect(started.data.person?.id).toBeTruthy();
    const requestId = started.data.requestId as string;
    expect(requestId).toMatch(/^\d{19}$/);
    expect(BigInt(requestId)).toBeGreaterThan(BigInt(Number.MAX_SAFE_INTEGER));
    const body = await eventually(() => Promise.resolve(delivered[0]), {
      what: 'the phone webhook',
      timeoutMs: 5000,
    });
    expect((body as { request_id: string }).request_id).toBe(requestId);
    expect(apolloPhoneOutcome(body)).toMatchObject({
      status: 'hit',
      data: [{ number: person.phones.apollo }],
    });
    const polled = await adapter().webhookResult(requestId);
    expect(polled.data).toMatchObject({ status: 'hit', data: [{ number: person.phones.apollo }] });
  });

  it('answers pending while the reveal runs, with the wait Apollo asks for, and not found for an unknown id', async () => {
    await patch({ task_delay_ms: 60_000 });
    const person = known();
    const requestId = (await adapter().match({ email: person.email }, { phone: true })).data
      .requestId as string;
    // A minute to go: Apollo's usual 10 s (the recorded result_pending answer), for the next poll.
    expect((await adapter().webhookResult(requestId)).data).toEqual({
      status: 'pending',
      taskId: requestId,
      credits: 0,
      pollAfterMs: 10_000,
    });
    await expect(adapter().webhookResult('123456789012345678')).rejects.toMatchObject({ kind: 'not_found' });
  });

  it('asks for no longer than a pending reveal still needs, a second at least', async () => {
    await patch({ task_delay_ms: 1500 });
    const requestId = (await adapter().match({ email: known().email }, { phone: true })).data
      .requestId as string;
    const pending = (await adapter().webhookResult(requestId)).data as { pollAfterMs?: number };
    expect([1000, 2000]).toContain(pending.pollAfterMs);
  });

  it('bulk-matches up to 10 people and refuses 11 before calling', async () => {
    const ten = people.slice(0, 10).map((p) => ({ email: p.email }));
    const result = await adapter().bulkMatch(ten);
    const expected = people.slice(0, 10).filter((p) => p.emails.apollo === p.email).length;
    expect(result.data.matches.filter((m) => m !== null)).toHaveLength(expected);
    expect(result.data.credits).toBe(expected);
    const before = calls.length;
    await expect(adapter().bulkMatch([...ten, { email: 'x@y.io' }])).rejects.toMatchObject({
      kind: 'bad_request',
    });
    expect(calls).toHaveLength(before);
    const raw = await sandbox.request('/apollo/api/v1/people/bulk_match', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'sandbox-k' },
      body: JSON.stringify({ details: [...ten, { email: 'x@y.io' }] }),
    });
    expect(raw.status).toBe(400);
    expect(await raw.json()).toEqual(limitSample);
  });

  it('maps the text/plain 401, out of credits, a 429 and an outage', async () => {
    const person = known();
    const query = { email: person.email };
    expect(
      await adapter('live-key-0000000')
        .lookupPerson(query)
        .catch((e: unknown) => e),
    ).toMatchObject({ kind: 'unauthorized' });
    await patch({ credits: 0 });
    expect(
      await adapter()
        .lookupPerson(query)
        .catch((e: unknown) => e),
    ).toMatchObject({ kind: 'out_of_credits' });
    await patch({ credits: 100, rate_limit: { limit: 1, window_seconds: 3600 } });
    await adapter().lookupPerson(query);
    const limited = (await adapter()
      .lookupPerson(query)
      .catch((e: unknown) => e)) as ProviderError;
    expect(limited.kind).toBe('rate_limited');
    expect(limited.message).toContain('times per hour');
    expect(limited.retryAfterMs).toBeGreaterThan(60_000);
    await patch({ rate_limit: null, outage: true });
    expect(
      await adapter()
        .lookupPerson(query)
        .catch((e: unknown) => e),
    ).toMatchObject({ kind: 'unavailable' });
  });

  it('reads lead credits left', async () => {
    await patch({ credits: 321 });
    expect((await adapter().checkCredits()).data).toMatchObject({
      remaining: 321,
      renewsAt: new Date('2026-12-01'),
    });
  });

  it("answers a phone-revealing match with the fields of Apollo's example", async () => {
    const response = await sandbox.request(
      `/apollo/api/v1/people/match?reveal_phone_number=true&webhook_url=${encodeURIComponent(hookUrl)}`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': 'sandbox-k' },
        body: JSON.stringify({ email: known().email }),
      },
    );
    // Array items are emptied in the sandbox's answers (no employment history, no contact record).
    const outside = (paths: string[]) => paths.filter((path) => !path.includes('[]'));
    expect(outside(keyPaths(await response.json()))).toEqual(outside(keyPaths(matchSample)));
  });
});
