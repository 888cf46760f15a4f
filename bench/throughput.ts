/**
 * Throughput: end-to-end jobs per second through Sluice (HTTP enqueue → plan → provider step
 * against an instant sandbox → stored result) next to a bare pipeline measured in the same run (a
 * minimal HTTP endpoint adding one BullMQ job per request, a no-op BullMQ worker, the same Redis).
 * Both run as deployed, each part a process of its own: Sluice's compiled gateway and worker, the
 * bare endpoint and worker (bench/bare-pipeline.ts, compiled); this process only sends the
 * requests (and runs the sandbox, which stands in for the providers).
 * The bare pipeline and Sluice run in alternating rounds (three by default) and each figure is the
 * median of its rounds, with every round's ratio printed: on a small shared machine the bare
 * pipeline alone moves by half from one run to the next, so one pair of runs says little.
 *
 *   npm run build && npm run bench:throughput -- [jobs=3000] [clients=64] [rounds=3]
 */
import type { ChildProcess } from 'node:child_process';
import { Pool } from 'pg';
import { createTestDatabase } from '../test/support/database';
import { deletePrefix, uniquePrefix } from '../test/support/redis';
import { freePort } from '../test/support/worker-process';
import {
  commandCpuSeconds,
  compiledBaseline,
  cpuSeconds,
  nodeArgs,
  startProcess,
  stopProcess,
} from './processes';
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

/** CPU time per job (ms) of each process of a pipeline over a run. */
type CpuPerJob = Record<string, number>;

/**
 * Starts counting the CPU time of the named processes (children of this one, or `this` for this
 * process), and of the machine's Redis and PostgreSQL; the returned function gives each one's CPU
 * time per job since. Steadier than the rates on a shared machine, and it says where the time goes.
 */
function countCpu(parts: Record<string, ChildProcess | 'this'>): () => CpuPerJob {
  const read = (): Record<string, number> => {
    const seconds: Record<string, number> = {};
    for (const [name, part] of Object.entries(parts)) {
      if (part === 'this') {
        const usage = process.cpuUsage();
        seconds[name] = (usage.user + usage.system) / 1e6;
      } else {
        seconds[name] = cpuSeconds(part);
      }
    }
    seconds.redis = commandCpuSeconds('redis-server');
    seconds.postgres = commandCpuSeconds('postgres');
    return seconds;
  };
  const before = read();
  return () => {
    const after = read();
    return Object.fromEntries(
      Object.keys(after).map((name) => [name, ((after[name] - before[name]) * 1000) / JOBS]),
    );
  };
}

/**
 * The bare pipeline (bench/bare-pipeline.ts): an HTTP endpoint adding one BullMQ job per request
 * and a no-op worker, each a process of its own as Sluice's gateway and worker are. With `durable`,
 * the least a pipeline that keeps its jobs can do on top: the endpoint inserts the job's row in
 * PostgreSQL before adding it, and the worker marks the row done (two autocommitted statements per
 * job) — the floor for anything that records its jobs and results durably.
 */
async function bare(durable: boolean): Promise<{ rate: number; cpu: CpuPerJob }> {
  const prefix = uniquePrefix();
  const db = durable ? await createTestDatabase(DATABASE_URL) : null;
  if (db) {
    const pg = new Pool({ connectionString: db.url, max: 1 });
    await pg.query(
      'CREATE TABLE bare_jobs (id bigserial PRIMARY KEY, payload jsonb NOT NULL, done_at timestamptz)',
    );
    await pg.end();
  }
  const port = await freePort();
  const script = compiledBaseline('bare-pipeline');
  const args = ['--enable-source-maps', ...nodeArgs('BASELINE_NODE_ARGS'), script];
  const env = {
    REDIS_URL,
    BARE_PREFIX: prefix,
    BARE_PORT: String(port),
    BARE_JOBS: String(JOBS),
    ...(db ? { BARE_DATABASE_URL: db.url } : {}),
  };
  const worker = await startProcess(args, { ...env, BARE_ROLE: 'worker' }, null);
  const allDone = new Promise<void>((resolve) =>
    worker.on('message', (message) => message === 'done' && resolve()),
  );
  const endpoint = await startProcess(
    args,
    { ...env, BARE_ROLE: 'endpoint' },
    `http://127.0.0.1:${port}/ready`,
  );
  const url = `http://127.0.0.1:${port}/jobs`;
  const cpu = countCpu({ endpoint, worker, load: 'this' });
  const started = performance.now();
  await pool(JOBS, CLIENTS, async () => {
    const response = await fetch(url, { method: 'POST', body: '{}' });
    await response.text();
  });
  await allDone;
  const seconds = (performance.now() - started) / 1000;
  const cpuPerJob = cpu();
  await stopProcess(endpoint);
  await stopProcess(worker);
  await db?.drop();
  await deletePrefix(REDIS_URL, prefix);
  return { rate: JOBS / seconds, cpu: cpuPerJob };
}

async function sluice(): Promise<{ rate: number; failed: number; enqueueRate: number; cpu: CpuPerJob }> {
  const stack = await startBenchStack({
    gatewayProcess: true,
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
    const cpu = countCpu({
      ...(stack.gateway ? { gateway: stack.gateway } : {}),
      worker: stack.workers[0].child,
      'load+sandbox': 'this',
    });
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
    // Every request's row is written before its 202: none left unfinished means all are done. The
    // poll reads the status index only (counting every row, finished ones included, each 50 ms
    // cost PostgreSQL more per job than some of Sluice's own statements, and was charged to it).
    for (;;) {
      const [row] = await stack.db.dataSource.query<{ unfinished: string }[]>(
        `SELECT count(*) AS unfinished FROM enrichment_requests WHERE status IN ('queued', 'running', 'waiting')`,
      );
      if (Number(row?.unfinished) === 0) {
        const seconds = (performance.now() - started) / 1000;
        const cpuPerJob = cpu();
        const [counts] = await stack.db.dataSource.query<{ done: string; failed: string }[]>(
          `SELECT count(*) AS done, count(*) FILTER (WHERE status = 'failed') AS failed FROM enrichment_requests`,
        );
        if (Number(counts?.done) !== JOBS) {
          throw new Error(`${JOBS} jobs sent, ${counts?.done} requests recorded`);
        }
        return {
          rate: JOBS / seconds,
          failed: Number(counts?.failed),
          enqueueRate: JOBS / ((enqueued - started) / 1000),
          cpu: cpuPerJob,
        };
      }
      await sleep(100);
    }
  } finally {
    await stack.close();
  }
}

async function main(): Promise<void> {
  const rounds: {
    base: number;
    durable: number;
    ours: Awaited<ReturnType<typeof sluice>>;
    cpu: { base: CpuPerJob; durable: CpuPerJob };
  }[] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    const base = await bare(false);
    const durable = await bare(true);
    const ours = await sluice();
    rounds.push({
      base: base.rate,
      durable: durable.rate,
      ours,
      cpu: { base: base.cpu, durable: durable.cpu },
    });
  }
  // Each process's CPU per job, the median over the rounds, and their sum.
  const cpuLine = (runs: CpuPerJob[]): string => {
    const names = Object.keys(runs[0]);
    const each = names.map((name) => `${name} ${median(runs.map((run) => run[name])).toFixed(2)}`);
    const total = median(runs.map((run) => Object.values(run).reduce((sum, ms) => sum + ms, 0)));
    return `${total.toFixed(2)} ms (${each.join(', ')})`;
  };
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
    `  CPU per job, bare:           ${cpuLine(rounds.map((r) => r.cpu.base))}`,
    `  CPU per job, bare + PG:      ${cpuLine(rounds.map((r) => r.cpu.durable))}`,
    `  CPU per job, Sluice:         ${cpuLine(rounds.map((r) => r.ours.cpu))}`,
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
