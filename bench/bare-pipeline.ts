/*
 * The throughput benchmark's baseline, one role per process (BARE_ROLE), as Sluice's gateway and
 * worker run: `endpoint`, an HTTP endpoint adding one BullMQ job per request; `worker`, a no-op
 * BullMQ worker (concurrency 64) that tells its parent when it has done BARE_JOBS jobs. With
 * BARE_DATABASE_URL, the least a pipeline that keeps its jobs does on top: the endpoint inserts the
 * job's row in PostgreSQL (table `bare_jobs`) before adding it, and the worker marks the row done —
 * two autocommitted statements per job.
 */
import { createServer } from 'node:http';
import { Queue, Worker } from 'bullmq';
import { Pool } from 'pg';
import { connectionOptions } from '@sluice/queue';

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = process.env.BARE_PREFIX ?? 'bare';
const pg = process.env.BARE_DATABASE_URL
  ? new Pool({ connectionString: process.env.BARE_DATABASE_URL, max: 20 })
  : null;

function endpoint(): void {
  const queue = new Queue('bare', { connection: connectionOptions(redisUrl, 'producer'), prefix });
  const server = createServer((req, res) => {
    if (req.method === 'GET') {
      res.writeHead(200).end(); // ready
      return;
    }
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
  server.listen(Number(process.env.BARE_PORT), '127.0.0.1');
  process.on('SIGTERM', () => {
    server.close();
    void Promise.all([queue.close(), pg?.end()]).then(() => process.exit(0));
  });
}

function worker(): void {
  const jobs = Number(process.env.BARE_JOBS);
  let done = 0;
  const bullWorker = new Worker(
    'bare',
    async (job) => {
      if (pg) {
        await pg.query('UPDATE bare_jobs SET done_at = now() WHERE id = $1', [
          (job.data as { row: string }).row,
        ]);
      }
      done += 1;
      if (done === jobs) {
        process.send?.('done');
      }
      return null;
    },
    {
      connection: connectionOptions(redisUrl, 'worker'),
      prefix,
      concurrency: 64,
      removeOnComplete: { count: 1000 },
    },
  );
  void bullWorker.waitUntilReady().then(() => process.send?.('ready'));
  process.on('SIGTERM', () => void Promise.all([bullWorker.close(), pg?.end()]).then(() => process.exit(0)));
}

if (process.env.BARE_ROLE === 'worker') {
  worker();
} else {
  endpoint();
}
