import { Client } from 'pg';
import { createWorkspace, call } from '../support/api';
import { calls, finished, people, personInput, sandboxPatch, setUp, tearDown } from '../support/pipeline';
import { requireEnv } from '../support/database';
import { eventually } from '../support/wait';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The provider call log (one row per HTTP call to a provider) feeds data quality, failure-rate
 * alerts and provider stats: PostgreSQL dropping the worker's connections, again and again while
 * paid calls are made, must lose none of its rows and write none twice.
 */
describe('the provider call log while PostgreSQL keeps terminating connections', () => {
  let ctx: Awaited<ReturnType<typeof setUp>>;
  let apiKey: string;

  /**
   * The test's own connection to its database, opened before the blips: they spare it (an open
   * connection outlives ALLOW_CONNECTIONS false, and the kills skip it).
   */
  let observer: Client;
  /** A connection to the server's main database, to allow and disallow connections to the test's. */
  let admin: Client;
  const query = async <T>(sql: string, params: unknown[] = []): Promise<T[]> =>
    (await observer.query(sql, params)).rows as T[];

  /**
   * A blip: the database refuses new connections and terminates every other session of it (the
   * worker's and the gateway's) — what a restart or a failover looks like — for `ms`.
   */
  const blip = async (ms: number): Promise<number> => {
    const name = new URL(ctx.db.url).pathname.slice(1);
    await admin.query(`ALTER DATABASE "${name}" WITH ALLOW_CONNECTIONS false`);
    try {
      const killed = await query<{ pid: number }>(
        'SELECT pg_terminate_backend(pid) AS pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
      );
      await sleep(ms);
      return killed.length;
    } finally {
      await admin.query(`ALTER DATABASE "${name}" WITH ALLOW_CONNECTIONS true`);
    }
  };

  beforeAll(async () => {
    // Apollo alone finds e-mails here: a match it knows is paid, one it does not is a free miss.
    ctx = await setUp({
      PROVIDER_OVERRIDES: JSON.stringify({ snov: { enabled: false }, rocketreach: { enabled: false } }),
      // A plan or step job that used up its attempts during the blips is run again soon after.
      REQUEST_RECOVERY_INTERVAL_MS: '1000',
      REQUEST_RECOVERY_AFTER_MS: '5000',
    });
    apiKey = (await createWorkspace(ctx.stack.gatewayUrl, 'Call Log Co')).apiKey;
    observer = new Client({ connectionString: ctx.db.url });
    await observer.connect();
    admin = new Client({ connectionString: requireEnv('DATABASE_URL') });
    await admin.connect();
  });
  afterAll(async () => {
    await observer?.end();
    await admin?.end();
    await tearDown(ctx);
  });

  it('holds exactly one row per call the provider saw, however often the connections are killed', async () => {
    const world = await people(ctx.stack.sandboxUrl);
    const known = world.filter((p) => p.emails.apollo === p.email).slice(0, 50);
    const unknown = world.filter((p) => !p.emails.apollo).slice(0, 50);
    expect(known).toHaveLength(50);
    expect(unknown).toHaveLength(50);
    // Each call on the wire for a while, so that the kills land while steps call and settle.
    await sandboxPatch(ctx.stack.sandboxUrl, 'apollo', { latency_ms: 150, rate_limit: null });

    const submitted = await call<{ accepted: { id: string }[] }>(
      ctx.stack.gatewayUrl,
      'POST',
      '/v1/jobs/bulk',
      {
        token: apiKey,
        body: {
          jobs: [...known, ...unknown].map((person) => ({
            type: 'person.email',
            input: personInput(person),
          })),
        },
      },
    );
    expect(submitted.status).toBe(202);
    const ids = submitted.body.accepted.map((accepted) => accepted.id);
    expect(ids).toHaveLength(100);

    // Blips, one after another, while the jobs run (for 20 s at most).
    const unfinished = async (): Promise<number> =>
      (
        await query<{ pending: number }>(
          `SELECT count(*)::int AS pending FROM enrichment_requests
            WHERE id = ANY($1::uuid[]) AND status NOT IN ('completed', 'failed', 'cancelled')`,
          [ids],
        )
      )[0].pending;
    let kills = 0;
    const until = Date.now() + 20_000;
    while (Date.now() < until && (await unfinished()) > 0) {
      kills += (await blip(100 + Math.random() * 200)) > 0 ? 1 : 0;
      await sleep(100 + Math.random() * 200);
    }
    expect(kills).toBeGreaterThan(5);
    for (const view of await Promise.all(ids.map((id) => finished(ctx.stack, apiKey, id, 90_000)))) {
      expect(view.status).toBe('completed');
    }

    // The provider counts every call it saw, per endpoint: the log must hold exactly as many.
    const seen = (await calls(ctx.stack.sandboxUrl, 'apollo')).by_endpoint;
    expect(seen['POST /people/match']).toBeGreaterThanOrEqual(100);
    const logged = async (): Promise<Record<string, number>> =>
      Object.fromEntries(
        (
          await query<{ endpoint: string; n: number }>(
            `SELECT endpoint, count(*)::int AS n FROM provider_calls WHERE provider = 'apollo' GROUP BY endpoint`,
          )
        ).map((row) => [row.endpoint, row.n]),
      );
    // Calls whose write was refused are written again shortly after PostgreSQL takes writes again.
    await eventually(async () => JSON.stringify(await logged()) === JSON.stringify(seen) || undefined, {
      what: 'the call log to hold every call the provider saw',
      timeoutMs: 45_000,
      intervalMs: 500,
    }).catch(async (error: Error) => {
      throw new Error(
        `${error.message}: the provider saw ${JSON.stringify(seen)}, the log holds ${JSON.stringify(await logged())}`,
      );
    });
    // And no call twice: each step's match calls are as many rows as the provider answered for it.
    const twice = await query<{ step_id: string; n: number }>(
      `SELECT step_id, count(*)::int AS n FROM provider_calls
        WHERE provider = 'apollo' AND endpoint = 'POST /people/match'
        GROUP BY step_id, provider_request_id, latency_ms, outcome, http_status HAVING count(*) > 1`,
    );
    expect(twice).toEqual([]);
  }, 240_000);
});
