import { getQueueToken } from '@nestjs/bullmq';
import { QUEUE_NAMES } from '@sluice/queue';
import type { Queue } from 'bullmq';
import { startHttpSink, type HttpSink } from '../support/alert-sinks';
import { call, createWorkspace } from '../support/api';
import { enqueue, finished, setUp, tearDown, worldCompanies } from '../support/pipeline';
import { TEST_ADMIN_TOKEN } from '../support/stack';
import { eventually } from '../support/wait';

/**
 * A callback delivery removed from its queue before its first attempt is never sent (nothing in
 * PostgreSQL says it is owed), and a delivered one retried is sent again: Bull Board shows the
 * callbacks queue read-only. The pipeline's other queues stay open to its actions. No other site
 * may frame the board.
 */
describe('Bull Board and the callbacks queue', () => {
  let ctx: Awaited<ReturnType<typeof setUp>>;
  let sink: HttpSink;

  beforeAll(async () => {
    sink = await startHttpSink();
    ctx = await setUp({});
  });
  afterAll(async () => {
    await tearDown(ctx);
    await sink?.close();
  });

  const board = (method: string, path: string) =>
    call<Record<string, unknown>>(ctx.stack.gatewayUrl, method, `/admin/queues/api${path}`, {
      token: TEST_ADMIN_TOKEN,
    });

  it('refuses to remove, empty, clean or retry callback deliveries, which then still go out once', async () => {
    const { apiKey } = await createWorkspace(ctx.stack.gatewayUrl, 'Callback Board Co');
    const [company] = await worldCompanies(ctx.stack.sandboxUrl);
    // A backlog: deliveries wait (a receiver slow for everyone, say).
    const callbacks = ctx.stack.worker?.get<Queue>(getQueueToken(QUEUE_NAMES.callbacks), {
      strict: false,
    }) as Queue;
    await callbacks.pause();
    const id = await enqueue(ctx.stack, apiKey, {
      type: 'company.profile',
      input: { company_number: company.company_number },
      callback_url: sink.url,
    });
    expect((await finished(ctx.stack, apiKey, id)).status).toBe('completed');
    const delivery = `callback-${id}-first`;
    await eventually(async () => (await callbacks.getJob(delivery)) ?? undefined, {
      what: 'the delivery queued',
    });

    const listed = await board('GET', '/queues');
    expect(listed.status).toBe(200);
    const queues = (listed.body as { queues: { name: string; readOnlyMode: boolean }[] }).queues;
    expect(queues.find((queue) => queue.name === QUEUE_NAMES.callbacks)).toMatchObject({
      readOnlyMode: true,
    });
    expect(queues.find((queue) => queue.name === QUEUE_NAMES.enrichment)).toMatchObject({
      readOnlyMode: false,
    });

    for (const [method, path] of [
      ['PUT', `/queues/callbacks/${delivery}/clean`],
      ['PUT', '/queues/callbacks/empty'],
      ['PUT', '/queues/callbacks/clean/wait'],
      ['PUT', '/queues/callbacks/retry/completed'],
      ['PUT', '/queues/callbacks/obliterate'],
    ]) {
      expect([path, (await board(method, path)).status]).toEqual([path, 405]);
    }
    expect(await callbacks.getJob(delivery)).toBeDefined();

    await callbacks.resume();
    await eventually(() => sink.bodies.length > 0 || undefined, { what: 'the callback delivered' });
    expect(sink.bodies.map((body) => (body.data as { id: string }).id)).toEqual([id]);
    // A delivered message retried from the board would be sent again: refused as well.
    await eventually(async () => (await callbacks.getJob(delivery))?.isCompleted(), {
      what: 'delivery completed',
    });
    expect((await board('PUT', `/queues/callbacks/${delivery}/retry`)).status).toBe(405);
    expect(sink.bodies).toHaveLength(1);
  });

  // Bull Board's buttons retry, clean, pause and empty queues, and a browser that logged in keeps
  // sending the Basic credentials by itself: a page of another site must not show the board in a
  // frame under its own content and have the operator click them (clickjacking).
  it.each([
    ['the board', '/admin/queues', true, 200],
    ['a queue’s page', '/admin/queues/queue/enrichment', true, 200],
    ['its API', '/admin/queues/api/queues', true, 200],
    ['the login prompt', '/admin/queues', false, 401],
  ])('refuses to be shown in a frame: %s', async (_what, path, loggedIn, status) => {
    const basic = `Basic ${Buffer.from(`admin:${TEST_ADMIN_TOKEN}`).toString('base64')}`;
    const answer = await fetch(`${ctx.stack.gatewayUrl}${path}`, {
      headers: loggedIn ? { authorization: basic } : {},
    });
    expect(answer.status).toBe(status);
    expect(answer.headers.get('content-security-policy')).toBe("frame-ancestors 'none'");
    expect(answer.headers.get('x-frame-options')).toBe('DENY');
  });
});
