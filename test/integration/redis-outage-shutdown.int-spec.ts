import { requireEnv } from '../support/database';
import { setUp, tearDown } from '../support/pipeline';
import { TcpRelay } from '../support/tcp-relay';
import { eventually } from '../support/wait';
import { startAppProcess, type WorkerProcess } from '../support/worker-process';

/** Short, so the test is quick; production's default is longer (see SHUTDOWN_TIMEOUT_MS). */
const SHUTDOWN_TIMEOUT_MS = 3_000;
/** Room for a slow, busy machine between the deadline and the process being gone. */
const SLACK_MS = 5_000;

/**
 * Every app with its Redis gone (a relay in front of the real server, cut so that each connection
 * and each reconnect is reset): its Redis errors go to its log, none is printed as an unhandled
 * error event, and SIGTERM ends it within SHUTDOWN_TIMEOUT_MS however its connections stand.
 */
describe('a process whose Redis is unreachable', () => {
  let ctx: Awaited<ReturnType<typeof setUp>>;
  let relay: TcpRelay | undefined;
  let app: WorkerProcess | undefined;

  beforeAll(async () => {
    ctx = await setUp({}, { worker: false });
  });
  afterEach(async () => {
    await app?.kill();
    app = undefined;
    await relay?.stop();
    relay = undefined;
  });
  afterAll(async () => {
    await tearDown(ctx);
  });

  it.each(['enrichment-worker', 'credit-monitor', 'gateway', 'webhook-receiver'] as const)(
    '%s logs the outage and exits on SIGTERM within the shutdown timeout',
    async (name) => {
      const redisUrl = requireEnv('REDIS_URL');
      const server = new URL(redisUrl);
      relay = new TcpRelay({ host: server.hostname, port: Number(server.port || 6379) });
      await relay.start();
      const started = await startAppProcess(
        name,
        {
          ...ctx.stack.env,
          REDIS_URL: relay.urlFor(redisUrl),
          SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS),
        },
        { captureOutput: true },
      );
      app = started;

      relay.cut({ reset: true });
      // Noticed: its health check fails, and its reconnects have been refused for a while.
      await eventually(async () => (await fetch(`${started.url}/health`).catch(() => null))?.status === 503, {
        what: `${name} to report Redis down`,
        timeoutMs: 30_000,
      });
      const refusedBefore = relay.refused;
      await eventually(() => relay!.refused >= refusedBefore + 3, {
        what: `${name} to try Redis again`,
        timeoutMs: 30_000,
      });

      const { inTime, closed, lines } = await started.terminate(SHUTDOWN_TIMEOUT_MS + SLACK_MS);
      expect({
        inTime,
        closed,
        unhandledErrorEvents: lines.filter((line) => line.includes('Unhandled error event')),
        // Each Redis error went through the logger (a JSON line), none straight to the console.
        errorsOutsideTheLog: lines.filter(
          (line) => line.includes('ECONNRESET') && !line.startsWith('{"level":'),
        ),
        errorsLogged: lines.some((line) => /^\{"level":40,.*"context":"Redis".*ECONNRESET/.test(line)),
      }).toEqual({
        inTime: true,
        closed: true,
        unhandledErrorEvents: [],
        errorsOutsideTheLog: [],
        errorsLogged: true,
      });
    },
    90_000,
  );
});
