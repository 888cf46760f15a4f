/**
 * Memory: worker RSS and Redis `used_memory` while Sluice runs many jobs, sampled as it goes. After
 * warm-up both should stay flat: BullMQ keeps a bounded number of finished jobs, cache entries and
 * markers expire, and nothing in the worker's memory grows with the number of jobs.
 *
 * Inputs cycle over a fixed set of e-mail addresses (DISTINCT), as real traffic repeats itself:
 * the cache then holds a bounded set, and later rounds are answered from it.
 *
 *   npm run build && npm run bench:memory -- [jobs=20000] [distinct=2000]
 */
import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { json, machine, pool, REDIS_URL, report, sleep, startBenchStack, workspace } from './support';

const JOBS = Number(process.argv[2] ?? 20_000);
const DISTINCT = Number(process.argv[3] ?? 2000);

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

async function main(): Promise<void> {
  const stack = await startBenchStack({
    env: {
      WORKER_LOW_CONCURRENCY: '32',
      ORCHESTRATOR_CONCURRENCY: '32',
      STORE_FRESH_DAYS: '0',
    },
  });
  const redis = new Redis(REDIS_URL);
  const samples: { jobs: number; rss: number; redis: number }[] = [];
  try {
    await json(`${stack.sandboxUrl}/_sandbox/providers/email-verifier`, {
      method: 'PATCH',
      body: JSON.stringify({ credits: 100_000_000, latency_ms: 0, rate_limit: null }),
    });
    const apiKey = await workspace(stack.gatewayUrl, 'Memory');
    const pid = stack.workers[0]?.child.pid as number;
    const done = async (): Promise<number> => {
      const [row] = await stack.db.dataSource.query<{ n: string }[]>(
        `SELECT count(*) AS n FROM enrichment_requests WHERE status IN ('completed', 'failed')`,
      );
      return Number(row?.n ?? 0);
    };
    const sample = async (): Promise<void> => {
      const info = await redis.info('memory');
      const used = Number(/used_memory:(\d+)/.exec(info)?.[1] ?? 0) / 1024 / 1024;
      samples.push({ jobs: await done(), rss: rssMb(pid), redis: used });
    };
    const batch = 1000;
    for (let sent = 0; sent < JOBS; sent += batch) {
      await pool(Math.min(batch, JOBS - sent), 32, async (i) => {
        const n = (sent + i) % DISTINCT;
        await json(`${stack.gatewayUrl}/v1/jobs`, {
          method: 'POST',
          token: apiKey,
          body: JSON.stringify({
            type: 'email.verify',
            input: { email: `person${n}@memory-${n % 53}.example.com` },
          }),
          // bulk work, as a large import would be
        });
      });
      while ((await done()) < sent + batch / 2) {
        await sleep(200);
      }
      await sample();
    }
    while ((await done()) < JOBS) {
      await sleep(200);
    }
    await sample();
  } finally {
    redis.disconnect();
    await stack.close();
  }
  const warm = samples[Math.floor(samples.length / 4)];
  const last = samples[samples.length - 1];
  const lines = [
    `Memory (${new Date().toISOString().slice(0, 10)}; ${machine()})`,
    `  jobs: ${JOBS} email.verify over ${DISTINCT} distinct inputs, one worker process`,
    `  samples (jobs done → worker RSS MB, Redis used_memory MB):`,
    ...samples.map(
      (s) =>
        `    ${String(s.jobs).padStart(7)} → ${s.rss.toFixed(1).padStart(7)}  ${s.redis.toFixed(1).padStart(7)}`,
    ),
    `  after warm-up (${warm.jobs} → ${last.jobs} jobs): worker RSS ×${(last.rss / warm.rss).toFixed(2)}, Redis ×${(last.redis / warm.redis).toFixed(2)}`,
  ];
  report('memory', lines);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
