import { get, type ClientRequest } from 'node:http';
import type { Server } from 'node:net';
import { Redis } from 'ioredis';
import { Client } from 'pg';
import { JobEventsHub } from '../../apps/gateway/src/jobs/job-events';
import { call, createWorkspace } from '../support/api';
import { setUp, tearDown } from '../support/pipeline';
import { appUser, type PrivateStack, startPrivateStack } from '../support/private-stack';
import { eventually } from '../support/wait';

/** The streams a gateway's hub holds for each job (what each one's change notices wake). */
const listenersOf = (hub: JobEventsHub): Map<string, Set<unknown>> =>
  (hub as unknown as { listeners: Map<string, Set<unknown>> }).listeners;

/**
 * `GET /v1/jobs/:id/events` reads the job and audits the read before the stream opens. A client
 * that goes away meanwhile (a page closed, an EventSource reconnecting, a proxy giving up) must
 * leave nothing behind: no stream kept listening for the job's changes and re-reading it every
 * few seconds for as long as the job runs (a job waiting for credits or a provider's task runs for
 * hours), on a socket nobody reads.
 */
describe('job event streams whose client leaves before the stream opens', () => {
  let ctx: Awaited<ReturnType<typeof setUp>>;

  beforeAll(async () => {
    // No worker: the job stays queued, so a stream on it would stay open as long as its client.
    ctx = await setUp({}, { worker: false });
  }, 120_000);
  afterAll(async () => {
    await tearDown(ctx);
  });

  it('keeps nothing listening for the job once their clients are gone', async () => {
    const { apiKey } = await createWorkspace(ctx.stack.gatewayUrl, 'Abandoned Streams Ltd');
    const job = await call<{ id: string }>(ctx.stack.gatewayUrl, 'POST', '/v1/jobs', {
      token: apiKey,
      body: { type: 'company.profile', input: { company_number: '09414599' } },
    });
    expect(job.status).toBe(202);
    const url = `${ctx.stack.gatewayUrl}/v1/jobs/${job.body.id}/events`;
    const headers = { authorization: `Bearer ${apiKey}` };
    const hub = ctx.stack.gateway.get(JobEventsHub);
    const listening = (): number => listenersOf(hub).get(job.body.id)?.size ?? 0;
    const server = ctx.stack.gateway.getHttpServer() as Server;
    const connections = (): Promise<number> =>
      new Promise((resolve, reject) =>
        server.getConnections((error, count) => (error ? reject(error) : resolve(count))),
      );

    // A stream that opened listens until its client goes.
    const open = await fetch(url, { headers });
    expect(open.status).toBe(200);
    const reader = open.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value as Uint8Array)).toContain('event: snapshot');
    await eventually(() => listening() === 1, { what: 'the open stream to listen' });
    await reader.cancel();
    await eventually(() => listening() === 0, { what: 'the closed stream to stop listening' });
    await eventually(async () => (await connections()) === 0, { what: 'the connections to close' });

    // Streams whose clients leave while the gateway reads the job: the read is held by a lock.
    const locker = new Client({ connectionString: ctx.db.url });
    await locker.connect();
    const abandoned: ClientRequest[] = [];
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE enrichment_requests IN ACCESS EXCLUSIVE MODE');
      for (let i = 0; i < 5; i += 1) {
        const request = get(url, { headers });
        request.on('error', () => undefined); // destroyed below, unanswered
        abandoned.push(request);
      }
      // (The statement text is cut at 1 kB, before its FROM: it is told by its column list.)
      await eventually(
        async () => {
          const [row] = await ctx.db.dataSource.query<{ n: number }[]>(
            `SELECT count(*)::int AS n FROM pg_stat_activity
              WHERE datname = current_database() AND wait_event_type = 'Lock'
                AND query LIKE 'SELECT "EnrichmentRequest".%'`,
          );
          return row?.n === abandoned.length;
        },
        { what: 'every stream to wait for its read of the job', timeoutMs: 30_000 },
      );
      abandoned.forEach((request) => request.destroy());
      await eventually(async () => (await connections()) === 0, {
        what: 'the gateway to see the clients go',
      });
    } finally {
      await locker.query('COMMIT').catch(() => undefined);
      await locker.end();
    }

    // Each read is audited once the job is read, right before its stream would open.
    await eventually(
      async () => {
        const [row] = await ctx.db.dataSource.query<{ n: number }[]>(
          `SELECT count(*)::int AS n FROM audit_events WHERE action = 'job.events.read' AND target_id = $1`,
          [job.body.id],
        );
        return row?.n === 1 + abandoned.length;
      },
      { what: 'every read of the job to be audited' },
    );
    // Past the audit, a stream opens and listens at once (its subscription is already made): give
    // the handlers a moment more, then nothing may listen.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(listening()).toBe(0);
    expect(listenersOf(hub).size).toBe(0);
  }, 120_000);
});

/**
 * A Redis that refuses the gateway's job-events subscription (an ACL without SUBSCRIBE): each
 * stream tries it again, and a refused try must not leave its connection open behind it.
 */
describe('job event streams on a Redis that refuses the subscription', () => {
  let ctx: PrivateStack;
  let admin: Redis;

  beforeAll(async () => {
    ctx = await startPrivateStack({
      connect: async (redis) => {
        admin = new Redis(redis.url);
        return appUser(admin, redis, '+@all', '-subscribe');
      },
    });
  }, 120_000);
  afterAll(async () => {
    admin?.disconnect();
    await ctx?.close();
  });

  it('keeps no refused subscriber connection open, while the streams still answer', async () => {
    const { stack } = ctx;
    const { apiKey } = await createWorkspace(stack.gatewayUrl, 'No Subscribe Ltd');
    const job = await call<{ id: string }>(stack.gatewayUrl, 'POST', '/v1/jobs', {
      token: apiKey,
      body: { type: 'company.profile', input: { company_number: '09414599' } },
    });
    expect(job.status).toBe(202);
    for (let i = 0; i < 3; i += 1) {
      const stream = await fetch(`${stack.gatewayUrl}/v1/jobs/${job.body.id}/events`, {
        headers: { authorization: `Bearer ${apiKey}` },
      });
      expect(stream.status).toBe(200);
      const reader = stream.body!.getReader();
      expect(new TextDecoder().decode((await reader.read()).value as Uint8Array)).toContain(
        'event: snapshot',
      );
      await reader.cancel();
    }
    const subscribers = async (): Promise<number> =>
      String(await admin.call('CLIENT', 'LIST'))
        .split('\n')
        .filter((line) => line.includes('name=sluice-gateway-events')).length;
    // Each refusal is answered at once; give a connection left open time to show.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await subscribers()).toBe(0);
  });
});
