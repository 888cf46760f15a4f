import { createHash, createHmac, randomBytes } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { PipelineGuards, ResultCache } from '../../apps/enrichment-worker/src/pipeline/pipeline-redis';
import { CreditLedgerEntry, EnrichmentStep, WebhookEvent } from '@sluice/db';
import { CallbackTokens, callbackTokenKeyName } from '@sluice/queue';
import { call, createWorkspace } from '../support/api';
import { enqueue, finished, people, personInput, sandboxPatch, setUp, tearDown } from '../support/pipeline';
import type { WorldPerson } from '../support/sandbox-world';
import { TEST_ADMIN_TOKEN } from '../support/stack';
import { eventually } from '../support/wait';

interface Delivery {
  task_id: string;
  url: string;
  attempt: number;
  status: number | null;
}

async function post(
  url: string,
  body: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, unknown>; retryAfter: string | null }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  return {
    status: response.status,
    body: (await response.json()) as Record<string, unknown>,
    retryAfter: response.headers.get('retry-after'),
  };
}

/**
 * A Snov.io e-mail search (a task the sandbox finishes after 300 ms) for a person Snov.io knows,
 * in a new workspace, waited for.
 */
async function snovSearch(
  ctx: Awaited<ReturnType<typeof setUp>>,
  workspace: string,
): Promise<{ person: WorldPerson; id: string; view: Awaited<ReturnType<typeof finished>> }> {
  const apiKey = (await createWorkspace(ctx.stack.gatewayUrl, workspace)).apiKey;
  await sandboxPatch(ctx.stack.sandboxUrl, 'snov', { task_delay_ms: 300 });
  const person = (await people(ctx.stack.sandboxUrl)).find(
    (p) => p.emails.snov === p.email && p.email_status === 'valid',
  ) as WorldPerson;
  const id = await enqueue(ctx.stack, apiKey, { type: 'person.email', input: personInput(person) });
  return { person, id, view: await finished(ctx.stack, apiKey, id, 15_000) };
}

/** The callback token the worker gives providers for a step (the key is the stack's SLUICE_ENCRYPTION_KEY). */
function tokenOf(ctx: Awaited<ReturnType<typeof setUp>>, step: EnrichmentStep): string {
  return new CallbackTokens(CallbackTokens.derive(ctx.stack.env.SLUICE_ENCRYPTION_KEY ?? '')).tokenFor(
    step.id,
  );
}

describe('provider callbacks through the webhook receiver', () => {
  let ctx: Awaited<ReturnType<typeof setUp>>;
  let apiKey: string;
  let world: WorldPerson[];

  beforeAll(async () => {
    // Polling so slow that only a callback can finish a step within the test's time.
    ctx = await setUp({ ASYNC_POLL_INTERVAL_MS: '120000' });
    apiKey = (await createWorkspace(ctx.stack.gatewayUrl, 'Callback Co')).apiKey;
    world = await people(ctx.stack.sandboxUrl);
    await sandboxPatch(ctx.stack.sandboxUrl, 'snov', { task_delay_ms: 400 });
  });
  afterAll(() => tearDown(ctx));

  it('completes a waiting Snov.io step when its callback arrives, stored first and applied once', async () => {
    const person = world.find((p) => p.emails.snov === p.email && p.email_status === 'valid') as WorldPerson;
    const started = Date.now();
    const id = await enqueue(ctx.stack, apiKey, { type: 'person.email', input: personInput(person) });
    const view = await finished(ctx.stack, apiKey, id, 15_000);
    expect(view.status).toBe('completed');
    expect(view.result?.email).toMatchObject({ email: person.email, source: 'snov' });
    expect(Date.now() - started).toBeLessThan(15_000); // far sooner than the next poll (120 s)

    const step = await ctx.db.dataSource
      .getRepository(EnrichmentStep)
      .findOneByOrFail({ requestId: id, provider: 'snov' });
    const events = await ctx.db.dataSource.getRepository(WebhookEvent).findBy({ stepId: step.id });
    expect(events.map((e) => [e.provider, e.status])).toEqual([['snov', 'processed']]);
    const deliveries = (
      await call<Delivery[]>(ctx.stack.sandboxUrl, 'GET', '/_sandbox/providers/snov/webhooks')
    ).body.filter((d) => d.url.endsWith(`/webhooks/snov/${tokenOf(ctx, step)}`));
    expect(deliveries.map((d) => d.status)).toEqual([202]);
    // The token is not kept anywhere in the step's row: a copy of the database cannot forge a callback.
    const [row] = await ctx.db.dataSource.query<{ row: unknown }[]>(
      'SELECT to_jsonb(s) AS row FROM enrichment_steps s WHERE id = $1',
      [step.id],
    );
    expect(JSON.stringify(row?.row)).not.toContain(tokenOf(ctx, step).slice(32));

    // The same event four more times (providers retry for days): recognised, never applied again.
    for (let i = 0; i < 4; i += 1) {
      const again = await post(
        `${ctx.stack.receiverUrl}/webhooks/snov/${tokenOf(ctx, step)}`,
        events[0]?.body ?? '',
      );
      expect(again).toMatchObject({ status: 202, body: { status: 'duplicate', id: events[0]?.id } });
    }

    expect(await ctx.db.dataSource.getRepository(WebhookEvent).countBy({ stepId: step.id })).toBe(1);
    const after = await finished(ctx.stack, apiKey, id);
    expect(after.result).toEqual(view.result);
  });

  describe('a task started while Redis or PostgreSQL was away a moment', () => {
    /**
     * A Snov.io search of someone it knows, started and waiting on its task (1.5 s at the sandbox);
     * its callback wakes it (polls come every 120 s here).
     */
    const startedSearch = async (
      person: WorldPerson,
    ): Promise<{ id: string; step: { id: string; provider_task_id: string } }> => {
      await sandboxPatch(ctx.stack.sandboxUrl, 'snov', { task_delay_ms: 1500 });
      const id = await enqueue(ctx.stack, apiKey, { type: 'person.email', input: personInput(person) });
      const step = await eventually(
        async () =>
          (
            await ctx.db.dataSource.query<{ id: string; provider_task_id: string | null }[]>(
              `SELECT id, provider_task_id FROM enrichment_steps WHERE request_id = $1 AND provider = 'snov'`,
              [id],
            )
          ).find((row) => row.provider_task_id !== null) as
            { id: string; provider_task_id: string } | undefined,
        { what: 'the Snov.io search started' },
      );
      return { id, step };
    };
    const snovKnows = (): WorldPerson[] =>
      world.filter((p) => p.emails.snov === p.email && p.email_status === 'valid').slice(-12);

    afterEach(() => sandboxPatch(ctx.stack.sandboxUrl, 'snov', { task_delay_ms: 400 }));

    it('awaits the task PostgreSQL kept, not settling the call as one that never answered', async () => {
      const person = snovKnows()[0];
      const { id, step } = await startedSearch(person);
      // Redis still holds the call as out: its run stopped before Redis heard of the task.
      const cache = ctx.stack.worker?.get(ResultCache, { strict: false }) as ResultCache;
      await cache.rememberPaid(step.id, {
        status: 'unreadable',
        credits: 1,
        kind: 'timeout',
        error: 'The run making this call to snov ended before its answer came',
        inFlightOf: 'a run that ended',
      });
      const view = await finished(ctx.stack, apiKey, id);
      // Before, the step failed as a timeout charged at the call's price, and the next finder paid again.
      expect(view.steps.find((s) => s.provider === 'snov')).toMatchObject({ state: 'completed', credits: 1 });
      expect(view.result?.email).toMatchObject({ email: person.email, source: 'snov' });
      expect(view.result?.credits_spent).toBe(1);
    });

    it('awaits the task Redis kept, and PostgreSQL learns it again', async () => {
      const person = snovKnows()[1];
      const { id, step } = await startedSearch(person);
      // PostgreSQL did not hear of the task (away when it started); Redis did.
      await ctx.db.dataSource.query('UPDATE enrichment_steps SET provider_task_id = NULL WHERE id = $1', [
        step.id,
      ]);
      const relearnt = await eventually(
        async () =>
          (
            await ctx.db.dataSource.query<{ provider_task_id: string | null }[]>(
              'SELECT provider_task_id FROM enrichment_steps WHERE id = $1',
              [step.id],
            )
          )[0]?.provider_task_id ?? null,
        { what: 'the task written back' },
      );
      expect(relearnt).toBe(step.provider_task_id);
      const view = await finished(ctx.stack, apiKey, id);
      expect(view.steps.find((s) => s.provider === 'snov')).toMatchObject({ state: 'completed', credits: 1 });
      expect(view.result?.email).toMatchObject({ email: person.email, source: 'snov' });
    });
  });

  it('stores 1,000 deliveries from 50 concurrent senders and processes each exactly once', async () => {
    // A step still waiting for Snov.io (only a waiting step's callbacks are stored and applied).
    await sandboxPatch(ctx.stack.sandboxUrl, 'snov', { task_delay_ms: 300_000 });
    const person = world.find((p) => p.emails.snov === p.email && p.email_status === 'valid') as WorldPerson;
    const waiting = await enqueue(ctx.stack, apiKey, {
      type: 'person.email',
      input: { ...personInput(person), first_name: `${person.first_name}x` },
    });
    const step = await eventually(
      async () =>
        ctx.db.dataSource
          .getRepository(EnrichmentStep)
          .findOne({ where: { requestId: waiting, provider: 'snov', state: 'pending' } })
          .then((found) => (found?.providerTaskId ? found : null)),
      { timeoutMs: 15_000, what: 'a Snov.io step waiting for its task' },
    );
    await sandboxPatch(ctx.stack.sandboxUrl, 'snov', { task_delay_ms: 400 });
    const deliveries = Array.from({ length: 1000 }, (_, i) => ({
      url: `${ctx.stack.receiverUrl}/webhooks/snov/${tokenOf(ctx, step)}`,
      body: JSON.stringify({ data: [], meta: { task_hash: `load-${i}` } }),
    }));
    // Each sender behaves as a provider does: a 503 (the receiver could not get at PostgreSQL in
    // time, e.g. its pool queue during a stall of the machine; nothing was written) is delivered
    // again, a little later (every 250 ms for up to 5 s, as long as a stall of a loaded machine may
    // last). It must carry Retry-After. The final answers are what is checked.
    const send = async (all: typeof deliveries): Promise<string[]> => {
      const answers: string[] = [];
      let next = 0;
      await Promise.all(
        Array.from({ length: 50 }, async () => {
          while (next < all.length) {
            const item = all[next++];
            if (item) {
              let answer = await post(item.url, item.body);
              for (let retry = 0; answer.status === 503 && retry < 20; retry += 1) {
                expect(Number(answer.retryAfter)).toBeGreaterThan(0);
                await new Promise((resolve) => setTimeout(resolve, 250));
                answer = await post(item.url, item.body);
              }
              answers.push(`${answer.status} ${String(answer.body.status)}`);
            }
          }
        }),
      );
      return answers;
    };
    expect(new Set(await send(deliveries))).toEqual(new Set(['202 accepted']));
    // Every one of them again: all recognised, none stored or queued a second time.
    expect(new Set(await send(deliveries))).toEqual(new Set(['202 duplicate']));
    const settled = await eventually(
      async () => {
        const rows = await ctx.db.dataSource.query<{ status: string; n: string; stamped: string }[]>(
          `SELECT status, count(*) AS n, count(processed_at) AS stamped
             FROM webhook_events WHERE event_id LIKE 'load-%' GROUP BY status`,
        );
        return rows.length === 1 && rows[0]?.status === 'processed' ? rows[0] : null;
      },
      { timeoutMs: 60_000, what: '1,000 events processed' },
    );
    expect(settled).toEqual({ status: 'processed', n: '1000', stamped: '1000' });
  });

  it('refuses a callback whose token names no step, or another provider’s step, and stores nothing', async () => {
    const before = await ctx.db.dataSource.getRepository(WebhookEvent).count();
    const unknown = await post(`${ctx.stack.receiverUrl}/webhooks/snov/${'0'.repeat(64)}`, '{"meta":{}}');
    expect(unknown.status).toBe(401);
    const malformed = await post(`${ctx.stack.receiverUrl}/webhooks/snov/not-a-token`, '{}');
    expect(malformed.status).toBe(401);
    const step = await ctx.db.dataSource
      .getRepository(EnrichmentStep)
      .findOneByOrFail({ provider: 'snov', state: 'completed' });
    const crossed = await post(`${ctx.stack.receiverUrl}/webhooks/apollo/${tokenOf(ctx, step)}`, '{}');
    expect(crossed.status).toBe(401);
    // A token whose id is the step's but whose signature is not (one digit changed), and one with
    // the step's signature after another id.
    const token = tokenOf(ctx, step);
    const flipped = `${token.slice(0, 63)}${token.endsWith('0') ? '1' : '0'}`;
    expect((await post(`${ctx.stack.receiverUrl}/webhooks/snov/${flipped}`, '{}')).status).toBe(401);
    const moved = randomBytes(16).toString('hex') + token.slice(32);
    expect((await post(`${ctx.stack.receiverUrl}/webhooks/snov/${moved}`, '{}')).status).toBe(401);
    const nobody = await post(`${ctx.stack.receiverUrl}/webhooks/serper/${tokenOf(ctx, step)}`, '{}');
    expect(nobody.status).toBe(404);
    expect(JSON.stringify(nobody.body)).toMatch(/rocketreach/);
    expect(await ctx.db.dataSource.getRepository(WebhookEvent).count()).toBe(before);
  });

  it('still accepts a token handed out before tokens were made from step ids, through its stored digest', async () => {
    const step = await ctx.db.dataSource
      .getRepository(EnrichmentStep)
      .findOneByOrFail({ provider: 'snov', state: 'completed' });
    // What the migration leaves for a step that was waiting: the SHA-256 of its old random token.
    const legacy = randomBytes(32).toString('hex');
    await ctx.db.dataSource.query(
      `UPDATE enrichment_steps SET callback_token_sha256 = encode(sha256(convert_to($1, 'UTF8')), 'hex') WHERE id = $2`,
      [legacy, step.id],
    );
    const body = JSON.stringify({ data: [], meta: { task_hash: `legacy-${legacy.slice(0, 8)}` } });
    const answer = await post(`${ctx.stack.receiverUrl}/webhooks/snov/${legacy}`, body);
    // The step is settled: the callback is recorded for it, without its body.
    expect(answer).toMatchObject({ status: 202, body: { status: 'late' } });
    const event = await ctx.db.dataSource
      .getRepository(WebhookEvent)
      .findOneByOrFail({ id: String(answer.body.id) });
    expect(event).toMatchObject({ stepId: step.id, status: 'late', body: '' });
    // Its digest is no token: sent as one, it is refused.
    const digest = createHash('sha256').update(legacy).digest('hex');
    expect((await post(`${ctx.stack.receiverUrl}/webhooks/snov/${digest}`, body)).status).toBe(401);
  });

  it('checks RocketReach’s signature over the raw body; a signed event for no known task is recorded without its body and flagged', async () => {
    const raw = '{"id": 987654321, "status": "complete", "name": "Nobody Known"}';
    const forged = await post(`${ctx.stack.receiverUrl}/webhooks/rocketreach`, raw, {
      'x-rocketreach-signature': createHmac('sha256', 'wrong-secret').update(raw).digest('base64'),
    });
    expect(forged.status).toBe(401);
    const signature = createHmac('sha256', 'sandbox-rocketreach-webhook-secret').update(raw).digest('base64');
    // The same JSON re-serialised is not what was signed.
    const reserialised = await post(
      `${ctx.stack.receiverUrl}/webhooks/rocketreach`,
      JSON.stringify(JSON.parse(raw)),
      { 'x-rocketreach-signature': signature },
    );
    expect(reserialised.status).toBe(401);
    const signed = await post(`${ctx.stack.receiverUrl}/webhooks/rocketreach`, raw, {
      'x-rocketreach-signature': signature,
      'rr-request-id': 'rr-test-1',
    });
    expect(signed).toMatchObject({ status: 202, body: { status: 'unmatched' } });
    const stored = await ctx.db.dataSource
      .getRepository(WebhookEvent)
      .findOneByOrFail({ id: signed.body.id as string });
    // Never applied, and it may name anybody: what identifies it is kept, not what it says.
    expect(stored).toMatchObject({ provider: 'rocketreach', status: 'unmatched', stepId: null, body: '' });
    expect(stored.summary).toEqual({
      bytes: Buffer.byteLength(raw),
      sha256: createHash('sha256').update(raw).digest('hex'),
      profiles: [{ id: 987654321, status: 'complete', profileListId: null }],
    });
    expect(JSON.stringify(stored)).not.toContain('Nobody Known');
    expect(stored.headers).toMatchObject({ 'rr-request-id': 'rr-test-1' });
  });

  it('accepts the sandbox’s own delivery of a single RocketReach lookup, profile_list and all, and keeps the list', async () => {
    const sandbox = ctx.stack.sandboxUrl;
    await call(sandbox, 'PUT', '/_sandbox/providers/rocketreach/webhook', {
      body: {
        url: `${ctx.stack.receiverUrl}/webhooks/rocketreach`,
        secret: 'sandbox-rocketreach-webhook-secret',
      },
    });
    try {
      await sandboxPatch(sandbox, 'rocketreach', { task_delay_ms: 100 });
      // A lookup that starts searching is finished later and delivered to the account's webhook. A
      // key of its own: RocketReach's limits are per key, and the worker uses the platform's.
      let lookup: { id: number; requestId: string } | undefined;
      for (const person of world.filter((p) => p.emails.rocketreach)) {
        const answer = await fetch(
          `${sandbox}/rocketreach/api/v2/person/lookup?linkedin_url=${encodeURIComponent(person.linkedin_url)}`,
          { headers: { 'api-key': 'sandbox-webhook-test-key' } },
        );
        const profile = (await answer.json()) as { id: number; status: string };
        if (profile.status === 'searching') {
          lookup = { id: profile.id, requestId: answer.headers.get('rr-request-id') as string };
          break;
        }
      }
      expect(lookup).toBeDefined();
      const delivered = await eventually(
        async () =>
          (await call<Delivery[]>(sandbox, 'GET', '/_sandbox/providers/rocketreach/webhooks')).body.find(
            (d) => d.task_id === String(lookup!.id),
          ),
        { what: 'the sandbox to deliver the lookup', timeoutMs: 30_000 },
      );
      expect(delivered.status).toBe(202);
      const [stored] = await ctx.db.dataSource.query<{ summary: WebhookEvent['summary'] }[]>(
        `SELECT summary FROM webhook_events WHERE provider = 'rocketreach' AND headers->>'rr-request-id' = $1`,
        [lookup!.requestId],
      );
      // No step waits for it (the lookup was not Sluice's), so only what identifies it is kept.
      expect(stored.summary?.profiles).toEqual([
        { id: lookup!.id, status: 'complete', profileListId: expect.any(Number) as unknown },
      ]);
    } finally {
      await call(sandbox, 'PUT', '/_sandbox/providers/rocketreach/webhook', { body: {} });
    }
  });

  it('wakes the steps of every workspace waiting on one RocketReach profile, filing the event under none of them', async () => {
    const sandbox = ctx.stack.sandboxUrl;
    const admin = (path: string) => call(ctx.stack.gatewayUrl, 'POST', path, { token: TEST_ADMIN_TOKEN });
    await call(sandbox, 'PUT', '/_sandbox/providers/rocketreach/webhook', {
      body: {
        url: `${ctx.stack.receiverUrl}/webhooks/rocketreach`,
        secret: 'sandbox-rocketreach-webhook-secret',
      },
    });
    // Profiles from RocketReach alone: Apollo, which answers at once, is paused.
    expect((await admin('/v1/admin/providers/apollo/pause')).status).toBe(200);
    try {
      await sandboxPatch(sandbox, 'rocketreach', { task_delay_ms: 6000 });
      // Someone whose lookup RocketReach works on (its task started by another client of the account),
      // so that both workspaces' lookups find it searching and wait for the one callback.
      let person: WorldPerson | undefined;
      for (const candidate of world.filter((p) => p.emails.rocketreach)) {
        const answer = await fetch(
          `${sandbox}/rocketreach/api/v2/person/lookup?linkedin_url=${encodeURIComponent(candidate.linkedin_url)}`,
          { headers: { 'api-key': 'sandbox-webhook-test-key' } },
        );
        if (((await answer.json()) as { status: string }).status === 'searching') {
          person = candidate;
          break;
        }
      }
      expect(person).toBeDefined();
      const workspaces = await Promise.all(
        ['Profile One', 'Profile Two'].map(
          async (name) => (await createWorkspace(ctx.stack.gatewayUrl, name)).apiKey,
        ),
      );
      const ids = await Promise.all(
        workspaces.map((key) =>
          enqueue(ctx.stack, key, { type: 'person.profile', input: { linkedin_url: person!.linkedin_url } }),
        ),
      );
      // Polls come every 120 s here: only the callback can finish both within the wait.
      const views = await Promise.all(ids.map((id, i) => finished(ctx.stack, workspaces[i], id, 30_000)));
      expect(views.map((view) => view.status)).toEqual(['completed', 'completed']);
      expect(views.map((view) => view.steps.find((step) => step.provider === 'rocketreach')?.state)).toEqual([
        'completed',
        'completed',
      ]);
      const events = await ctx.db.dataSource.query<{ workspace_id: string | null; step_id: string }[]>(
        `SELECT e.workspace_id, e.step_id FROM webhook_events e JOIN enrichment_steps s ON s.id = e.step_id
          WHERE e.provider = 'rocketreach' AND s.request_id = ANY($1)`,
        [ids],
      );
      // One callback for the profile, of neither workspace alone: either one's erasure reaches it.
      expect(events).toHaveLength(1);
      expect(events[0].workspace_id).toBeNull();
    } finally {
      await call(sandbox, 'PUT', '/_sandbox/providers/rocketreach/webhook', { body: {} });
      await sandboxPatch(sandbox, 'rocketreach', { task_delay_ms: 0 });
      expect((await admin('/v1/admin/providers/apollo/resume')).status).toBe(200);
    }
  });

  it('stores an event whose provider id is longer than an index entry holds, and knows its retry', async () => {
    // A 6,000-character RR-Request-ID (random: PostgreSQL compresses a repetitive one to fit) failed
    // the insert into the unique (provider, event id) index with a 500, and so did every retry.
    const raw = '{"id": 123456789, "status": "complete"}';
    const headers = {
      'x-rocketreach-signature': createHmac('sha256', 'sandbox-rocketreach-webhook-secret')
        .update(raw)
        .digest('base64'),
      'rr-request-id': randomBytes(3000).toString('hex'),
    };
    const first = await post(`${ctx.stack.receiverUrl}/webhooks/rocketreach`, raw, headers);
    expect(first).toMatchObject({ status: 202, body: { status: 'unmatched' } });
    const again = await post(`${ctx.stack.receiverUrl}/webhooks/rocketreach`, raw, headers);
    expect(again).toMatchObject({ status: 202, body: { status: 'duplicate', id: first.body.id } });
  });

  it('answers a body over the limit with 413 and a malformed one with 400', async () => {
    const big = JSON.stringify({ pad: 'x'.repeat(300 * 1024) });
    expect((await post(`${ctx.stack.receiverUrl}/webhooks/rocketreach`, big)).status).toBe(413);
    expect((await post(`${ctx.stack.receiverUrl}/webhooks/rocketreach`, '{"id": ')).status).toBe(400);
  });
});

describe('provider callbacks on a deployment without SLUICE_ENCRYPTION_KEY', () => {
  let ctx: Awaited<ReturnType<typeof setUp>>;

  beforeAll(async () => {
    ctx = await setUp({ SLUICE_ENCRYPTION_KEY: '', ASYNC_POLL_INTERVAL_MS: '120000' });
  });
  afterAll(() => tearDown(ctx));

  it('signs tokens with a key the worker and the receiver share through Redis, and a callback completes the step', async () => {
    // Only the callback can finish the step in time: the next poll is two minutes away.
    const { person, id, view } = await snovSearch(ctx, 'Keyless Co');
    expect(view.result?.email).toMatchObject({ email: person.email, source: 'snov' });
    const step = await ctx.db.dataSource
      .getRepository(EnrichmentStep)
      .findOneByOrFail({ requestId: id, provider: 'snov' });
    const redis = ctx.stack.worker?.get(PipelineGuards).redis;
    const key = await redis?.get(callbackTokenKeyName(ctx.prefix));
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    const token = new CallbackTokens(Buffer.from(key ?? '', 'hex')).tokenFor(step.id);
    const deliveries = (
      await call<Delivery[]>(ctx.stack.sandboxUrl, 'GET', '/_sandbox/providers/snov/webhooks')
    ).body;
    expect(deliveries.map((d) => [d.url.split('/').pop(), d.status])).toEqual([[token, 202]]);
  });
});

describe('a provider callback that never arrives', () => {
  let ctx: Awaited<ReturnType<typeof setUp>>;

  beforeAll(async () => {
    // Providers are told to call back where nothing listens: only polling can finish the work.
    ctx = await setUp({
      WEBHOOK_PUBLIC_URL: 'http://127.0.0.1:9',
      ASYNC_POLL_INTERVAL_MS: '200',
      ASYNC_DEADLINE_MS: '2000',
    });
  });
  afterAll(() => tearDown(ctx));

  it('is made up for by polling the provider, which completes the task', async () => {
    const { person, view } = await snovSearch(ctx, 'Deaf Co');
    expect(view.result?.email).toMatchObject({ email: person.email, source: 'snov' });
    const deliveries = (
      await call<Delivery[]>(ctx.stack.sandboxUrl, 'GET', '/_sandbox/providers/snov/webhooks')
    ).body;
    expect(deliveries.length).toBeGreaterThan(0);
    expect(deliveries.every((d) => d.status === null)).toBe(true); // never reached anyone
    expect(await ctx.db.dataSource.getRepository(WebhookEvent).count()).toBe(0);
  });

  it('fails a task that never finishes at its deadline, with the reason, charging what it reserved', async () => {
    const apiKey = (await createWorkspace(ctx.stack.gatewayUrl, 'Patient Co')).apiKey;
    await sandboxPatch(ctx.stack.sandboxUrl, 'snov', { task_delay_ms: 60_000 });
    const person = (await people(ctx.stack.sandboxUrl)).find(
      (p) => p.emails.snov === p.email && p.emails.apollo === p.email,
    ) as WorldPerson;
    const id = await enqueue(ctx.stack, apiKey, { type: 'person.email', input: personInput(person) });
    const view = await finished(ctx.stack, apiKey, id, 20_000);
    const snov = view.steps.find((s) => s.provider === 'snov');
    // Snov.io may still finish the search and charge for it: that is counted, not left out.
    expect(snov).toMatchObject({ state: 'failed', reason: 'timeout', credits: 1 });
    expect(snov?.error).toMatch(/may still finish and charge, so it counts as charged/);
    // The waterfall moved on to the next provider.
    expect(view.result?.email).toMatchObject({ email: person.email, source: 'apollo' });
    const guards = (ctx.stack.worker as INestApplication).get(PipelineGuards);
    expect((await guards.wallet.snapshot('snov')).reserved).toBe(0);
    const ledger = await ctx.db.dataSource.getRepository(CreditLedgerEntry).findBy({ requestId: id });
    expect(ledger.map((row) => [row.provider, Number(row.credits)]).sort()).toEqual([
      ['apollo', 1],
      ['snov', 1],
    ]);
  });

  it('fails a task whose provider keeps failing every poll at its deadline, instead of polling forever', async () => {
    const apiKey = (await createWorkspace(ctx.stack.gatewayUrl, 'Outage Co')).apiKey;
    await sandboxPatch(ctx.stack.sandboxUrl, 'snov', { task_delay_ms: 60_000, outage: false });
    const person = (await people(ctx.stack.sandboxUrl)).find(
      (p) => p.emails.snov === p.email && p.emails.apollo === p.email,
    ) as WorldPerson;
    const id = await enqueue(ctx.stack, apiKey, { type: 'person.email', input: personInput(person) });
    const steps = ctx.db.dataSource.getRepository(EnrichmentStep);
    // Started (the task is Snov.io's now), then every poll of it answers 503: retryable, each time.
    await eventually(
      async () => (await steps.findOneBy({ requestId: id, provider: 'snov' }))?.providerTaskId,
      {
        timeoutMs: 30_000,
      },
    );
    await sandboxPatch(ctx.stack.sandboxUrl, 'snov', { outage: true });
    try {
      const view = await finished(ctx.stack, apiKey, id, 20_000);
      expect(view.steps.find((s) => s.provider === 'snov')).toMatchObject({
        state: 'failed',
        reason: 'timeout',
        credits: 1,
      });
      expect(view.result?.email).toMatchObject({ email: person.email, source: 'apollo' });
      const guards = (ctx.stack.worker as INestApplication).get(PipelineGuards);
      expect((await guards.wallet.snapshot('snov')).reserved).toBe(0);
    } finally {
      await sandboxPatch(ctx.stack.sandboxUrl, 'snov', { outage: false });
    }
  });

  it('counts a cancelled task that never calls back as charged at its deadline, and releases its hold', async () => {
    const apiKey = (await createWorkspace(ctx.stack.gatewayUrl, 'Cancelled Patient Co')).apiKey;
    await sandboxPatch(ctx.stack.sandboxUrl, 'snov', { task_delay_ms: 60_000, outage: false });
    const person = (await people(ctx.stack.sandboxUrl)).find((p) => p.emails.snov === p.email) as WorldPerson;
    const id = await enqueue(ctx.stack, apiKey, { type: 'person.email', input: personInput(person) });
    const steps = ctx.db.dataSource.getRepository(EnrichmentStep);
    await eventually(
      async () => (await steps.findOneBy({ requestId: id, provider: 'snov' }))?.providerTaskId,
      { timeoutMs: 30_000, what: 'the Snov.io search started' },
    );
    const cancelled = await call<{ status: string }>(ctx.stack.gatewayUrl, 'POST', `/v1/jobs/${id}/cancel`, {
      token: apiKey,
    });
    expect(cancelled.body.status).toBe('cancelled');
    // Snov.io never calls back (nothing listens) and is not asked: at the deadline the search it
    // may still finish and charge for counts as charged, on the skipped step and in the ledger.
    const ledger = await eventually(
      async () => {
        const rows = await ctx.db.dataSource.getRepository(CreditLedgerEntry).findBy({ requestId: id });
        return rows.length > 0 ? rows : undefined;
      },
      { timeoutMs: 15_000, what: 'the charge at the deadline' },
    );
    expect(ledger.map((row) => [row.provider, Number(row.credits)])).toEqual([['snov', 1]]);
    const step = await steps.findOneByOrFail({ requestId: id, provider: 'snov' });
    expect(step).toMatchObject({ state: 'skipped', reason: 'cancelled' });
    expect(Number(step.credits)).toBe(1);
    const guards = (ctx.stack.worker as INestApplication).get(PipelineGuards);
    await eventually(async () => ((await guards.wallet.snapshot('snov')).reserved === 0 ? true : undefined), {
      timeoutMs: 20_000,
      what: 'the reservation released',
    });
    expect((await steps.findBy({ requestId: id })).map((s) => s.provider)).toEqual(['snov']);
  });
});

describe('RocketReach callbacks with the real RocketReach and no webhook secret of its own', () => {
  let ctx: Awaited<ReturnType<typeof setUp>>;

  beforeAll(async () => {
    // The base URL is RocketReach's own (nothing calls it here: no worker, no jobs).
    ctx = await setUp({ ROCKETREACH_BASE_URL: 'https://api.rocketreach.co/api/v2' }, { worker: false });
  });
  afterAll(() => tearDown(ctx));

  it('are refused, not checked against the sandbox’s secret that anybody can read', async () => {
    const raw = '{"id": 987654321, "status": "complete", "name": "Forged Person"}';
    const signature = createHmac('sha256', 'sandbox-rocketreach-webhook-secret').update(raw).digest('base64');
    const answer = await post(`${ctx.stack.receiverUrl}/webhooks/rocketreach`, raw, {
      'x-rocketreach-signature': signature,
    });
    expect(answer.status).toBe(503);
    expect(answer.body.message).toMatch(/ROCKETREACH_WEBHOOK_SECRET is not set/);
    expect(await ctx.db.dataSource.getRepository(WebhookEvent).count()).toBe(0);
  });
});
