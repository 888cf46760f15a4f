import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { verifyWebhook } from '@sluice/platform';
import { call, createWorkspace } from '../support/api';
import { finished, setUp, tearDown } from '../support/pipeline';
import { eventually } from '../support/wait';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A local HTTP endpoint standing in for the upstream system: records every POST, answers as told. */
class Sink {
  readonly received: Received[] = [];
  /** Statuses to answer, in order; 200 once they run out. */
  answers: number[] = [];
  private server!: Server;
  url = '';

  async start(port = 0): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        this.received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(this.answers.shift() ?? 200).end();
      });
    });
    await new Promise<void>((resolve) => this.server.listen(port, '127.0.0.1', resolve));
    const address = this.server.address();
    this.url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/hooks/sluice`;
  }

  for(jobId: string): Received[] {
    return this.received.filter((r) => (JSON.parse(r.body) as { data: { id: string } }).data.id === jobId);
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

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
});
