import { Client } from 'pg';
import { createWorkspace } from '../support/api';
import { requireEnv } from '../support/database';
import {
  calls,
  enqueue,
  finished,
  paidCalls,
  people,
  personInput,
  sandboxPatch,
  setUp,
  tearDown,
} from '../support/pipeline';
import { PostgresRelay } from '../support/postgres-relay';
import { eventually } from '../support/wait';
import { startWorkerProcess, type WorkerProcess } from '../support/worker-process';

const MATCH = 'POST /people/match';
/** Text only the call log's own write of rows (not a step's settlement) sends. */
const CALL_LOG_WRITE = 'jsonb_to_recordset($1::jsonb) AS c(id uuid';
/** How long the sandbox holds Apollo's answer: the worker's PostgreSQL is cut while it waits. */
const APOLLO_LATENCY_MS = 5000;

/** The value of a metric in a Prometheus text exposition, for the series that has `labels`; 0 when absent. */
function metric(text: string, name: string, labels: Record<string, string> = {}): number {
  for (const line of text.split('\n')) {
    const match = /^([a-z_]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) {
      continue;
    }
    const series = match[2] ?? '';
    if (Object.entries(labels).every(([label, value]) => series.includes(`${label}="${value}"`))) {
      return Number(match[3]);
    }
  }
  return 0;
}

/** `work`, or an error naming `what` after `ms`: a teardown step that cannot hang. */
async function within(ms: number, what: string, work: () => Promise<unknown>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      work(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} took more than ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The provider call log (one row per HTTP call to a provider) is the audit and billing record of
 * calls that may have cost money. When PostgreSQL drops the worker's connections (a restart, a
 * failover, sessions killed) just as a paid call comes back, the row must still be written once
 * PostgreSQL is back — and once only, even when a write committed but its answer was lost.
 *
 * The worker is its own process, connected to PostgreSQL through a relay the test cuts exactly
 * while the worker waits for the provider's answer (the sandbox holds it), and mends once the
 * worker's run of the step has ended; the test's own connections do not pass through the relay.
 */
describe('the provider call log when PostgreSQL drops the worker’s connections', () => {
  let ctx: Awaited<ReturnType<typeof setUp>> | undefined;
  let relay: PostgresRelay | undefined;
  let worker: WorkerProcess | undefined;
  let observer: Client | undefined;
  let apiKey: string;

  const logged = async (): Promise<Record<string, number>> => {
    const { rows } = await observer!.query<{ endpoint: string; n: number }>(
      `SELECT endpoint, count(*)::int AS n FROM provider_calls WHERE provider = 'apollo' GROUP BY endpoint ORDER BY endpoint`,
    );
    return Object.fromEntries(rows.map((row) => [row.endpoint, row.n]));
  };
  const seen = async (): Promise<Record<string, number>> => {
    const byEndpoint = (await calls(ctx!.stack.sandboxUrl, 'apollo')).by_endpoint;
    return Object.fromEntries(Object.entries(byEndpoint).sort(([a], [b]) => a.localeCompare(b)));
  };

  beforeAll(async () => {
    ctx = await setUp(
      {
        // Apollo alone finds e-mails here.
        PROVIDER_OVERRIDES: JSON.stringify({ snov: { enabled: false }, rocketreach: { enabled: false } }),
        // Balances are read once, at start: no call but the step's is made while the test watches.
        CREDIT_SYNC_INTERVAL_MS: '3600000',
      },
      { worker: false },
    );
    const server = new URL(requireEnv('DATABASE_URL'));
    relay = new PostgresRelay({ host: server.hostname, port: Number(server.port || 5432) });
    await relay.start();
    worker = await startWorkerProcess({ ...ctx.stack.env, DATABASE_URL: relay.urlFor(ctx.db.url) });
    apiKey = (await createWorkspace(ctx.stack.gatewayUrl, 'Call Log Co')).apiKey;
    observer = new Client({ connectionString: ctx.db.url });
    await observer.connect();
  }, 120_000);

  afterAll(async () => {
    // Every step runs whatever failed before it, each bounded: PostgreSQL is let through again
    // first, so that the worker can stop; a worker that still does not stop is killed.
    const failures: unknown[] = [];
    const step = async (what: string, ms: number, work: () => Promise<unknown>): Promise<void> => {
      await within(ms, what, work).catch((error: unknown) => failures.push(error));
    };
    relay?.mend();
    await step('stopping the worker', 30_000, async () => worker?.stop());
    await step('killing the worker', 10_000, async () => worker?.kill());
    await step('closing the test connection', 10_000, async () => observer?.end());
    await step('stopping the relay', 10_000, async () => relay?.stop());
    await step('tearing down the stack', 60_000, () => tearDown(ctx));
    if (failures.length > 0) {
      throw new Error(failures.map(String).join('; '));
    }
  }, 150_000);

  it('writes the row of a call answered while PostgreSQL refused the worker once it is back, and once only when a write’s answer is lost', async () => {
    const person = (await people(ctx!.stack.sandboxUrl)).find((p) => p.emails.apollo === p.email);
    expect(person).toBeDefined();
    // Balance checks at start may have called Apollo: their rows are written by now or soon.
    await eventually(async () => JSON.stringify(await logged()) === JSON.stringify(await seen()), {
      what: 'the start-up balance checks to be logged',
      timeoutMs: 30_000,
    });
    const matchesBefore = paidCalls(await calls(ctx!.stack.sandboxUrl, 'apollo'), MATCH);
    await sandboxPatch(ctx!.stack.sandboxUrl, 'apollo', { latency_ms: APOLLO_LATENCY_MS, rate_limit: null });

    const id = await enqueue(ctx!.stack, apiKey, { type: 'person.email', input: personInput(person!) });
    await eventually(
      async () => paidCalls(await calls(ctx!.stack.sandboxUrl, 'apollo'), MATCH) > matchesBefore,
      { what: 'the worker to call Apollo for the job', timeoutMs: 60_000 },
    );
    // The call is on the wire: PostgreSQL goes away for the worker before the answer comes back.
    relay!.cut();
    const answeredBeforeTheCut = metric(
      await worker!.metrics(),
      'sluice_provider_call_duration_seconds_count',
      {
        provider: 'apollo',
        endpoint: MATCH,
      },
    );
    // (Were it not 0, the answer came before the cut, and the test would prove nothing.)
    expect(answeredBeforeTheCut).toBe(0);
    await sandboxPatch(ctx!.stack.sandboxUrl, 'apollo', { latency_ms: 0 });

    // The run ends: its settlement and then its flush refused by PostgreSQL, the job retried later.
    await eventually(
      async () =>
        metric(await worker!.metrics(), 'sluice_jobs_processed_total', {
          queue: 'provider.apollo',
          outcome: 'retry',
        }) >= 1,
      { what: 'the run of the step to end while PostgreSQL refuses the worker', timeoutMs: 60_000 },
    );
    expect(relay!.refused).toBeGreaterThan(0);
    // Nothing reached PostgreSQL: the step is not settled and its call not logged yet.
    const steps = await observer!.query<{ state: string }>(
      `SELECT state FROM enrichment_steps WHERE request_id = $1 AND provider = 'apollo'`,
      [id],
    );
    expect(steps.rows.map((row) => row.state)).toEqual(['pending']);
    expect((await logged())[MATCH] ?? 0).toBe(matchesBefore);

    // PostgreSQL is back; the first write of kept call rows commits but its answer is lost.
    relay!.loseAnswerTo(CALL_LOG_WRITE);
    relay!.mend();
    const view = await finished(ctx!.stack, apiKey, id, 90_000);
    expect(view.status).toBe('completed');

    // Once the worker holds no row to write again, the log holds exactly the calls Apollo saw.
    await eventually(
      async () =>
        metric(await worker!.metrics(), 'sluice_provider_calls_unwritten') === 0 &&
        JSON.stringify(await logged()) === JSON.stringify(await seen()),
      { what: 'the call log to hold every call Apollo saw', timeoutMs: 60_000 },
    ).catch(async (error: Error) => {
      throw new Error(
        `${error.message}: Apollo saw ${JSON.stringify(await seen())}, the log holds ${JSON.stringify(
          await logged(),
        )}, the worker holds ${metric(await worker!.metrics(), 'sluice_provider_calls_unwritten')} rows to write`,
      );
    });
    expect(relay!.answersLost).toBe(1);
    expect(metric(await worker!.metrics(), 'sluice_provider_calls_unlogged_total')).toBe(0);
  }, 300_000);
});
