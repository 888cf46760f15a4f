import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreditLedgerEntry, EnrichmentRequest, ProviderCall } from '@sluice/db';
import { CreditWallet, creditWalletPrefix } from '@sluice/queue';
import { Redis } from 'ioredis';
import { In } from 'typeorm';
import { freePort, startPrivateRedis, type PrivateRedis } from '../../tools/local-services';
import { call, createWorkspace } from '../support/api';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { describeUnfinished } from '../support/diagnose';
import { uniquePrefix } from '../support/redis';
import { sandboxCredits } from '../support/pipeline';
import type { WorldPerson } from '../support/sandbox-world';
import { startStack, type Stack } from '../support/stack';
import { eventually } from '../support/wait';
import { startWorkerProcess, type WorkerProcess } from '../support/worker-process';

const PAID = ['apollo', 'rocketreach', 'snov', 'email-verifier'] as const;

describe('when Redis comes back empty under load', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-wipe-'));
  let redis: PrivateRedis;
  let redisPort: number;
  let db: TestDatabase;
  let stack: Stack;
  let worker: WorkerProcess;
  let key: string;
  let world: WorldPerson[];
  const prefix = uniquePrefix();

  const creditsLeft = (provider: string): Promise<number> => sandboxCredits(stack.sandboxUrl, provider);

  beforeAll(async () => {
    redisPort = await freePort();
    redis = await startPrivateRedis({ dataDir: join(dir, 'redis-1'), port: redisPort, log: () => undefined });
    db = await createTestDatabase();
    const unlimited = [{ name: 'minute', limit: 100_000, windowMs: 60_000 }];
    stack = await startStack({
      databaseUrl: db.url,
      redisUrl: redis.url,
      prefix,
      worker: false,
      env: {
        PROVIDER_OVERRIDES: JSON.stringify(
          Object.fromEntries(PAID.map((provider) => [provider, { rateLimits: unlimited }])),
        ),
        ASYNC_POLL_INTERVAL_MS: '200',
        REQUEST_RECOVERY_INTERVAL_MS: '2000',
        REQUEST_RECOVERY_AFTER_MS: '5000',
      },
    });
    for (const provider of PAID) {
      const answer = await call(stack.sandboxUrl, 'PATCH', `/_sandbox/providers/${provider}`, {
        body: { rate_limit: null, latency_ms: 150 },
      });
      expect(answer.status).toBe(200);
    }
    worker = await startWorkerProcess(stack.env);
    key = (await createWorkspace(stack.gatewayUrl, 'Wipe Co')).apiKey;
    world = (await call<WorldPerson[]>(stack.sandboxUrl, 'GET', '/_sandbox/world/people?limit=300')).body;
  });

  afterAll(async () => {
    await worker?.stop();
    await stack?.close();
    await db?.drop().catch(() => undefined);
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Stops Redis and starts it again on the same port with nothing in it (no persistence, a failover). */
  let wipes = 0;
  const restartEmpty = async (): Promise<void> => {
    redis = await startPrivateRedis({
      dataDir: join(dir, `redis-wiped-${++wipes}`),
      port: redisPort,
      log: () => undefined,
    });
  };

  const finishedAll = async (ids: string[], timeoutMs: number): Promise<EnrichmentRequest[]> =>
    eventually(
      async () => {
        const rows = await db.dataSource
          .getRepository(EnrichmentRequest)
          .find({ select: { id: true, status: true }, where: { id: In(ids) } });
        return rows.length === ids.length && rows.every((r) => ['completed', 'failed'].includes(r.status))
          ? rows
          : undefined;
      },
      { what: 'every accepted request to finish', timeoutMs, intervalMs: 500 },
    ).catch(async (error: Error) => {
      throw new Error(
        `${error.message}; unfinished:\n${(await describeUnfinished(db.dataSource, redis.url, prefix, ids)).slice(0, 4000)}`,
      );
    });

  /**
   * Provider calls per step and endpoint (from the call log) made more than once, but for a task's
   * result polls: reading a started task's result again is free (its charge is the task's, once),
   * and a run retried after its memo was lost with Redis's data reads it again. What is paid for (a
   * task's start, a synchronous lookup) must not repeat; the ledger and sandbox balances below check
   * the money itself.
   */
  const repeatedCalls = async (ids: string[]): Promise<string[]> => {
    const rows = await db.dataSource.getRepository(ProviderCall).findBy({ requestId: In(ids) });
    const counts = new Map<string, number>();
    for (const row of rows.filter((r) => !r.endpoint.endsWith('/result'))) {
      const key = `${row.provider} ${row.endpoint} step ${row.stepId}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    return [...counts.entries()].filter(([, count]) => count > 1).map(([key, count]) => `${key}: ${count}`);
  };

  const ledgerOf = async (ids: string[], provider: string): Promise<number> =>
    (await db.dataSource.getRepository(CreditLedgerEntry).findBy({ requestId: In(ids), provider })).reduce(
      (sum, row) => sum + Number(row.credits),
      0,
    );

  const sandboxCalls = async (provider: string, endpoint: string): Promise<number> =>
    (
      await call<{ by_endpoint: Record<string, number> }>(
        stack.sandboxUrl,
        'GET',
        `/_sandbox/providers/${provider}/calls`,
      )
    ).body.by_endpoint[endpoint] ?? 0;

  const personEmail = (person: WorldPerson): Record<string, unknown> => ({
    type: 'person.email',
    input: { first_name: person.first_name, last_name: person.last_name, domain: person.domain },
    priority: 'bulk',
  });
  const emailVerify = (person: WorldPerson): Record<string, unknown> => ({
    type: 'email.verify',
    input: { email: person.email },
    priority: 'bulk',
  });

  it('settles a call that answers while Redis is away, and never makes it again once Redis is back empty', async () => {
    const START = 'POST /v2/emails-by-domain-by-name/start';
    const VERIFY = 'POST /v0/check_email';
    // Slow enough for Redis to be gone when the answers arrive: Snov.io starts a task (asynchronous),
    // the verifier answers at once (synchronous, paid).
    for (const provider of ['snov', 'email-verifier']) {
      await call(stack.sandboxUrl, 'PATCH', `/_sandbox/providers/${provider}`, {
        body: { latency_ms: 1500 },
      });
    }
    const [person] = world.filter((p) => p.emails.snov === p.email);
    const startsBefore = await sandboxCalls('snov', START);
    const verifiesBefore = await sandboxCalls('email-verifier', VERIFY);
    const spentBefore = {
      snov: await creditsLeft('snov'),
      verifier: await creditsLeft('email-verifier'),
    };
    const ids: string[] = [];
    for (const body of [personEmail(person), emailVerify(person)]) {
      const answer = await call<{ id: string }>(stack.gatewayUrl, 'POST', '/v1/jobs', { token: key, body });
      expect(answer.status).toBe(202);
      ids.push(answer.body.id);
    }
    await eventually(
      async () =>
        (await sandboxCalls('snov', START)) > startsBefore &&
        (await sandboxCalls('email-verifier', VERIFY)) > verifiesBefore,
      { what: 'both calls on the wire', timeoutMs: 30_000 },
    );
    await redis.stop();
    // Both runs have ended (their calls are logged when a run ends) while Redis was away.
    await eventually(
      async () =>
        (await db.dataSource.getRepository(ProviderCall).countBy({ requestId: In(ids) })) >= 2 || undefined,
      { what: 'both runs to end', timeoutMs: 30_000 },
    );
    await restartEmpty();
    for (const provider of ['snov', 'email-verifier']) {
      await call(stack.sandboxUrl, 'PATCH', `/_sandbox/providers/${provider}`, { body: { latency_ms: 150 } });
    }
    const rows = await finishedAll(ids, 60_000);
    expect(rows.map((r) => r.status)).toEqual(['completed', 'completed']);
    // Each provider was asked once for its step, and the ledger holds what it charged.
    expect(await sandboxCalls('snov', START)).toBe(startsBefore + 1);
    expect(await sandboxCalls('email-verifier', VERIFY)).toBe(verifiesBefore + 1);
    expect(await repeatedCalls(ids)).toEqual([]);
    expect(await ledgerOf(ids, 'snov')).toBe(spentBefore.snov - (await creditsLeft('snov')));
    expect(await ledgerOf(ids, 'email-verifier')).toBe(
      spentBefore.verifier - (await creditsLeft('email-verifier')),
    );
  }, 180_000);

  it('completes every request accepted before and after Redis comes back empty, paying each step once, the wallets read again', async () => {
    const accepted: string[] = [];
    let n = 0;
    const submit = async (): Promise<number> => {
      const person = world[Math.floor(n / 2) % world.length];
      const body = n++ % 2 === 0 ? personEmail(person) : emailVerify(person);
      const answer = await call<{ id: string }>(stack.gatewayUrl, 'POST', '/v1/jobs', {
        token: key,
        body,
      }).catch(() => ({ status: 0, body: { id: '' } }));
      if (answer.status === 202) {
        accepted.push(answer.body.id);
      }
      return answer.status;
    };
    const before: Record<string, number> = {};
    for (const provider of PAID) {
      before[provider] = await creditsLeft(provider);
    }
    const started = Date.now();
    for (let i = 0; i < 150; i += 10) {
      await Promise.all(Array.from({ length: 10 }, () => submit()));
    }
    // Midway, with work queued and calls in flight: Redis goes away and comes back with nothing.
    await redis.stop();
    expect((await call(stack.gatewayUrl, 'GET', '/health')).status).toBe(503);
    expect((await fetch(`${worker.url}/health`)).status).toBe(503);
    await restartEmpty();
    const wipedAt = Date.now();
    await eventually(async () => (await fetch(`${worker.url}/health`)).status === 200, {
      what: 'the worker to report healthy again',
    });
    const refused: number[] = [];
    for (let i = 0; i < 150; i += 10) {
      refused.push(
        ...(await Promise.all(Array.from({ length: 10 }, () => submit()))).filter((s) => s !== 202),
      );
    }
    // Only while the gateway reconnected: 503, never another error.
    expect(refused.filter((s) => s !== 503)).toEqual([]);
    expect(accepted.length).toBeGreaterThan(200);

    const rows = await finishedAll(accepted, 120_000);
    process.stdout.write(
      `${accepted.length} accepted (${refused.length} refused with 503 while Redis restarted); ` +
        `all finished ${Math.round((Date.now() - wipedAt) / 1000)} s after the wipe, ${Math.round((Date.now() - started) / 1000)} s in all\n`,
    );
    expect(rows.every((r) => r.status === 'completed')).toBe(true);
    expect(await repeatedCalls(accepted)).toEqual([]);
    const walletRedis = new Redis(redis.url);
    const wallet = new CreditWallet(walletRedis, creditWalletPrefix(prefix));
    try {
      for (const provider of PAID) {
        const left = await creditsLeft(provider);
        // The ledger holds exactly what each provider took.
        expect({ provider, charged: await ledgerOf(accepted, provider) }).toEqual({
          provider,
          charged: before[provider] - left,
        });
        if (provider !== 'email-verifier') {
          // Read again after the wipe (the verifier has no balance endpoint: its answers tell), never
          // above what the provider has left.
          const balance = (await wallet.snapshot(provider)).balance;
          expect(balance).not.toBeNull();
          expect(balance).toBeLessThanOrEqual(left);
        }
      }
    } finally {
      walletRedis.disconnect();
    }
  }, 300_000);
});
