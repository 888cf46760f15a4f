import { EmailVerifierAdapter, type ProviderError, type ProviderCallRecord } from '@sluice/providers';
import sample from '../../libs/providers/src/email-verifier/__fixtures__/check-email.response.200.invalid.json';
import { startTestSandbox, type TestSandbox } from '../../apps/provider-sandbox/src/testing/test-sandbox';
import { keyPaths, type WorldPerson } from '../support/sandbox-world';

describe('e-mail verifier adapter (Reacher API) against the sandbox', () => {
  let sandbox: TestSandbox;
  let people: WorldPerson[];
  let calls: ProviderCallRecord[];

  const adapter = (apiKey = 'sandbox-email-verifier-key'): EmailVerifierAdapter =>
    new EmailVerifierAdapter({
      baseUrl: `${sandbox.url}/email-verifier`,
      apiKey,
      timeoutMs: 5000,
      onCall: (record) => calls.push(record),
    });
  const credits = async (): Promise<number> =>
    ((await (await sandbox.request('/_sandbox/providers/email-verifier')).json()) as { credits: number })
      .credits;
  const patch = (body: unknown) => sandbox.send('PATCH', '/_sandbox/providers/email-verifier', body);

  beforeAll(async () => {
    sandbox = await startTestSandbox({ worldSize: 300 });
    people = (await (await sandbox.request('/_sandbox/world/people?limit=1000')).json()) as WorldPerson[];
  });

  afterAll(async () => {
    await sandbox?.close();
  });

  beforeEach(async () => {
    calls = [];
    await sandbox.request('/_sandbox/reset', { method: 'POST' });
  });

  it.each([
    ['valid', 'valid', 'safe'],
    ['invalid', 'invalid', 'invalid'],
    ['catch_all', 'catch_all', 'risky'],
    ['risky', 'risky', 'risky'],
    ['unknown', 'unknown', 'unknown'],
  ])('reaches the %s verdict for an address the world calls %s', async (truth, verdict, raw) => {
    const person = people.find((p) => p.email_status === truth)!;
    expect(person).toBeDefined();
    const result = await adapter().verifyEmail(person.email.toUpperCase());
    expect(result.data).toEqual({
      status: 'hit',
      credits: 1,
      data: { email: person.email, verdict, rawVerdict: raw },
    });
  });

  it('charges one credit per verification, whatever the verdict', async () => {
    const verifier = adapter();
    await verifier.verifyEmail(people[0].email);
    await verifier.verifyEmail(`nobody.at.all@${people[0].domain}`);
    expect(await credits()).toBe(998);
    expect(calls.map((c) => c.credits)).toEqual([1, 1]);
  });

  it('refuses something that is not an address before calling', async () => {
    await expect(adapter().verifyEmail('not an address')).rejects.toMatchObject({ kind: 'bad_request' });
    expect(calls).toEqual([]);
  });

  it('maps a refused secret, an exhausted quota, a 429 and an outage', async () => {
    expect(
      await adapter('live-secret-1234567')
        .verifyEmail(people[0].email)
        .catch((e: unknown) => e),
    ).toMatchObject({
      kind: 'unauthorized',
    });
    await patch({ credits: 0 });
    expect(
      await adapter()
        .verifyEmail(people[0].email)
        .catch((e: unknown) => e),
    ).toMatchObject({
      kind: 'out_of_credits',
    });
    await patch({ credits: 10, rate_limit: { limit: 1, window_seconds: 60 } });
    await adapter().verifyEmail(people[0].email);
    const limited = (await adapter()
      .verifyEmail(people[0].email)
      .catch((e: unknown) => e)) as ProviderError;
    expect(limited.kind).toBe('rate_limited');
    expect(limited.retryAfterMs).toBeGreaterThan(0);
    await patch({ rate_limit: null, outage: true });
    expect(
      await adapter()
        .verifyEmail(people[0].email)
        .catch((e: unknown) => e),
    ).toMatchObject({
      kind: 'unavailable',
    });
  });

  it("answers with the fields of Reacher's example", async () => {
    const response = await sandbox.request('/email-verifier/v0/check_email', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-reacher-secret': 'sandbox-x' },
      body: JSON.stringify({ to_email: people[0].email }),
    });
    expect(keyPaths(await response.json())).toEqual(keyPaths(sample));
  });
});
