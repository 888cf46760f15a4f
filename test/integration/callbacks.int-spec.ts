import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { WorkspaceWebhookSecret } from '@sluice/db';
import { verifyWebhook } from '@sluice/platform';
import { JOB_NAMES, QUEUE_NAMES } from '@sluice/queue';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { IsNull } from 'typeorm';
import { createWorkerApp } from '../../apps/enrichment-worker/src/app';
import { call, createWorkspace } from '../support/api';
import { Sink, type Received } from '../support/callback-sink';
import { requireEnv } from '../support/database';
import {
  answerKey,
  enqueue,
  finished,
  job,
  sandboxPatch,
  setUp,
  tearDown,
  type JobView,
  worldCompanies,
} from '../support/pipeline';
import type { WorldCompany } from '../support/sandbox-world';
import { eventually } from '../support/wait';
import { startAppProcess, type WorkerProcess } from '../support/worker-process';

function verified(received: Received, secret: string): boolean {
  return verifyWebhook({
    id: String(received.headers['webhook-id']),
    timestamp: Number(received.headers['webhook-timestamp']),
    body: received.body,
    signatureHeader: String(received.headers['webhook-signature']),
    secret,
  });
}

/** A workspace and the webhook secret returned (once) with it. */
async function createWithSecret(
  gatewayUrl: string,
  name: string,
): Promise<{ apiKey: string; secret: string }> {
  const { apiKey, webhookSecret } = await createWorkspace(gatewayUrl, name);
  expect(webhookSecret).toMatch(/^whsec_[A-Za-z0-9+/=]{40,}$/);
  return { apiKey, secret: webhookSecret ?? '' };
}

interface DeliveryLog {
  attempt: number;
  status: number | null;
  error: string | null;
}

describe('signed callbacks upstream', () => {
  let ctx: Awaited<ReturnType<typeof setUp>>;
  const sink = new Sink();

  beforeAll(async () => {
    ctx = await setUp({
      CALLBACK_BACKOFF_MS: '100',
      CALLBACK_MAX_ATTEMPTS: '4',
      WEBHOOK_SECRET_GRACE_S: '3600',
    });
    await sink.start();
  });
  afterAll(async () => {
    await sink.stop();
    await tearDown(ctx);
  });

  async function deliveriesOf(apiKey: string, id: string): Promise<DeliveryLog[]> {
    return (
      await call<{ deliveries: DeliveryLog[] }>(
        ctx.stack.gatewayUrl,
        'GET',
        `/v1/jobs/${id}/callback/deliveries`,
        {
          token: apiKey,
        },
      )
    ).body.deliveries;
  }

  async function verifyJob(apiKey: string, email: string): Promise<string> {
    const created = await call<{ id: string }>(ctx.stack.gatewayUrl, 'POST', '/v1/jobs', {
      token: apiKey,
      body: { type: 'email.verify', input: { email }, callback_url: sink.url },
    });
    expect(created.status).toBe(202);
    return created.body.id;
  }

  it('delivers the finished job once, signed with the workspace’s secret, and logs the delivery', async () => {
    const { apiKey, secret } = await createWithSecret(ctx.stack.gatewayUrl, 'Upstream Co');
    const id = await verifyJob(apiKey, 'ada.lovelace@example.com');
    const view = await finished(ctx.stack, apiKey, id);
    const [delivery] = await eventually<Received[]>(() =>
      Promise.resolve(sink.for(id).length > 0 ? sink.for(id) : null),
    );
    expect(sink.for(id)).toHaveLength(1);
    expect(delivery?.headers['webhook-id']).toMatch(/^msg_[0-9a-f]{32}$/);
    expect(verified(delivery, secret)).toBe(true);
    expect(verified(delivery, 'whsec_' + Buffer.alloc(32, 1).toString('base64'))).toBe(false);
    const payload = JSON.parse(delivery.body) as Record<string, unknown>;
    expect(payload).toMatchObject({ type: 'job.completed', data: { id, status: 'completed' } });
    expect((payload.data as Record<string, unknown>).result).toEqual(view.result);

    const log = await eventually(async () => {
      const all = await deliveriesOf(apiKey, id);
      return all.length > 0 ? all : null;
    });
    expect(log.map((d) => [d.attempt, d.status])).toEqual([[1, 200]]);
  });

  it('sends once a delivery an earlier version queued on the enrichment queue, when the callbacks queue has it too', async () => {
    const { apiKey, id: workspaceId } = await createWorkspace(ctx.stack.gatewayUrl, 'Upgraded Co');
    const id = await verifyJob(apiKey, 'grace.hopper@example.com');
    await finished(ctx.stack, apiKey, id);
    await eventually(() => Promise.resolve(sink.for(id).length > 0 || undefined), {
      what: 'the first delivery',
    });
    // The same delivery, as the version before the callbacks queue queued it: on the enrichment
    // queue, under the job id every path gives a request's first delivery.
    const connection = new Redis(requireEnv('REDIS_URL'), { maxRetriesPerRequest: null });
    const enrichment = new Queue(QUEUE_NAMES.enrichment, { connection, prefix: ctx.prefix });
    const callbacks = new Queue(QUEUE_NAMES.callbacks, { connection, prefix: ctx.prefix });
    try {
      const jobId = `callback-${id}-first`;
      expect(await callbacks.getJobState(jobId)).toBe('completed');
      const legacy = await enrichment.add(
        JOB_NAMES.callbackDeliver,
        { requestId: id, workspaceId },
        { jobId },
      );
      await eventually(async () => (await legacy.getState()) === 'completed' || undefined, {
        what: 'the enrichment queue to take the old delivery',
      });
      await new Promise((resolve) => setTimeout(resolve, 1000));
      expect(sink.for(id)).toHaveLength(1);
    } finally {
      await enrichment.close();
      await callbacks.close();
      await connection.quit();
    }
  });

  it('retries a refused delivery with backoff under the same webhook-id until it is taken', async () => {
    const { apiKey, secret } = await createWithSecret(ctx.stack.gatewayUrl, 'Flaky Upstream');
    sink.answers = [500, 503];
    const id = await verifyJob(apiKey, 'grace.hopper@example.com');
    await finished(ctx.stack, apiKey, id);
    const deliveries = await eventually(
      () => Promise.resolve(sink.for(id).length >= 3 ? sink.for(id) : null),
      {
        timeoutMs: 20_000,
      },
    );
    expect(new Set(deliveries.map((d) => d.headers['webhook-id'])).size).toBe(1);
    expect(deliveries.every((d) => verified(d, secret))).toBe(true);
    const log = await eventually(async () => {
      const all = await deliveriesOf(apiKey, id);
      return all.length >= 3 ? all : null;
    });
    expect(log.map((d) => [d.attempt, d.status])).toEqual([
      [1, 500],
      [2, 503],
      [3, 200],
    ]);
  });

  it('gets the callback to a receiver that was down, once it is back, verifiably signed', async () => {
    const { apiKey, secret } = await createWithSecret(ctx.stack.gatewayUrl, 'Sleepy Upstream');
    const later = new Sink();
    await later.start();
    const port = Number(new URL(later.url).port);
    const url = later.url;
    await later.stop(); // down: connections refused
    const created = await call<{ id: string }>(ctx.stack.gatewayUrl, 'POST', '/v1/jobs', {
      token: apiKey,
      body: { type: 'email.verify', input: { email: 'dorothy.vaughan@example.com' }, callback_url: url },
    });
    const id = created.body.id;
    await finished(ctx.stack, apiKey, id);
    const failures = () => deliveriesOf(apiKey, id);
    await eventually(async () => ((await failures()).length >= 2 ? true : null), { timeoutMs: 15_000 });
    expect((await failures()).every((d) => d.status === null && d.error)).toBe(true);
    await later.start(port); // back
    try {
      const [delivery] = await eventually<Received[]>(
        () => Promise.resolve(later.for(id).length > 0 ? later.for(id) : null),
        { timeoutMs: 30_000, what: 'the delivery after the receiver came back' },
      );
      expect(verified(delivery ?? { headers: {}, body: '' }, secret)).toBe(true);
      const log = await eventually(async () => {
        const all = await failures();
        return all.some((d) => d.status === 200) ? all : null;
      });
      expect(log.at(-1)?.status).toBe(200);
    } finally {
      await later.stop();
    }
  });

  it('stops at 410 Gone', async () => {
    const { apiKey } = await createWithSecret(ctx.stack.gatewayUrl, 'Gone Upstream');
    sink.answers = [410];
    const id = await verifyJob(apiKey, 'alan.turing@example.com');
    await finished(ctx.stack, apiKey, id);
    await eventually(() => Promise.resolve(sink.for(id).length > 0 ? true : null));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(sink.for(id)).toHaveLength(1);
  });

  it('signs with the old and the new secret during a rotation, and redelivers on request', async () => {
    const { apiKey, secret: old } = await createWithSecret(ctx.stack.gatewayUrl, 'Rotating Co');
    const rotated = await call<{ webhook_secret: string; previous_valid_until: string }>(
      ctx.stack.gatewayUrl,
      'POST',
      '/v1/webhook-secret/rotate',
      { token: apiKey },
    );
    expect(rotated.status).toBe(200);
    expect(rotated.body.webhook_secret).not.toBe(old);
    expect(Date.parse(rotated.body.previous_valid_until)).toBeGreaterThan(Date.now() + 3500_000);
    const id = await verifyJob(apiKey, 'katherine.johnson@example.com');
    await finished(ctx.stack, apiKey, id);
    const [first] = await eventually<Received[]>(() =>
      Promise.resolve(sink.for(id).length > 0 ? sink.for(id) : null),
    );
    expect(String(first?.headers['webhook-signature']).split(' ')).toHaveLength(2);
    expect(verified(first, old)).toBe(true);
    expect(verified(first, rotated.body.webhook_secret)).toBe(true);

    const again = await call(ctx.stack.gatewayUrl, 'POST', `/v1/jobs/${id}/callback/redeliver`, {
      token: apiKey,
    });
    expect(again.status).toBe(202);
    const both = await eventually(() => Promise.resolve(sink.for(id).length >= 2 ? sink.for(id) : null));
    expect(both[1]?.headers['webhook-id']).toBe(first?.headers['webhook-id']);
  });

  it('rotates one at a time: of six rotations at once, each retires the secret before it, and one stays current', async () => {
    const { apiKey, id: workspaceId } = await createWorkspace(ctx.stack.gatewayUrl, 'Rotation Race Co');
    const answers = await Promise.all(
      Array.from({ length: 6 }, () =>
        call<{ webhook_secret: string; previous_valid_until: string | null }>(
          ctx.stack.gatewayUrl,
          'POST',
          '/v1/webhook-secret/rotate',
          { token: apiKey },
        ),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(answers.filter((a) => a.body.previous_valid_until === null)).toHaveLength(0);
    const rows = await ctx.db.dataSource
      .getRepository(WorkspaceWebhookSecret)
      .findBy({ workspaceId, expiresAt: IsNull() });
    expect(rows).toHaveLength(1);
  });

  it('sends no automatic retry of a message a redelivery got taken meanwhile', async () => {
    // Retries 3 s apart: the redelivery is asked for and taken in between.
    const slow = await setUp({ CALLBACK_BACKOFF_MS: '3000', CALLBACK_MAX_ATTEMPTS: '4' });
    try {
      const { apiKey } = await createWithSecret(slow.stack.gatewayUrl, 'Redelivered Co');
      sink.answers = [500];
      const created = await call<{ id: string }>(slow.stack.gatewayUrl, 'POST', '/v1/jobs', {
        token: apiKey,
        body: {
          type: 'email.verify',
          input: { email: 'mary.somerville@example.com' },
          callback_url: sink.url,
        },
      });
      const id = created.body.id;
      await finished(slow.stack, apiKey, id);
      await eventually(() => Promise.resolve(sink.for(id).length === 1 || undefined), {
        what: 'the refused first attempt',
      });
      const again = await call(slow.stack.gatewayUrl, 'POST', `/v1/jobs/${id}/callback/redeliver`, {
        token: apiKey,
      });
      expect(again.status).toBe(202);
      // The first delivery's job ends once its retry is due, having sent nothing.
      const connection = new Redis(requireEnv('REDIS_URL'), { maxRetriesPerRequest: null });
      const callbacks = new Queue(QUEUE_NAMES.callbacks, { connection, prefix: slow.prefix });
      try {
        const first = await eventually(
          async () => {
            const job = await callbacks.getJob(`callback-${id}-first`);
            return (await job?.getState()) === 'completed' ? job : null;
          },
          { timeoutMs: 20_000, what: "the first delivery's retry" },
        );
        expect(first?.returnvalue).toMatchObject({ skipped: 'delivered_meanwhile' });
      } finally {
        await callbacks.close();
        await connection.quit();
      }
      // Sent twice: refused, then taken by the redelivery; the retry of the first was not sent.
      expect(sink.for(id)).toHaveLength(2);
      const log = await call<{ deliveries: DeliveryLog[] }>(
        slow.stack.gatewayUrl,
        'GET',
        `/v1/jobs/${id}/callback/deliveries`,
        { token: apiKey },
      );
      expect(log.body.deliveries.map((d) => [d.attempt, d.status])).toEqual([
        [1, 500],
        [1, 200],
      ]);
    } finally {
      await tearDown(slow);
    }
  });

  it('refuses to redeliver a job without a callback_url', async () => {
    const { apiKey } = await createWithSecret(ctx.stack.gatewayUrl, 'No Callback Co');
    const created = await call<{ id: string }>(ctx.stack.gatewayUrl, 'POST', '/v1/jobs', {
      token: apiKey,
      body: { type: 'email.verify', input: { email: 'mary.jackson@example.com' } },
    });
    await finished(ctx.stack, apiKey, created.body.id);
    const answer = await call(
      ctx.stack.gatewayUrl,
      'POST',
      `/v1/jobs/${created.body.id}/callback/redeliver`,
      {
        token: apiKey,
      },
    );
    expect(answer.status).toBe(400);
    expect(JSON.stringify(answer.body)).toMatch(/callback_url/);
  });
});

describe('callbacks of jobs that end without finishing their plan', () => {
  let ctx: Awaited<ReturnType<typeof setUp>>;
  let register: WorldCompany[];
  const sink = new Sink();

  beforeAll(async () => {
    // Two rows an import chunk: a file refused on its fifth line has queued two jobs before.
    ctx = await setUp({ CALLBACK_BACKOFF_MS: '100', CALLBACK_MAX_ATTEMPTS: '4', IMPORT_CHUNK_SIZE: '2' });
    register = await answerKey<WorldCompany>(ctx.stack.sandboxUrl, 'companies');
    // Paid work held on the wire, so that the jobs below are running when they are cancelled.
    await sandboxPatch(ctx.stack.sandboxUrl, 'serper', { latency_ms: 60_000 });
    for (const provider of ['snov', 'apollo', 'rocketreach']) {
      await sandboxPatch(ctx.stack.sandboxUrl, provider, { latency_ms: 60_000 });
    }
    await sink.start();
  });
  afterAll(async () => {
    await sink.stop();
    await tearDown(ctx);
  });

  const deliveriesOf = async (apiKey: string, id: string): Promise<DeliveryLog[]> =>
    (
      await call<{ deliveries: DeliveryLog[] }>(
        ctx.stack.gatewayUrl,
        'GET',
        `/v1/jobs/${id}/callback/deliveries`,
        { token: apiKey },
      )
    ).body.deliveries;
  /** The sink's deliveries for job `id` once there are `count`. */
  const received = (id: string, count = 1): Promise<Received[]> =>
    eventually(() => Promise.resolve(sink.for(id).length >= count ? sink.for(id) : null), {
      timeoutMs: 15_000,
      what: `${count} callback(s) of job ${id}`,
    });

  it('delivers a job cancelled while it runs, signed, with status cancelled, logs it, and redelivers it on request', async () => {
    const { apiKey, secret } = await createWithSecret(ctx.stack.gatewayUrl, 'Cancelling Upstream');
    const company = register.find(
      (c) =>
        c.company_status === 'active' &&
        c.company_status_detail === null &&
        c.domain_known_by.includes('serper'),
    ) as WorldCompany;
    const id = await enqueue(ctx.stack, apiKey, {
      type: 'company.officer_emails',
      input: { company_number: company.company_number },
      callback_url: sink.url,
    });
    await eventually(async () => {
      const view = await job(ctx.stack, apiKey, id);
      return view.steps.some((s) => s.provider === 'serper' && s.state === 'pending') ? view : null;
    });
    const cancelled = await call<JobView>(ctx.stack.gatewayUrl, 'POST', `/v1/jobs/${id}/cancel`, {
      token: apiKey,
    });
    expect(cancelled.body.status).toBe('cancelled');
    const [delivery] = await received(id);
    expect(verified(delivery ?? { headers: {}, body: '' }, secret)).toBe(true);
    const payload = JSON.parse(delivery?.body ?? '{}') as Record<string, unknown>;
    expect(payload).toMatchObject({
      type: 'job.cancelled',
      data: { id, type: 'company.officer_emails', status: 'cancelled', error: 'cancelled by the caller' },
    });
    const now = await call<{ credits_spent: number }>(ctx.stack.gatewayUrl, 'GET', `/v1/jobs/${id}`, {
      token: apiKey,
    });
    expect((payload.data as Record<string, unknown>).credits_spent).toBe(now.body.credits_spent);
    const log = await eventually(async () => {
      const all = await deliveriesOf(apiKey, id);
      return all.length > 0 ? all : null;
    });
    expect(log.map((d) => [d.attempt, d.status])).toEqual([[1, 200]]);

    const again = await call(ctx.stack.gatewayUrl, 'POST', `/v1/jobs/${id}/callback/redeliver`, {
      token: apiKey,
    });
    expect(again.status).toBe(202);
    const both = await received(id, 2);
    expect(both[1]?.headers['webhook-id']).toBe(delivery?.headers['webhook-id']);
    expect(JSON.parse(both[1]?.body ?? '{}')).toMatchObject({ data: { id, status: 'cancelled' } });
    await eventually(async () => ((await deliveriesOf(apiKey, id)).length === 2 ? true : null));
    // Cancelling again changes nothing, and sends nothing.
    await call(ctx.stack.gatewayUrl, 'POST', `/v1/jobs/${id}/cancel`, { token: apiKey });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(sink.for(id)).toHaveLength(2);
  });

  it('delivers, once each, the jobs of an import refused part-way, which it cancelled', async () => {
    const {
      id: workspaceId,
      apiKey,
      webhookSecret,
    } = await createWorkspace(ctx.stack.gatewayUrl, 'Refused Import Co');
    const query = new URLSearchParams({ type: 'person.email', callback_url: sink.url });
    // Windows-1252, as Excel on Windows saves it: é is the byte 0xE9, on line 5.
    const refused = await fetch(`${ctx.stack.gatewayUrl}/v1/imports?${query.toString()}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'text/csv' },
      body: Buffer.from(
        'first_name,last_name,domain\nAda,Lovelace,example.com\nBob,Smith,example.com\nCy,Young,example.com\nR\u00e9my,Dupont,example.com\n',
        'latin1',
      ),
    });
    expect(refused.status).toBe(400);
    const jobs = await ctx.db.dataSource.query<{ id: string; status: string }[]>(
      'SELECT id, status FROM enrichment_requests WHERE workspace_id = $1',
      [workspaceId],
    );
    expect(jobs.map((j) => j.status)).toEqual(['cancelled', 'cancelled']);
    for (const { id } of jobs) {
      const [delivery] = await received(id);
      expect(verified(delivery ?? { headers: {}, body: '' }, webhookSecret ?? '')).toBe(true);
      expect(JSON.parse(delivery?.body ?? '{}')).toMatchObject({
        type: 'job.cancelled',
        data: { id, status: 'cancelled', error: expect.stringMatching(/import was refused/) as string },
      });
      // The attempt is logged once the sink has answered: the sink can hear of it first.
      const log = await eventually(async () => {
        const all = await deliveriesOf(apiKey, id);
        return all.length > 0 ? all : null;
      });
      expect(log.map((d) => d.status)).toEqual([200]);
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(jobs.map(({ id }) => sink.for(id).length)).toEqual([1, 1]);
  });

  it('delivers a chain stopped at a dissolved company, which completes before any credit is spent', async () => {
    const { apiKey } = await createWithSecret(ctx.stack.gatewayUrl, 'Dissolved Upstream');
    const company = register.find((c) => c.company_status === 'dissolved') as WorldCompany;
    const id = await enqueue(ctx.stack, apiKey, {
      type: 'company.officer_emails',
      input: { company_number: company.company_number },
      callback_url: sink.url,
    });
    expect((await finished(ctx.stack, apiKey, id)).result?.stopped).toBe('company_dissolved');
    const [delivery] = await received(id);
    expect(JSON.parse(delivery?.body ?? '{}')).toMatchObject({
      type: 'job.completed',
      data: { id, status: 'completed', result: { stopped: 'company_dissolved' }, credits_spent: 0 },
    });
  });
});

describe('a callback receiver that answers a byte at a time', () => {
  let ctx: Awaited<ReturnType<typeof setUp>>;
  let server: Server;
  let url = '';
  const dribbles = new Set<NodeJS.Timeout>();

  beforeAll(async () => {
    ctx = await setUp({ CALLBACK_TIMEOUT_MS: '1000', CALLBACK_MAX_ATTEMPTS: '1' });
    // Answers 200 at once, then a byte of body every 100 ms, never ending it: never idle for
    // CALLBACK_TIMEOUT_MS, so only a bound on the whole exchange ends the delivery.
    server = createServer((req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'text/plain' });
      const dribble = setInterval(() => res.write('.'), 100);
      dribbles.add(dribble);
      res.on('close', () => {
        clearInterval(dribble);
        dribbles.delete(dribble);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/hooks`;
  });
  afterAll(async () => {
    dribbles.forEach((dribble) => clearInterval(dribble));
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await tearDown(ctx);
  });

  it('gives the delivery up after CALLBACK_TIMEOUT_MS in all, logging why, rather than holding it while bytes come', async () => {
    const { apiKey } = await createWorkspace(ctx.stack.gatewayUrl, 'Dribbling Receiver Co');
    const created = await call<{ id: string }>(ctx.stack.gatewayUrl, 'POST', '/v1/jobs', {
      token: apiKey,
      body: { type: 'email.verify', input: { email: 'ada.lovelace@example.com' }, callback_url: url },
    });
    expect(created.status).toBe(202);
    await finished(ctx.stack, apiKey, created.body.id);
    const log = await eventually(
      async () => {
        const answer = await call<{ deliveries: DeliveryLog[] }>(
          ctx.stack.gatewayUrl,
          'GET',
          `/v1/jobs/${created.body.id}/callback/deliveries`,
          { token: apiKey },
        );
        return answer.body.deliveries.length > 0 ? answer.body.deliveries : null;
      },
      { what: 'the delivery to end', timeoutMs: 15_000 },
    );
    expect(log).toEqual([
      expect.objectContaining({
        attempt: 1,
        status: null,
        error: expect.stringMatching(/no complete answer within 1000 ms/) as string,
      }),
    ]);
  });
});

/**
 * A receiver that is down (it takes the connection and never answers) holds each delivery for
 * CALLBACK_TIMEOUT_MS. Deliveries have a queue and workers of their own: planning, which every
 * workspace's requests wait for, never waits for them.
 */
describe('callback receivers that never answer', () => {
  let ctx: Awaited<ReturnType<typeof setUp>>;
  let server: Server;
  let url = '';

  beforeAll(async () => {
    ctx = await setUp({
      CALLBACK_TIMEOUT_MS: '8000',
      CALLBACK_MAX_ATTEMPTS: '1',
      ORCHESTRATOR_CONCURRENCY: '2',
    });
    server = createServer((req) => req.resume());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/hooks`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await tearDown(ctx);
  });

  it('hold no planning: another workspace’s job is answered while their deliveries wait', async () => {
    const silent = await createWorkspace(ctx.stack.gatewayUrl, 'Receiver Down Co');
    const other = await createWorkspace(ctx.stack.gatewayUrl, 'Other Co');
    let arrived = 0;
    server.on('request', () => (arrived += 1));
    const jobs = async (apiKey: string, emails: string[], callback?: string): Promise<string[]> =>
      Promise.all(
        emails.map(async (email) => {
          const created = await call<{ id: string }>(ctx.stack.gatewayUrl, 'POST', '/v1/jobs', {
            token: apiKey,
            body: { type: 'email.verify', input: { email }, ...(callback ? { callback_url: callback } : {}) },
          });
          expect(created.status).toBe(202);
          return created.body.id;
        }),
      );
    const waiting = await jobs(
      silent.apiKey,
      ['a', 'b', 'c', 'd'].map((name) => `${name}.down@example.com`),
      url,
    );
    for (const id of waiting) {
      await finished(ctx.stack, silent.apiKey, id);
    }
    // Deliveries wait for answers that do not come, as many at once as the planner has slots.
    await eventually(() => Promise.resolve(arrived >= 2 || undefined), {
      what: 'deliveries under way',
      timeoutMs: 5000,
    });
    const started = Date.now();
    const [id] = await jobs(other.apiKey, ['ada.lovelace@example.com']);
    await finished(ctx.stack, other.apiKey, id);
    // Planned and answered at once, not after the deliveries' 8 s.
    expect(Date.now() - started).toBeLessThan(4000);
  });
});

describe('callback URLs Sluice must not call', () => {
  let ctx: Awaited<ReturnType<typeof setUp>>;
  let apiKey: string;

  beforeAll(async () => {
    ctx = await setUp({ CALLBACK_ALLOW_PRIVATE: 'false' });
    apiKey = (await createWorkspace(ctx.stack.gatewayUrl, 'Careful Co')).apiKey;
  });
  afterAll(() => tearDown(ctx));

  it.each([
    ['http://127.0.0.1:9/hooks', /127\.0\.0\.1/],
    ['http://169.254.169.254/latest/meta-data', /169\.254\.169\.254/],
    ['http://10.1.2.3/hooks', /10\.1\.2\.3/],
    ['http://[::1]/hooks', /::1/],
    ['http://user:pass@example.com/hooks', /credential/i],
  ])('refuses %s with a 400 naming the problem, and stores no job', async (url, reason) => {
    const answer = await call<{ message: string }>(ctx.stack.gatewayUrl, 'POST', '/v1/jobs', {
      token: apiKey,
      body: { type: 'email.verify', input: { email: 'ada@example.com' }, callback_url: url },
    });
    expect(answer.status).toBe(400);
    expect(JSON.stringify(answer.body)).toMatch(reason);
    const rows = await ctx.db.dataSource.query<{ n: string }[]>(
      'SELECT count(*) AS n FROM enrichment_requests WHERE callback_url = $1',
      [url],
    );
    expect(Number(rows[0]?.n)).toBe(0);
  });

  it('refuses a name that resolves to such an address without telling the caller the address', async () => {
    const answer = await call<{ message: string }>(ctx.stack.gatewayUrl, 'POST', '/v1/jobs', {
      token: apiKey,
      body: {
        type: 'email.verify',
        input: { email: 'ada@example.com' },
        callback_url: 'http://localhost:9/hooks',
      },
    });
    expect(answer.status).toBe(400);
    const said = JSON.stringify(answer.body);
    expect(said).toMatch(/its host localhost resolves to an address callbacks may not reach \(loopback\)/);
    expect(said).not.toMatch(/127\.0\.0\.1|::1/);
  });
});

/**
 * A receiver that refuses connections: every failed attempt is in the worker's log (as it is in
 * GET /v1/jobs/:id/callback/deliveries), with the job, the attempt and why, and never the callback
 * URL, whose path or query may carry the receiver's token.
 */
describe('a callback receiver that refuses connections', () => {
  let ctx: Awaited<ReturnType<typeof setUp>>;
  let worker: WorkerProcess | undefined;

  beforeAll(async () => {
    ctx = await setUp({ CALLBACK_BACKOFF_MS: '100', CALLBACK_MAX_ATTEMPTS: '2' }, { worker: false });
  }, 120_000);
  afterAll(async () => {
    await worker?.kill();
    await tearDown(ctx);
  });

  it('logs a warning per failed attempt naming the job, the attempt and the error code', async () => {
    worker = await startAppProcess('enrichment-worker', ctx.stack.env, { captureOutput: true });
    const { apiKey } = await createWorkspace(ctx.stack.gatewayUrl, 'Refusing Receiver Co');
    const closed = new Sink();
    await closed.start();
    await closed.stop(); // nothing listens there now: connections refused
    const url = `${closed.url}?token=receiver-secret-7f3a`;
    const created = await call<{ id: string }>(ctx.stack.gatewayUrl, 'POST', '/v1/jobs', {
      token: apiKey,
      body: { type: 'email.verify', input: { email: 'katherine.johnson@example.com' }, callback_url: url },
    });
    expect(created.status).toBe(202);
    const id = created.body.id;
    await finished(ctx.stack, apiKey, id);
    const attempts = await eventually(
      async () => {
        const listed = await call<{ deliveries: DeliveryLog[] }>(
          ctx.stack.gatewayUrl,
          'GET',
          `/v1/jobs/${id}/callback/deliveries`,
          { token: apiKey },
        );
        return listed.body.deliveries.length >= 2 ? listed.body.deliveries : null;
      },
      { what: 'both attempts to be recorded', timeoutMs: 30_000 },
    );
    expect(attempts.map((d) => [d.attempt, d.status])).toEqual([
      [1, null],
      [2, null],
    ]);
    // Logged before it is recorded: once both are listed, both are in the log (its flush aside).
    const logged = await eventually(
      () => {
        const lines = worker!
          .output()
          .split('\n')
          .filter((line) => line.includes(id) && line.includes('callback'))
          .map((line) => JSON.parse(line) as Record<string, unknown>);
        return Promise.resolve(lines.length >= 2 ? lines : null);
      },
      { what: 'the failed attempts in the worker log', timeoutMs: 10_000 },
    );
    expect(logged).toEqual([
      expect.objectContaining({
        level: 40,
        requestId: id,
        attempt: 1,
        status: null,
        error: expect.stringContaining('ECONNREFUSED') as string,
      }),
      expect.objectContaining({ level: 40, requestId: id, attempt: 2, status: null }),
    ]);
    expect(worker.output()).not.toContain('receiver-secret-7f3a');
    expect(worker.output()).not.toContain(new URL(closed.url).pathname);
  }, 90_000);
});

describe('a worker that cannot open the workspace’s webhook secret', () => {
  let ctx: Awaited<ReturnType<typeof setUp>>;
  const sink = new Sink();

  beforeAll(async () => {
    ctx = await setUp({ CALLBACK_BACKOFF_MS: '100', CALLBACK_MAX_ATTEMPTS: '2' }, { worker: false });
    await sink.start();
    // The worker was given another SLUICE_ENCRYPTION_KEY than the gateway that sealed the secrets.
    const { app } = await createWorkerApp({
      ...ctx.stack.env,
      SLUICE_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    });
    await app.listen(0, '127.0.0.1');
    ctx.stack.worker = app;
  });
  afterAll(async () => {
    await sink.stop();
    await tearDown(ctx);
  });

  it('records each attempt that could not sign, saying why, and sends nothing unsigned', async () => {
    const { apiKey } = await createWorkspace(ctx.stack.gatewayUrl, 'Sealed Elsewhere Co');
    const [company] = await worldCompanies(ctx.stack.sandboxUrl);
    const id = await enqueue(ctx.stack, apiKey, {
      type: 'company.profile',
      input: { company_number: company.company_number },
      callback_url: sink.url,
    });
    await finished(ctx.stack, apiKey, id);
    const attempts = await eventually(
      async () => {
        const listed = await call<{
          deliveries: { attempt: number; status: number | null; error: string | null }[];
        }>(ctx.stack.gatewayUrl, 'GET', `/v1/jobs/${id}/callback/deliveries`, { token: apiKey });
        return listed.body.deliveries.length >= 2 ? listed.body.deliveries : undefined;
      },
      { what: 'both attempts recorded', timeoutMs: 20_000 },
    );
    expect(attempts.map((d) => [d.attempt, d.status])).toEqual([
      [1, null],
      [2, null],
    ]);
    expect(attempts[0]?.error).toMatch(/webhook secret cannot be opened.*SLUICE_ENCRYPTION_KEY/);
    expect(sink.for(id)).toHaveLength(0);
  }, 60_000);
});
