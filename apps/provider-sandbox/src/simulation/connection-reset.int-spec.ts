import type { WorldPersonView } from '../admin/world-admin.controller';
import { startTestSandbox, type TestSandbox } from '../testing/test-sandbox';

const MATCH = '/apollo/api/v1/people/match';

/**
 * `reset_rate`: the provider does the work and charges for it, then the connection is closed before
 * any answer is written — what a caller cannot tell apart from a request that never arrived.
 */
describe('a call whose connection the sandbox resets', () => {
  let sandbox: TestSandbox;
  let email: string;

  beforeAll(async () => {
    sandbox = await startTestSandbox({ worldSize: 150 });
    const people = (await (await sandbox.request('/_sandbox/world/people')).json()) as WorldPersonView[];
    email = people.find((person) => person.emails.apollo !== undefined)!.emails.apollo;
  });

  afterAll(async () => {
    await sandbox?.close();
  });

  beforeEach(async () => {
    await sandbox.request('/_sandbox/reset', { method: 'POST' });
    await sandbox.send('PATCH', '/_sandbox/providers/apollo', { credits: 10 });
  });

  const match = (): Promise<Response> =>
    sandbox.request(MATCH, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'sandbox-apollo' },
      body: JSON.stringify({ email }),
    });
  const apollo = async (): Promise<{ credits: number; calls: number }> => {
    const settings = (await (await sandbox.request('/_sandbox/providers/apollo')).json()) as {
      credits: number;
    };
    const calls = (await (await sandbox.request('/_sandbox/providers/apollo/calls')).json()) as {
      by_endpoint: Record<string, number>;
    };
    return { credits: settings.credits, calls: calls.by_endpoint['POST /people/match'] ?? 0 };
  };

  it('is closed without an answer after the work was done, and stays charged', async () => {
    await sandbox.send('PATCH', '/_sandbox/providers/apollo', { reset_rate: 1 });
    // fetch's errors come from Node's own realm, not Jest's: checked by shape, not `instanceof`.
    const failure = await match().then(
      (response) => `answered ${response.status}`,
      (error: { cause?: { code?: string } }) => error.cause?.code,
    );
    expect(['UND_ERR_SOCKET', 'ECONNRESET']).toContain(failure);
    expect(await apollo()).toEqual({ credits: 9, calls: 1 });
  });

  it('answers as usual at reset_rate 0', async () => {
    await sandbox.send('PATCH', '/_sandbox/providers/apollo', { reset_rate: 1 });
    await sandbox.send('PATCH', '/_sandbox/providers/apollo', { reset_rate: 0 });
    expect((await match()).status).toBe(200);
    expect(await apollo()).toEqual({ credits: 9, calls: 1 });
  });
});
