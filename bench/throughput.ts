/**
 * Throughput: end-to-end jobs per second through Sluice (HTTP enqueue → plan → provider step
 * against an instant sandbox → stored result) next to a bare pipeline measured in the same run (a
 * minimal HTTP endpoint adding one BullMQ job per request, a no-op BullMQ worker, the same Redis).
 * The bare pipeline and Sluice run in alternating rounds (three by default) and each figure is the
 * median of its rounds, with every round's ratio printed: on a small shared machine the bare
 * pipeline alone moves by half from one run to the next, so one pair of runs says little.
 *
 *   npm run build && npm run bench:throughput -- [jobs=3000] [clients=64] [rounds=3]
 */
import { createServer } from 'node:http';
import { Queue, Worker } from 'bullmq';
import { connectionOptions } from '@sluice/queue';
import { Pool } from 'pg';
import { createTestDatabase } from '../test/support/database';
import { deletePrefix, uniquePrefix } from '../test/support/redis';
import {
  DATABASE_URL,
  json,
  machine,
  median,
  pool,
  REDIS_URL,
  report,
  sleep,
  startBenchStack,
  workspace,
} from './support';

const JOBS = Number(process.argv[2] ?? 3000);
const CLIENTS = Number(process.argv[3] ?? 64);
const ROUNDS = Number(process.argv[4] ?? 3);

/**
 * The bare pipeline: an HTTP endpoint adding one BullMQ job per request, a no-op worker. With
 * `durable`, the least a pipeline that keeps its jobs can do on top: the endpoint inserts the job's
 * row in PostgreSQL before adding it, and the worker marks the row done (two autocommitted
 * statements per job) — the floor for anything that records its jobs and results durably.
 */
async function bare(durable: boolean): Promise<number> {
  const prefix = uniquePrefix();
  const db = durable ? await createTestDatabase(DATABASE_URL) : null;
  const pg = db ? new Pool({ connectionString: db.url, max: 20 }) : null;
  await pg?.query(
    'CREATE TABLE bare_jobs (id bigserial PRIMARY KEY, payload jsonb NOT NULL, done_at timestamptz)',
  );
  const connection = connectionOptions(REDIS_URL, 'worker');
  const queue = new Queue('bare', { connection: connectionOptions(REDIS_URL, 'producer'), prefix });
  let done = 0;
  let finished!: () => void;
  const allDone = new Promise<void>((resolve) => (finished = resolve));
  const worker = new Worker(
    'bare',
    async (job) => {
      if (pg) {
        await pg.query('UPDATE bare_jobs SET done_at = now() WHERE id = $1', [
          (job.data as { row: string }).row,
        ]);
      }
      done += 1;
      if (done === JOBS) {
        finished();
      }
      return null;
    },
    { connection, prefix, concurrency: 64, removeOnComplete: { count: 1000 } },
  );
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const row = pg
        ? pg
            .query<{ id: string }>('INSERT INTO bare_jobs (payload) VALUES ($1) RETURNING id', ['{"n":1}'])
            .then((result) => result.rows[0]?.id ?? null)
        : Promise.resolve(null);
      void row
        .then((id) => queue.add('job', { n: 1, row: id }, { removeOnComplete: { count: 1000 } }))
        .then(
          (job) => {
            res.writeHead(202, { 'content-type': 'application/json' }).end(JSON.stringify({ id: job.id }));
          },
          () => res.writeHead(503).end(),
        );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/jobs`;
  const started = performance.now();
  await pool(JOBS, CLIENTS, async () => {
    const response = await fetch(url, { method: 'POST', body: '{}' });
    await response.text();
  });
  await allDone;
  const seconds = (performance.now() - started) / 1000;
  await worker.close();
  await queue.close();
  server.close();
  await pg?.end();
  await db?.drop();
  await deletePrefix(REDIS_URL, prefix);
  return JOBS / seconds;
}

async function sluice(): Promise<{ rate: number; failed: number; enqueueRate: number }> {
  const stack = await startBenchStack({
    env: {
      WORKER_LOW_CONCURRENCY: '64',
      ORCHESTRATOR_CONCURRENCY: '64',
      STORE_FRESH_DAYS: '0',
    },
  });
  try {
    await json(`${stack.sandboxUrl}/_sandbox/providers/email-verifier`, {
      method: 'PATCH',
      body: JSON.stringify({ credits: 100_000_000, latency_ms: 0, rate_limit: null }),
    });
    const apiKey = await workspace(stack.gatewayUrl, 'Throughput');
    const started = performance.now();
    await pool(JOBS, CLIENTS, async (i) => {
      await json(`${stack.gatewayUrl}/v1/jobs`, {
        method: 'POST',
        token: apiKey,
        body: JSON.stringify({
          type: 'email.verify',
          input: { email: `person${i}@bench-${i % 97}.example.com` },
        }),
      });
    });
    const enqueued = performance.now();
    for (;;) {
      const [row] = await stack.db.dataSource.query<{ done: string; failed: string }[]>(
        `SELECT count(*) FILTER (WHERE status IN ('completed','failed')) AS done,
                count(*) FILTER (WHERE status = 'failed') AS failed
           FROM enrichment_requests`,
      );
      if (Number(row?.done) >= JOBS) {
        const seconds = (performance.now() - started) / 1000;
        return {
          rate: JOBS / seconds,
          failed: Number(row?.failed),
          enqueueRate: JOBS / ((enqueued - started) / 1000),
        };
      }
      await sleep(50);
    }
  } finally {
    await stack.close();
  }
}

async function main(): Promise<void> {
  const rounds: { base: number; durable: number; ours: Awaited<ReturnType<typeof sluice>> }[] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    const base = await bare(false);
    const durable = await bare(true);
    const ours = await sluice();
    rounds.push({ base, durable, ours });
  }
  const base = median(rounds.map((r) => r.base));
  const durable = median(rounds.map((r) => r.durable));
  const rate = median(rounds.map((r) => r.ours.rate));
  const ratios = rounds.map((r) => r.ours.rate / r.base);
  const ratio = median(ratios);
  const failed = rounds.reduce((sum, r) => sum + r.ours.failed, 0);
  const percent = (value: number): string => `${(value * 100).toFixed(1)} %`;
  const lines = [
    `Throughput (${new Date().toISOString().slice(0, 10)}; ${machine()})`,
    `  jobs: ${JOBS}, concurrent clients: ${CLIENTS}, rounds: ${ROUNDS} (medians; each round runs both)`,
    `  bare BullMQ pipeline:        ${base.toFixed(0)} jobs/s (rounds: ${rounds.map((r) => r.base.toFixed(0)).join(', ')})`,
    `  bare + 2 PostgreSQL writes:  ${durable.toFixed(0)} jobs/s (${percent(durable / base)} of bare)`,
    `  Sluice end to end:           ${rate.toFixed(0)} jobs/s (rounds: ${rounds.map((r) => r.ours.rate.toFixed(0)).join(', ')}; ${failed} failed)`,
    `  of which enqueue (HTTP 202): ${median(rounds.map((r) => r.ours.enqueueRate)).toFixed(0)} requests/s`,
    `  ratio Sluice / bare:         ${percent(ratio)} (rounds: ${ratios.map(percent).join(', ')}; target ≥ 40 %)`,
    `  ratio Sluice / bare + PG:    ${percent(median(rounds.map((r) => r.ours.rate / r.durable)))}`,
    `  target ≥ 1,000 jobs/s:       ${rate >= 1000 ? 'met' : 'NOT met'}`,
  ];
  report('throughput', lines);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
