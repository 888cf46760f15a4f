import { requireEnv } from '../support/database';
import { setUp, tearDown } from '../support/pipeline';
import { TcpRelay } from '../support/tcp-relay';
import { eventually } from '../support/wait';
import { startAppProcess, type WorkerProcess } from '../support/worker-process';

/** A scrape as Prometheus makes it, with a deadline shorter than its default 10 s scrape timeout. */
async function scrape(url: string): Promise<string> {
  const response = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(8000) }).catch(
    (error: unknown) => ({ status: 0, text: () => Promise.resolve(`scrape failed: ${String(error)}`) }),
  );
  return `${response.status}\n${await response.text()}`;
}

/** The samples of `name` in a scrape (its HELP and TYPE lines aside), and the up gauge's for it. */
function samples(text: string, name: string): { status: string; samples: number; up: string | null } {
  return {
    status: text.split('\n')[0],
    samples: text.split('\n').filter((line) => line.startsWith(`${name}{`)).length,
    up:
      new RegExp(`^sluice_metrics_source_up\\{[^}]*metric="${name}"[^}]*\\} (\\S+)$`, 'm').exec(text)?.[1] ??
      null,
  };
}

/**
 * The gauges read from Redis at each scrape (the gateway's queue depths, a worker's circuit states)
 * with Redis unreachable: the scrape still answers, the gauges are absent rather than their last
 * values (which would look current), and `sluice_metrics_source_up` says their source is down.
 */
describe('gauges read from Redis at scrape time, with Redis unreachable', () => {
  let ctx: Awaited<ReturnType<typeof setUp>>;
  let relay: TcpRelay;
  const apps: WorkerProcess[] = [];

  beforeAll(async () => {
    ctx = await setUp({}, { worker: false });
  }, 120_000);
  afterAll(async () => {
    for (const app of apps) {
      await app.kill();
    }
    await relay?.stop();
    await tearDown(ctx);
  });

  it('are absent from the scrape, and sluice_metrics_source_up is 0 for them', async () => {
    const redisUrl = requireEnv('REDIS_URL');
    const server = new URL(redisUrl);
    relay = new TcpRelay({ host: server.hostname, port: Number(server.port || 6379) });
    await relay.start();
    const env = { ...ctx.stack.env, REDIS_URL: relay.urlFor(redisUrl) };
    const gateway = await startAppProcess('gateway', env, { captureOutput: true });
    apps.push(gateway);
    const worker = await startAppProcess('enrichment-worker', env, { captureOutput: true });
    apps.push(worker);

    const read = async () => ({
      queues: samples(await scrape(gateway.url), 'sluice_queue_jobs'),
      circuits: samples(await scrape(worker.url), 'sluice_circuit_state'),
    });
    const before = await read();
    expect(before.queues.samples).toBeGreaterThan(0);
    expect(before.circuits.samples).toBeGreaterThan(0);

    relay.cut({ reset: true });
    expect(await read()).toEqual({
      queues: { status: '200', samples: 0, up: '0' },
      circuits: { status: '200', samples: 0, up: '0' },
    });
    // Read while Redis answered, the source was up.
    expect({ queues: before.queues.up, circuits: before.circuits.up }).toEqual({
      queues: '1',
      circuits: '1',
    });

    relay.mend();
    await eventually(
      async () => {
        const after = await read();
        return after.queues.up === '1' && after.circuits.up === '1' && after.queues.samples > 0;
      },
      { what: 'the gauges to come back with Redis', timeoutMs: 30_000 },
    );
  }, 120_000);
});
