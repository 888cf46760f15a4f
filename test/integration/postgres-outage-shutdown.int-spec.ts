import { EnrichmentStep } from '@sluice/db';
import { Redis } from 'ioredis';
import { createWorkspace } from '../support/api';
import { requireEnv } from '../support/database';
import {
  calls,
  enqueue,
  paidCalls,
  people,
  personInput,
  sandboxPatch,
  setUp,
  tearDown,
} from '../support/pipeline';
import { TcpRelay } from '../support/tcp-relay';
import { eventually } from '../support/wait';
import { startAppProcess, type WorkerProcess } from '../support/worker-process';

/**
 * Short, so the test is quick (production's default is longer, see SHUTDOWN_TIMEOUT_MS), but long
 * enough for Apollo's answer to come back within it on a slow machine.
 */
const SHUTDOWN_TIMEOUT_MS = 6_000;
/** Room for a slow, busy machine between the deadline and the process being gone. */
const SLACK_MS = 5_000;
const MATCH = 'POST /people/match';
/**
 * How long the sandbox holds Apollo's answer to the worker's job: it comes back after SIGTERM, while
 * the worker waits for the job to end, and its settlement meets the PostgreSQL that is gone.
 */
const APOLLO_LATENCY_MS = 2_000;

const APPS = ['enrichment-worker', 'gateway', 'credit-monitor', 'webhook-receiver'] as const;
const CUTS = ['reset', 'black hole'] as const;

/**
 * Every app with its PostgreSQL gone (a relay in front of the real server), cut either so that each
 * connection and each new one is reset, or so that each is held open and answers nothing (a server
 * or network path gone silent: nothing errors, and every query waits for its own timeout). SIGTERM
 * ends the app within SHUTDOWN_TIMEOUT_MS whatever it was waiting for: the worker a job whose
 * provider answers after the signal and whose settlement then meets the dead connection, the
 * gateway a request waiting on a query. What the worker's job paid for stays recoverable, and what
 * the app prints meanwhile is the logger's JSON, never a raw unhandled rejection or exception.
 */
describe('a process whose PostgreSQL is unreachable', () => {
  let ctx: Awaited<ReturnType<typeof setUp>>;
  let relay: TcpRelay | undefined;
  let app: WorkerProcess | undefined;
  let apiKey: string;

  beforeAll(async () => {
    ctx = await setUp(
      {
        // Apollo alone finds e-mails here: the worker's one job is its call.
        PROVIDER_OVERRIDES: JSON.stringify({ snov: { enabled: false }, rocketreach: { enabled: false } }),
      },
      { worker: false },
    );
    apiKey = (await createWorkspace(ctx.stack.gatewayUrl, 'Unreachable Database Ltd')).apiKey;
  }, 120_000);
  afterEach(async () => {
    await app?.kill();
    app = undefined;
    await relay?.stop();
    relay = undefined;
    await sandboxPatch(ctx.stack.sandboxUrl, 'apollo', { latency_ms: 0 });
  });
  afterAll(async () => {
    await tearDown(ctx);
  });

  /**
   * Starts a job for the worker (for the `nth` person Apollo knows: one of its own per test, so that
   * no test's job waits for another's) and answers its id once Apollo has been called for it (the
   * answer is held).
   */
  const jobOnTheWire = async (nth: number): Promise<string> => {
    const person = (await people(ctx.stack.sandboxUrl)).filter((p) => p.emails.apollo === p.email)[nth];
    expect(person).toBeDefined();
    const matchesBefore = paidCalls(await calls(ctx.stack.sandboxUrl, 'apollo'), MATCH);
    await sandboxPatch(ctx.stack.sandboxUrl, 'apollo', { latency_ms: APOLLO_LATENCY_MS, rate_limit: null });
    const id = await enqueue(ctx.stack, apiKey, { type: 'person.email', input: personInput(person) });
    await eventually(
      async () => paidCalls(await calls(ctx.stack.sandboxUrl, 'apollo'), MATCH) > matchesBefore,
      { what: 'the worker to call Apollo for the job', timeoutMs: 60_000 },
    );
    return id;
  };

  /** What the worker kept in Redis of what the request's Apollo step paid for (null: nothing). */
  const paidAnswerOf = async (requestId: string): Promise<string | null> => {
    const step = await ctx.db.dataSource
      .getRepository(EnrichmentStep)
      .findOneByOrFail({ requestId, provider: 'apollo' });
    const redis = new Redis(requireEnv('REDIS_URL'), { maxRetriesPerRequest: 1 });
    try {
      return await redis.get(`${ctx.prefix}:pipeline:paid:${step.id}`);
    } finally {
      redis.disconnect();
    }
  };

  describe.each(CUTS)('cut by %s', (cut) => {
    it.each(APPS)(
      '%s exits on SIGTERM within the shutdown timeout, logging only JSON',
      async (name) => {
        const databaseUrl = requireEnv('DATABASE_URL');
        const server = new URL(databaseUrl);
        relay = new TcpRelay({ host: server.hostname, port: Number(server.port || 5432) });
        await relay.start();
        const started = await startAppProcess(
          name,
          {
            ...ctx.stack.env,
            DATABASE_URL: relay.urlFor(ctx.db.url),
            SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS),
            // Its log lines held until it ends: what it says as it closes must be written all the same.
            LOG_FLUSH_MS: '10000',
          },
          { captureOutput: true },
        );
        app = started;
        const requestId = name === 'enrichment-worker' ? await jobOnTheWire(CUTS.indexOf(cut)) : null;

        relay.cut(cut === 'reset' ? { reset: true } : { blackHole: true });
        const target = `${started.url}${name === 'gateway' ? '/v1/jobs' : '/health'}`;
        const asked = fetch(target, { headers: { authorization: `Bearer ${apiKey}` } }).catch(() => null);
        if (cut === 'reset') {
          // Noticed: the request was answered, and the app's new connections refused.
          expect((await asked)?.status).toBe(503);
          await eventually(() => relay!.refused > 0, { what: `${name} to connect again`, timeoutMs: 30_000 });
        } else {
          // Waiting: the request's query (or a new connection's start-up) went into the black hole.
          const swallowedBefore = relay.swallowed;
          await eventually(() => relay!.swallowed > swallowedBefore, {
            what: `${name} to send PostgreSQL something it waits on`,
            timeoutMs: 30_000,
          });
        }

        const { inTime, closed, lines } = await started.terminate(SHUTDOWN_TIMEOUT_MS + SLACK_MS);
        expect({
          inTime,
          closed,
          // Every line is the logger's (a JSON object with a level), none printed raw by Node or a library.
          notLogged: lines.filter((line) => !isLogLine(line)),
        }).toEqual({ inTime: true, closed: true, notLogged: [] });
        if (requestId !== null) {
          // Apollo answered the job after the signal, and its settlement could not reach PostgreSQL:
          // the answer it paid for is kept in Redis all the same, for the step's next run to settle
          // from (rather than pay again).
          expect(JSON.parse((await paidAnswerOf(requestId)) ?? 'null')).toMatchObject({ status: 'hit' });
          if (cut === 'reset') {
            // Closed in time, so every call row it could not write is given up in the log, not lost.
            expect(started.child.signalCode).toBe('SIGTERM');
            expect(lines.filter((line) => line.includes('provider calls were not logged'))).not.toEqual([]);
          }
        }
      },
      120_000,
    );
  });
});

function isLogLine(line: string): boolean {
  try {
    const parsed: unknown = JSON.parse(line);
    return (
      typeof parsed === 'object' &&
      parsed !== null &&
      typeof (parsed as { level?: unknown }).level === 'number'
    );
  } catch {
    return false;
  }
}
