import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { call, createWorkspace } from '../support/api';
import { enqueue, finished, people, personInput, setUp, tearDown } from '../support/pipeline';
import type { WorldPerson } from '../support/sandbox-world';
import { eventually } from '../support/wait';
import { startAppProcess, type WorkerProcess } from '../support/worker-process';

/** A provider that is not the sandbox: it records every request and finds nobody. */
class RecordingApollo {
  readonly requests: { path: string; apiKey: string | undefined }[] = [];
  url = '';
  private server!: Server;

  async start(): Promise<void> {
    this.server = createServer((req: IncomingMessage, res) => {
      req.resume();
      req.on('end', () => {
        const key = req.headers['x-api-key'];
        this.requests.push({ path: req.url ?? '', apiKey: typeof key === 'string' ? key : undefined });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"person":null}');
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    this.url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/api/v1`;
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

interface ProviderListed {
  name: string;
  configured: boolean;
  credentials: string | null;
  enabled: boolean;
}

/**
 * Every provider key defaults to the sandbox's own, so that a fresh install runs with nothing set.
 * A deployment that points a provider at its real API and forgets its key has no platform account
 * there: the sandbox's key is never sent to it, by the workers or the credit monitor.
 */
describe('a provider pointed at its real API with no key of the platform’s', () => {
  const apollo = new RecordingApollo();
  let ctx: Awaited<ReturnType<typeof setUp>>;
  let monitor: WorkerProcess | undefined;

  beforeAll(async () => {
    await apollo.start();
    ctx = await setUp({
      APOLLO_BASE_URL: apollo.url,
      CREDENTIALS_MASTER_KEY: randomBytes(32).toString('base64'),
      CREDENTIALS_CACHE_TTL_MS: '0',
    });
  });
  afterAll(async () => {
    await monitor?.stop();
    await tearDown(ctx);
    await apollo.stop();
  });

  it('is never called on the sandbox’s key, is listed as unconfigured, and serves workspaces on their own key', async () => {
    const { stack, db } = ctx;
    monitor = await startAppProcess('credit-monitor', stack.env, { captureOutput: true });
    const world = await people(stack.sandboxUrl);
    // Snov.io does not know them, Apollo comes next, then RocketReach, which finds them.
    const [person, other] = world.filter(
      (p) => p.email_status === 'valid' && !p.emails.snov && p.emails.rocketreach === p.email,
    ) as [WorldPerson, WorldPerson];
    const { apiKey } = await createWorkspace(stack.gatewayUrl, 'Platform Account Co');

    const listed = await call<{ providers: ProviderListed[] }>(stack.gatewayUrl, 'GET', '/v1/providers', {
      token: apiKey,
    });
    expect(listed.body.providers.find((p) => p.name === 'apollo')).toMatchObject({
      configured: false,
      credentials: null,
      enabled: false,
    });
    expect(listed.body.providers.find((p) => p.name === 'snov')).toMatchObject({ credentials: 'platform' });

    const id = await enqueue(stack, apiKey, { type: 'person.email', input: personInput(person) });
    const view = await finished(stack, apiKey, id);
    expect(view.steps.find((s) => s.provider === 'apollo')).toMatchObject({
      state: 'skipped',
      reason: 'no_credentials',
      credits: 0,
    });
    expect(view.result?.email).toMatchObject({ email: person.email, source: 'rocketreach' });

    // The monitor has made its start-up readings (Snov.io's is stored) and warned of Apollo's key.
    await eventually(
      async () =>
        Number(
          (
            await db.dataSource.query<{ n: string }[]>(
              `SELECT count(*) AS n FROM credit_snapshots WHERE provider = 'snov'`,
            )
          )[0].n,
        ) > 0 || undefined,
      { timeoutMs: 30_000, what: "the credit monitor's start-up reading of Snov.io" },
    );
    expect(monitor.output()).toContain(
      "no platform credentials for apollo: only workspaces' own credentials call it",
    );
    expect(monitor.output()).toContain(
      "APOLLO_API_KEY is not set, and apollo's base URL is not the sandbox's",
    );
    expect(apollo.requests).toEqual([]);

    // A workspace on its own Apollo account is served there, on its own key.
    const own = await createWorkspace(stack.gatewayUrl, 'Own Account Co');
    const stored = await call(stack.gatewayUrl, 'PUT', '/v1/providers/apollo/credentials', {
      token: own.apiKey,
      body: { api_key: 'own-apollo-key' },
    });
    expect(stored.status).toBe(200);
    const ownId = await enqueue(stack, own.apiKey, { type: 'person.email', input: personInput(other) });
    const ownView = await finished(stack, own.apiKey, ownId);
    // Asked on the workspace's key, this Apollo knows nobody: a miss, and RocketReach finds them.
    expect(ownView.steps.find((s) => s.provider === 'apollo')).toMatchObject({
      state: 'failed',
      reason: 'not_found',
      credits: 0,
    });
    expect(ownView.result?.email).toMatchObject({ email: other.email, source: 'rocketreach' });
    expect(apollo.requests.length).toBeGreaterThan(0);
    expect(apollo.requests.every((r) => r.apiKey === 'own-apollo-key')).toBe(true);
  });
});
