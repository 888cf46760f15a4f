import { createHash, createHmac } from 'node:crypto';
import { CreditLedgerEntry, EnrichmentStep, WebhookEvent } from '@sluice/db';
import { CallbackTokens, planJobOptions } from '@sluice/queue';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { JobsService } from '../../apps/gateway/src/jobs/jobs.service';
import type { JobView as GatewayJobView } from '../../apps/gateway/src/jobs/job-view';
import { type ApiAnswer, call, createWorkspace } from '../support/api';
import type { TestDatabase } from '../support/database';
import { requireEnv } from '../support/database';
import {
  calls,
  cancelOnceSnovSearched,
  enqueue,
  finished,
  job,
  onlyRocketReachFinds,
  paidCalls,
  people,
  personInput,
  sandboxPatch,
  setUp,
  tearDown,
  type JobView,
} from '../support/pipeline';
import type { Stack } from '../support/stack';
import { mentionsInDatabase, mentionsInRedis } from '../support/mentions';
import { eventually } from '../support/wait';

const PROVIDERS = [
  'companies-house',
  'snov',
  'rocketreach',
  'apollo',
  'serper',
  'orion-connect',
  'astra-dialer',
  'nimbus-lookup',
  'email-verifier',
];

interface ErasureAnswer {
  erased: Record<string, number>;
  suppressed: { kind: string }[];
}

/** Every sandbox call so far, all providers together. */
const sandboxTotal = async (sandboxUrl: string): Promise<number> =>
  (await Promise.all(PROVIDERS.map((provider) => calls(sandboxUrl, provider)))).reduce(
    (sum, counts) => sum + counts.total,
    0,
  );

describe('erasure and suppression', () => {
  let ctx: { stack: Stack; db: TestDatabase; prefix: string } | undefined;
  let redis: Redis | undefined;
  let queue: Queue | undefined;

  afterEach(async () => {
    await queue?.close();
    redis?.disconnect();
    await tearDown(ctx);
    ctx = undefined;
  });

  /**
   * A stack whose only e-mail finder is `finder` (the others switched off), and a workspace that has
   * erased a person `finder` knows by e-mail: the request then names them only by name.
   */
  const erasedForFinder = async (finder: 'snov' | 'apollo', workspace: string) => {
    const others = ['snov', 'apollo', 'rocketreach'].filter((provider) => provider !== finder);
    ctx = await setUp({
      PROVIDER_OVERRIDES: JSON.stringify(Object.fromEntries(others.map((p) => [p, { enabled: false }]))),
    });
    const { stack } = ctx;
    redis = new Redis(requireEnv('REDIS_URL'), { maxRetriesPerRequest: null });
    const { apiKey } = await createWorkspace(stack.gatewayUrl, workspace);
    const person = (await people(stack.sandboxUrl)).find((p) => p.emails[finder] === p.email);
    expect(person).toBeDefined();
    const subject = person as NonNullable<typeof person>;
    const email = subject.email.toLowerCase();
    const erased = await call(stack.gatewayUrl, 'DELETE', `/v1/persons?email=${encodeURIComponent(email)}`, {
      token: apiKey,
    });
    expect(erased.status).toBe(200);
    return { ...ctx, redis, apiKey, subject, email };
  };

  it('keeps nothing of an answer naming an erased person who was asked for by name, and asks no further', async () => {
    ctx = await setUp({});
    const { stack, db, prefix } = ctx;
    redis = new Redis(requireEnv('REDIS_URL'), { maxRetriesPerRequest: null });
    const { apiKey } = await createWorkspace(stack.gatewayUrl, 'Erased By Name Co');
    // Apollo (synchronous) finds them; Snov.io, asked first, does not know them.
    const subject = (await people(stack.sandboxUrl)).find(
      (p) => !p.emails.snov && p.emails.apollo === p.email,
    );
    expect(subject).toBeDefined();
    const email = String(subject?.email).toLowerCase();
    const erased = await call(stack.gatewayUrl, 'DELETE', `/v1/persons?email=${encodeURIComponent(email)}`, {
      token: apiKey,
    });
    expect(erased.status).toBe(200);
    // Asked for by name and domain: nothing in the request names the erased e-mail.
    const view = await finished(
      stack,
      apiKey,
      await enqueue(stack, apiKey, {
        type: 'person.email',
        input: personInput(subject as NonNullable<typeof subject>),
        options: { verify: true },
      }),
      30_000,
    );
    expect(view.status).toBe('completed');
    expect(view.steps.map((s) => [s.provider, s.state, s.reason, Number(s.credits)])).toEqual([
      ['snov', 'failed', 'not_found', 0],
      ['apollo', 'failed', 'suppressed', 1], // paid for, and recorded
    ]);
    expect(view.result?.unresolved).toEqual([
      { goal: 'email', reason: 'suppressed' },
      { goal: 'verify', reason: 'suppressed' },
    ]);
    expect(JSON.stringify(view).toLowerCase()).not.toContain(email);
    expect(await mentionsInDatabase(db, email)).toEqual({});
    expect(await mentionsInRedis(redis, prefix, email)).toEqual([]);
  });

  it('erases a person first enriched through a batch record that named them only by name', async () => {
    ctx = await setUp({});
    const { stack, db, prefix } = ctx;
    redis = new Redis(requireEnv('REDIS_URL'), { maxRetriesPerRequest: null });
    const { apiKey } = await createWorkspace(stack.gatewayUrl, 'Batch By Name Co');
    const subject = (await people(stack.sandboxUrl)).find(
      (p) => !p.emails.snov && p.emails.apollo === p.email,
    ) as NonNullable<Awaited<ReturnType<typeof people>>[number]>;
    const email = subject.email.toLowerCase();
    // The record names them by name and domain; the job's result names their e-mail.
    const created = await call<{ batch: { id: string }; accepted: { job_id: string }[] }>(
      stack.gatewayUrl,
      'POST',
      '/v1/batches',
      {
        token: apiKey,
        body: {
          name: 'By name',
          records: [{ ...personInput(subject), external_id: 'by-name-1' }],
          enrich: ['business_email'],
        },
      },
    );
    expect(created.status).toBe(201);
    const [accepted] = created.body.accepted;
    const view = await finished(stack, apiKey, String(accepted?.job_id), 30_000);
    expect(JSON.stringify(view.result).toLowerCase()).toContain(email);
    // A provider's callback for one of its steps, whose body names them by none of the identifiers
    // erased (as an Apollo phone reveal: Apollo's id and the numbers found).
    const [apolloStep] = await db.dataSource.query<{ id: string }[]>(
      `SELECT id FROM enrichment_steps WHERE request_id = $1 AND provider = 'apollo'`,
      [accepted?.job_id],
    );
    await db.dataSource.query(
      `INSERT INTO webhook_events (provider, event_id, step_id, workspace_id, status, headers, body)
       VALUES ('apollo', 'reveal-by-name-1', $1, (SELECT workspace_id FROM enrichment_steps WHERE id = $1),
               'processed', '{}'::jsonb, '{"people":[{"id":"5f1","phone_numbers":[{"raw_number":"+447700900123"}]}]}')`,
      [apolloStep?.id],
    );
    // Before, its request could not go (its batch record, which does not name them, held it by
    // its foreign key): 500, everything rolled back, and every retry the same.
    const erased = await call<{ erased: Record<string, number> }>(
      stack.gatewayUrl,
      'DELETE',
      `/v1/persons?email=${encodeURIComponent(email)}`,
      { token: apiKey },
    );
    expect(erased.status).toBe(200);
    expect(erased.body.erased).toMatchObject({ batch_records: 1 });
    // The steps' callbacks went with them: that one, and Snov.io's for its search by name.
    expect(erased.body.erased.webhook_events).toBeGreaterThanOrEqual(1);
    expect(await mentionsInDatabase(db, '+447700900123')).toEqual({});
    expect(
      await db.dataSource.query(`SELECT id FROM webhook_events WHERE step_id = $1`, [apolloStep?.id]),
    ).toEqual([]);
    expect(
      (await call(stack.gatewayUrl, 'GET', `/v1/jobs/${accepted?.job_id}`, { token: apiKey })).status,
    ).toBe(404);
    expect(await mentionsInDatabase(db, email)).toEqual({});
    expect(await mentionsInRedis(redis, prefix, email)).toEqual([]);
    const again = await call<{ message: string }>(stack.gatewayUrl, 'POST', '/v1/jobs', {
      token: apiKey,
      body: { type: 'person.profile', input: { email } },
    });
    expect(again.status).toBe(422);
    expect(again.body.message).toContain('suppressed');
  });

  it('keeps nothing of a provider callback that arrives after its step was settled for naming an erased person, and answers it 2xx', async () => {
    // Polling so slow that the provider's callback is what finishes the step.
    ctx = await setUp({ ASYNC_POLL_INTERVAL_MS: '120000' });
    const { stack, db } = ctx;
    await sandboxPatch(stack.sandboxUrl, 'snov', { task_delay_ms: 300 });
    const { apiKey } = await createWorkspace(stack.gatewayUrl, 'Late Callback Co');
    // Snov.io (asynchronous, asked first) finds them.
    const subject = (await people(stack.sandboxUrl)).find((p) => p.emails.snov === p.email);
    expect(subject).toBeDefined();
    const person = subject as NonNullable<typeof subject>;
    const email = String(person.email).toLowerCase();
    const erased = await call(stack.gatewayUrl, 'DELETE', `/v1/persons?email=${encodeURIComponent(email)}`, {
      token: apiKey,
    });
    expect(erased.status).toBe(200);
    const id = await enqueue(stack, apiKey, { type: 'person.email', input: personInput(person) });
    const view = await finished(stack, apiKey, id, 30_000);
    expect(view.steps.map((s) => [s.provider, s.state, s.reason])).toEqual([
      ['snov', 'failed', 'suppressed'],
    ]);
    const step = await db.dataSource
      .getRepository(EnrichmentStep)
      .findOneByOrFail({ requestId: id, provider: 'snov' });
    const url = `${stack.receiverUrl}/webhooks/snov/${new CallbackTokens(
      CallbackTokens.derive(stack.env.SLUICE_ENCRYPTION_KEY ?? ''),
    ).tokenFor(step.id)}`;
    // Snov.io's own delivery came while the step waited; it went with the settlement.
    const deliveries = (
      await call<{ url: string; status: number | null }[]>(
        stack.sandboxUrl,
        'GET',
        '/_sandbox/providers/snov/webhooks',
      )
    ).body.filter((d) => d.url === url);
    expect(deliveries.map((d) => d.status)).toEqual([202]);
    expect(await db.dataSource.getRepository(WebhookEvent).countBy({ stepId: step.id })).toBe(0);

    // The provider delivers the finished task again (a retry), quoting the erased person.
    const body = JSON.stringify({
      status: 'completed',
      data: [
        {
          people: `${person.first_name} ${person.last_name}`,
          result: [{ email: person.email, smtp_status: 'valid', is_valid_format: true }],
        },
      ],
      meta: { task_hash: step.providerTaskId },
    });
    const post = async (): Promise<{ status: number; body: Record<string, unknown> }> => {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    const late = await post();
    expect(late).toMatchObject({ status: 202, body: { status: 'late' } });
    expect(await post()).toMatchObject({ status: 202, body: { status: 'duplicate', id: late.body.id } });
    expect(await mentionsInDatabase(db, email)).toEqual({});
    // The delivery is recorded (without its body) and counted.
    expect(await db.dataSource.getRepository(WebhookEvent).findBy({ stepId: step.id })).toMatchObject([
      { provider: 'snov', status: 'late', body: '' },
    ]);
    const metrics = await (await fetch(`${stack.receiverUrl}/metrics`)).text();
    expect(metrics).toMatch(/sluice_webhook_callbacks_total\{provider="snov",outcome="late"[^}]*\} 1\n/);
    // The step and its job are as the settlement left them.
    expect(await finished(stack, apiKey, id)).toEqual(view);
  });

  it('keeps nothing of the answer a cancelled step collects when it names an erased person, and records its charge', async () => {
    // Snov.io alone finds e-mails here; it calls back (the stack's receiver) when a search is done.
    const { stack, db, prefix, redis, apiKey, subject, email } = await erasedForFinder(
      'snov',
      'Erased After Cancel Co',
    );
    await sandboxPatch(stack.sandboxUrl, 'snov', { credits: 100, task_delay_ms: 1500 });
    // Asked for by name: nothing in the request names the erased e-mail, so the search is paid for.
    const id = await enqueue(stack, apiKey, { type: 'person.email', input: personInput(subject) });
    expect((await cancelOnceSnovSearched(stack, apiKey, id)).status).toBe('cancelled');
    const step = await db.dataSource
      .getRepository(EnrichmentStep)
      .findOneByOrFail({ requestId: id, provider: 'snov' });
    // The collection is over once the charge is recorded and the step's paid answer forgotten.
    const ledger = await eventually(
      async () => {
        const rows = await db.dataSource.getRepository(CreditLedgerEntry).findBy({ requestId: id });
        const pending = await redis?.exists(`${prefix}:pipeline:paid:${step.id}`);
        return rows.length > 0 && pending === 0 ? rows : undefined;
      },
      { timeoutMs: 15_000, what: 'the charge collected' },
    );
    expect(ledger.map((row) => Number(row.credits))).toEqual([1]);
    expect((await job(stack, apiKey, id)).steps.find((s) => s.provider === 'snov')).toMatchObject({
      state: 'skipped',
      reason: 'cancelled',
      credits: 1,
    });
    expect(await mentionsInRedis(redis, prefix, email)).toEqual([]);
    expect(await mentionsInDatabase(db, email)).toEqual({});
    expect(await db.dataSource.getRepository(WebhookEvent).findBy({ stepId: step.id })).toEqual([]);
  });

  it('forgets the paid answer of a call cancelled on the wire when it names an erased person', async () => {
    // Apollo alone finds e-mails here: the step's one call is the one the cancellation races.
    const { stack, db, prefix, redis, apiKey, subject, email } = await erasedForFinder(
      'apollo',
      'Erased On The Wire Co',
    );
    // Slow enough that the cancellation lands while the sandbox holds the call.
    await sandboxPatch(stack.sandboxUrl, 'apollo', { credits: 100, latency_ms: 1500 });
    const id = await enqueue(stack, apiKey, { type: 'person.email', input: personInput(subject) });
    await eventually(
      async () => paidCalls(await calls(stack.sandboxUrl, 'apollo'), 'POST /people/match') === 1 || undefined,
      { what: 'the match call on the wire' },
    );
    const cancelled = await call<JobView>(stack.gatewayUrl, 'POST', `/v1/jobs/${id}/cancel`, {
      token: apiKey,
    });
    expect(cancelled.body.status).toBe('cancelled');
    // The run has ended once its provider call is written (with its settlement, or as the run ends).
    await eventually(
      async () =>
        (
          await db.dataSource.query<{ n: number }[]>(
            'SELECT count(*)::int AS n FROM provider_calls WHERE request_id = $1',
            [id],
          )
        )[0]?.n === 1 || undefined,
      { what: 'the call written' },
    );
    expect((await job(stack, apiKey, id)).steps.find((s) => s.provider === 'apollo')).toMatchObject({
      state: 'skipped',
      reason: 'cancelled',
      credits: 1,
    });
    expect(await mentionsInRedis(redis, prefix, email)).toEqual([]);
    expect(await mentionsInDatabase(db, email)).toEqual({});
  });

  it('keeps nothing of a signed RocketReach delivery for no known lookup that names an erased person', async () => {
    ctx = await setUp({});
    const { stack, db } = ctx;
    const { apiKey } = await createWorkspace(stack.gatewayUrl, 'Erased Unmatched Co');
    const subject = (await people(stack.sandboxUrl))[0];
    const email = subject.email.toLowerCase();
    const linkedin = subject.linkedin_url.toLowerCase();
    const erased = await call(stack.gatewayUrl, 'DELETE', `/v1/persons?email=${encodeURIComponent(email)}`, {
      token: apiKey,
    });
    expect(erased.status).toBe(200);
    // RocketReach delivers a lookup whose step the erasure removed (or any lookup Sluice does not
    // know): a full profile, quoting the person. Its account serves every workspace alike.
    const raw = JSON.stringify({
      id: 40001234,
      status: 'complete',
      name: subject.full_name,
      linkedin_url: subject.linkedin_url,
      current_employer: subject.company_name,
      emails: [{ email: subject.email, smtp_valid: 'valid', type: 'professional' }],
      phones: subject.phone ? [{ number: subject.phone }] : [],
      profile_list: { id: 7, name: 'API Bulk Lookup' },
    });
    const response = await fetch(`${stack.receiverUrl}/webhooks/rocketreach`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'rr-request-id': 'b0a1c2d3-0000-4000-8000-000000000001',
        'x-rocketreach-signature': createHmac('sha256', 'sandbox-rocketreach-webhook-secret')
          .update(raw)
          .digest('base64'),
      },
      body: raw,
    });
    expect(response.status).toBe(202);
    expect(await response.json()).toMatchObject({ status: 'unmatched' });
    // Recorded for ops (what RocketReach sent, about which lookup), without anything of the person.
    expect(await db.dataSource.getRepository(WebhookEvent).findBy({ provider: 'rocketreach' })).toMatchObject(
      [
        {
          status: 'unmatched',
          stepId: null,
          workspaceId: null,
          body: '',
          headers: { 'rr-request-id': 'b0a1c2d3-0000-4000-8000-000000000001' },
          summary: {
            bytes: Buffer.byteLength(raw),
            sha256: createHash('sha256').update(raw).digest('hex'),
            profiles: [{ id: 40001234, status: 'complete', profileListId: 7 }],
          },
        },
      ],
    );
    expect(await mentionsInDatabase(db, email)).toEqual({});
    expect(await mentionsInDatabase(db, linkedin.replace(/^https?:\/\/(www\.)?/, ''))).toEqual({});
    expect(await mentionsInDatabase(db, subject.full_name.toLowerCase())).toEqual({});
  });

  it('caches no real-time answer read before an erasure, nor one read before Redis lost the erasure mark', async () => {
    // Apollo alone finds e-mails here.
    ctx = await setUp({
      PROVIDER_OVERRIDES: JSON.stringify({ snov: { enabled: false }, rocketreach: { enabled: false } }),
    });
    const { stack, prefix } = ctx;
    redis = new Redis(requireEnv('REDIS_URL'), { maxRetriesPerRequest: null });
    const { id: ws, apiKey } = await createWorkspace(stack.gatewayUrl, 'Erased Mid-Answer Co');
    const [subject, bystander] = (await people(stack.sandboxUrl)).filter((p) => p.emails.apollo === p.email);
    expect(bystander).toBeDefined();
    const email = subject.email.toLowerCase();
    const questionOf = (person: typeof subject) => ({
      first_name: person.first_name,
      last_name: person.last_name,
      domain: person.domain,
      enrich: ['business_email'],
    });
    const ask = (person: typeof subject, timeoutMs: number, idempotencyKey?: string) =>
      call<{ cached?: boolean; job_id?: string; data: Record<string, unknown> }>(
        stack.gatewayUrl,
        'POST',
        '/v1/enrich',
        {
          token: apiKey,
          body: { ...questionOf(person), timeout_ms: timeoutMs },
          headers: idempotencyKey ? { 'idempotency-key': idempotencyKey } : {},
        },
      );
    const answersCached = async (): Promise<string[]> => {
      const found: string[] = [];
      let cursor = '0';
      do {
        const [next, keys] = await (redis as Redis).scan(
          cursor,
          'MATCH',
          `${prefix}:enrich:answer:${ws}:*`,
          'COUNT',
          500,
        );
        cursor = next;
        found.push(...keys);
      } while (cursor !== '0');
      return found;
    };
    // The seam: `between` runs once the enrich call has read its finished job, before it caches the
    // answer (the gateway reads a job's view through JobsService.get).
    const jobs = stack.gateway.get(JobsService);
    const get = jobs.get.bind(jobs);
    let between: (() => Promise<void>) | null = null;
    const seam = jest.spyOn(jobs, 'get').mockImplementation(async (...args): Promise<GatewayJobView> => {
      const view = await get(...args);
      const run = between;
      if (run && view.type === 'enrich' && view.status === 'completed') {
        between = null;
        await run();
      }
      return view;
    });
    try {
      // The person is erased while the call holds their answer, read before the erasure.
      between = async () => {
        const erased = await call(
          stack.gatewayUrl,
          'DELETE',
          `/v1/persons?email=${encodeURIComponent(email)}`,
          { token: apiKey },
        );
        expect(erased.status).toBe(200);
      };
      const asked = await ask(subject, 30_000, 'asked-across-the-erasure');
      expect(between).toBeNull();
      // That one answer stands (it was found before the erasure); nothing of it is cached after it.
      expect(asked.status).toBe(200);
      expect(String(asked.body.data.business_email).toLowerCase()).toBe(email);
      expect(await answersCached()).toEqual([]);
      const again = await ask(subject, 0);
      expect(again.body.cached).not.toBe(true);
      // Asked again by name, a new job asks (and pays) the provider; nothing of its answer is kept.
      await finished(stack, apiKey, String(again.body.job_id), 30_000);
      expect(await mentionsInRedis(redis, prefix, email)).toEqual([]);

      // Redis loses the erasure mark (a wipe, say) while a call holds its answer: that call cannot
      // know that no erasure came in between, so it caches nothing either.
      between = async () => {
        expect(await (redis as Redis).del(`${prefix}:enrich:erasure:${ws}`)).toBe(1);
      };
      const unsure = await ask(bystander, 30_000);
      expect(between).toBeNull();
      expect(unsure.status).toBe(200);
      expect(await answersCached()).toEqual([]);
      // Left alone, a call caches its answer, and the next identical question is answered from it.
      expect((await ask(bystander, 30_000)).status).toBe(200);
      expect(await answersCached()).toHaveLength(1);
      expect((await ask(bystander, 0)).body.cached).toBe(true);

      // The first call's answer was not kept for its Idempotency-Key either: a retry with the key
      // runs again (under the suppression) instead of replaying the erased person's address.
      const retried = await ask(subject, 30_000, 'asked-across-the-erasure');
      expect(retried.headers.get('idempotent-replayed')).toBeNull();
      expect(JSON.stringify(retried.body).toLowerCase()).not.toContain(email);
    } finally {
      seam.mockRestore();
    }
  });

  it('erases the numbers and profiles found for a question that named the person, which the store would serve again', async () => {
    ctx = await setUp({});
    const { stack, db } = ctx;
    const { id: ws, apiKey } = await createWorkspace(stack.gatewayUrl, 'Phone Erasure Co');
    const subject = (await people(stack.sandboxUrl)).find((p) => p.phones['orion-connect']);
    expect(subject).toBeDefined();
    const person = subject as NonNullable<typeof subject>;
    const email = person.email.toLowerCase();
    const asked = await finished(
      stack,
      apiKey,
      await enqueue(stack, apiKey, { type: 'person.phone', input: { ...personInput(person), email } }),
      30_000,
    );
    const phones = asked.result?.phones as unknown[];
    expect(phones).toEqual(
      expect.arrayContaining([expect.objectContaining({ number: person.phones['orion-connect'] })]),
    );
    // Stored under the question (a hash of its identifiers): the row names nobody.
    const stored = async (): Promise<number> =>
      (
        await db.dataSource.query<{ n: number }[]>(
          `SELECT count(*)::int AS n FROM person_phones WHERE workspace_id = $1`,
          [ws],
        )
      )[0].n;
    expect(await stored()).toBe(phones.length);
    const erased = await call<ErasureAnswer>(
      stack.gatewayUrl,
      'DELETE',
      `/v1/persons?email=${encodeURIComponent(email)}`,
      { token: apiKey },
    );
    expect(erased.status).toBe(200);
    expect(erased.body.erased.person_phones).toBe(phones.length);
    expect(await stored()).toBe(0);

    // Numbers an e-mail lookup revealed with the address (stored for phone questions) go too.
    const revealing = (await people(stack.sandboxUrl)).find(onlyRocketReachFinds('valid'));
    expect(revealing).toBeDefined();
    const other = revealing as NonNullable<typeof revealing>;
    const found = await finished(
      stack,
      apiKey,
      await enqueue(stack, apiKey, { type: 'person.email', input: personInput(other) }),
      30_000,
    );
    expect(found.result?.email).toMatchObject({ source: 'rocketreach' });
    expect(await stored()).toBe(1);
    // And so does the profile the lookup returned with it (stored for profile questions), ...
    const profiles = async (): Promise<number> =>
      (
        await db.dataSource.query<{ n: number }[]>(
          `SELECT count(*)::int AS n FROM person_profiles WHERE workspace_id = $1`,
          [ws],
        )
      )[0].n;
    expect(await profiles()).toBe(1);
    // ...and a profile looked up by another question (their LinkedIn URL: the profile is stored
    // under the question), with the number it carried.
    const profiled = await finished(
      stack,
      apiKey,
      await enqueue(stack, apiKey, { type: 'person.profile', input: { linkedin_url: other.linkedin_url } }),
      30_000,
    );
    expect(profiled.result?.person).toBeDefined();
    expect(profiled.result?.credits_spent).toBe(1);
    expect(await profiles()).toBe(2);
    expect(await stored()).toBe(2);
    // ...and a verifier's verdict on the address (stored for verification questions).
    const verified = await finished(
      stack,
      apiKey,
      await enqueue(stack, apiKey, { type: 'email.verify', input: { email: other.email } }),
      30_000,
    );
    expect(verified.result?.verification).toMatchObject({ source: 'email-verifier' });
    const verifications = async (): Promise<number> =>
      (
        await db.dataSource.query<{ n: number }[]>(
          `SELECT count(*)::int AS n FROM email_verifications WHERE workspace_id = $1`,
          [ws],
        )
      )[0].n;
    expect(await verifications()).toBe(1);
    const again = await call<ErasureAnswer>(
      stack.gatewayUrl,
      'DELETE',
      `/v1/persons?email=${encodeURIComponent(other.email.toLowerCase())}`,
      { token: apiKey },
    );
    expect(again.status).toBe(200);
    expect(again.body.erased).toMatchObject({ person_phones: 2, person_profiles: 2, email_verifications: 1 });
    expect(await stored()).toBe(0);
    expect(await profiles()).toBe(0);
    expect(await verifications()).toBe(0);
  });

  it('erases a person from every table, payload and cache, and refuses them afterwards at no cost', async () => {
    ctx = await setUp({});
    const { stack, db, prefix } = ctx;
    redis = new Redis(requireEnv('REDIS_URL'), { maxRetriesPerRequest: null });
    const { id: ws, apiKey } = await createWorkspace(stack.gatewayUrl, 'Erasure Co');
    const world = (await people(stack.sandboxUrl)).filter((p) => p.emails.apollo);
    const [subject, bystander] = world;

    // The subject is looked up twice (found by name, then profiled by e-mail); a bystander once.
    const found = await finished(
      stack,
      apiKey,
      await enqueue(stack, apiKey, { type: 'person.email', input: personInput(subject) }),
      30_000,
    );
    expect(found.status).toBe('completed');
    const email = String((found.result?.email as { email?: unknown }).email).toLowerCase();
    expect(email).toContain('@');
    const profiled: JobView = await finished(
      stack,
      apiKey,
      await enqueue(stack, apiKey, { type: 'person.profile', input: { email } }),
      30_000,
    );
    expect(['completed', 'failed']).toContain(profiled.status);
    const other = await finished(
      stack,
      apiKey,
      await enqueue(stack, apiKey, { type: 'person.email', input: personInput(bystander) }),
      30_000,
    );
    expect(other.status).toBe('completed');
    const otherEmail = String((other.result?.email as { email?: unknown }).email).toLowerCase();
    expect(otherEmail).not.toBe(email);
    // A provider callback quoting the subject, as an asynchronous provider would send it.
    await db.dataSource.query(
      `INSERT INTO webhook_events (provider, event_id, workspace_id, status, headers, body)
       VALUES ('nimbus-lookup', 'evt-erasure', $1, 'processed', '{}', $2)`,
      [ws, JSON.stringify({ result: { email: email.toUpperCase() } })],
    );

    // A real-time answer about the subject, asked by name: cached, and it quotes their e-mail.
    const question = {
      first_name: subject.first_name,
      last_name: subject.last_name,
      domain: subject.domain,
      enrich: ['business_email'],
    };
    // Asked with an Idempotency-Key: its answer is kept (sealed, as the stack sets an encryption
    // key) for a replay.
    const askedOnce = (): Promise<ApiAnswer<{ cached: boolean; data: Record<string, unknown> }>> =>
      call(stack.gatewayUrl, 'POST', '/v1/enrich', {
        token: apiKey,
        body: { ...question, timeout_ms: 30_000 },
        headers: { 'idempotency-key': 'erasure-enrich-1' },
      });
    const asked = await askedOnce();
    expect(asked.status).toBe(200);
    expect(String(asked.body.data.business_email).toLowerCase()).toBe(email);
    const replayed = await askedOnce();
    expect(replayed.headers.get('idempotent-replayed')).toBe('true');
    expect(String(replayed.body.data.business_email).toLowerCase()).toBe(email);
    const again = await call<{ cached: boolean }>(stack.gatewayUrl, 'POST', '/v1/enrich', {
      token: apiKey,
      body: question,
    });
    expect(again.body.cached).toBe(true);

    // Someone else whose address merely contains the subject's: not the subject, so it stays.
    const nearMiss = `j${email}`;
    await db.dataSource.query(
      `INSERT INTO persons (workspace_id, email, fetched_at) VALUES ($1, $2, now())`,
      [ws, nearMiss],
    );

    // The answer a run paid for and had not settled when it stopped (a worker killed between the
    // provider's answer and the settlement), kept for its retry.
    const [profiledStep] = await db.dataSource
      .getRepository(EnrichmentStep)
      .find({ where: { requestId: profiled.id }, order: { seq: 'ASC' } });
    expect(profiledStep).toBeDefined();
    await redis.set(
      `${prefix}:pipeline:paid:${profiledStep.id}`,
      JSON.stringify({ status: 'hit', output: { email }, credits: 1 }),
      'EX',
      3600,
    );

    // Before: the subject is in several tables and in the pipeline's cache.
    const before = await mentionsInDatabase(db, email);
    expect(Object.keys(before)).toEqual(
      expect.arrayContaining(['persons.email', 'enrichment_requests.input', 'webhook_events.body']),
    );
    expect((await mentionsInRedis(redis, prefix, email)).length).toBeGreaterThan(0);

    // Only a key with the admin scope may erase; the identifier is checked.
    const bad = await call(stack.gatewayUrl, 'DELETE', '/v1/persons?email=not-an-email', { token: apiKey });
    expect(bad.status).toBe(400);
    const both = await call(stack.gatewayUrl, 'DELETE', `/v1/persons?email=${email}&linkedin_url=x`, {
      token: apiKey,
    });
    expect(both.status).toBe(400);

    const erased = await call<ErasureAnswer>(
      stack.gatewayUrl,
      'DELETE',
      `/v1/persons?email=${encodeURIComponent(`  ${email.toUpperCase()} `)}`,
      { token: apiKey },
    );
    expect(erased.status).toBe(200);
    expect(erased.body.erased.persons).toBe(1);
    expect(erased.body.erased.enrichment_requests).toBeGreaterThanOrEqual(2);
    expect(erased.body.erased.enrichment_steps).toBeGreaterThanOrEqual(2);
    expect(erased.body.erased.webhook_events).toBeGreaterThanOrEqual(1);
    expect(erased.body.erased.redis_cache_entries).toBeGreaterThan(0);
    // PostgreSQL's copy of the answer kept for the Idempotency-Key (sealed: found once opened).
    expect(erased.body.erased.idempotency_answers).toBe(1);
    expect(erased.body.suppressed).toContainEqual({ kind: 'email' });

    expect(
      await db.dataSource.query('SELECT count(*)::int AS n FROM persons WHERE email = $1', [nearMiss]),
    ).toEqual([{ n: 1 }]);
    await db.dataSource.query('DELETE FROM persons WHERE email = $1', [nearMiss]);

    // After: no column of any table and no Redis key or value holds the e-mail.
    expect(await mentionsInDatabase(db, email)).toEqual({});
    expect(await mentionsInRedis(redis, prefix, email)).toEqual([]);
    // The real-time answer asked by name is gone too: the same question is not answered from the cache.
    const afterwards = await call<{ cached?: boolean; job_id: string }>(
      stack.gatewayUrl,
      'POST',
      '/v1/enrich',
      {
        token: apiKey,
        body: { ...question, timeout_ms: 0 },
      },
    );
    expect(afterwards.body.cached).not.toBe(true);
    // Asked by name, nothing in the question names the erased e-mail, so a provider is asked (and
    // paid) again; its answer names the erased person, and nothing of it is kept or returned.
    const rerun = await finished(stack, apiKey, afterwards.body.job_id, 30_000);
    expect(rerun.steps.map((step) => step.reason)).toContain('suppressed');
    expect(JSON.stringify(rerun).toLowerCase()).not.toContain(email);
    // The answer kept for the Idempotency-Key is gone too: the same key runs the question again
    // rather than replaying the erased person's address.
    const retried = await askedOnce();
    expect(retried.headers.get('idempotent-replayed')).toBeNull();
    expect(JSON.stringify(retried.body).toLowerCase()).not.toContain(email);
    expect(await mentionsInDatabase(db, email)).toEqual({});
    expect(await mentionsInRedis(redis, prefix, email)).toEqual([]);
    // The suppression holds only the hash of the normalised e-mail.
    const hash = createHash('sha256').update(email).digest('hex');
    expect(
      await db.dataSource.query(
        `SELECT kind FROM suppressions WHERE workspace_id = $1 AND identifier_hash = $2`,
        [ws, hash],
      ),
    ).toEqual([{ kind: 'email' }]);
    // The bystander is untouched.
    expect(
      await db.dataSource.query('SELECT count(*)::int AS n FROM persons WHERE lower(email) = $1', [
        otherEmail,
      ]),
    ).toEqual([{ n: 1 }]);

    // A new request for them is refused before anything is written or spent.
    const callsBefore = await sandboxTotal(stack.sandboxUrl);
    const refused = await call<{ message: string }>(stack.gatewayUrl, 'POST', '/v1/jobs', {
      token: apiKey,
      body: { type: 'person.profile', input: { email: email.toUpperCase() } },
    });
    expect(refused.status).toBe(422);
    expect(refused.body.message).toContain('suppressed');
    const bulk = await call<{ message: string; rejected: { index: number; errors: string[] }[] }>(
      stack.gatewayUrl,
      'POST',
      '/v1/jobs/bulk',
      {
        token: apiKey,
        body: {
          jobs: [
            { type: 'person.phone', input: { email } },
            { type: 'email.verify', input: { email: ` ${email.toUpperCase()}` } },
          ],
        },
      },
    );
    expect(bulk.status).toBe(400);
    expect(bulk.body.rejected.map((row) => row.index)).toEqual([0, 1]);
    for (const row of bulk.body.rejected) {
      expect(row.errors.join(' ')).toContain('suppressed');
    }
    // Every other way in refuses them too: enrich, enrich/enqueue, imports (a row error), batches.
    const enriched = await call<{ message: string }>(stack.gatewayUrl, 'POST', '/v1/enrich', {
      token: apiKey,
      body: { email, enrich: ['title'], timeout_ms: 0 },
    });
    expect(enriched.status).toBe(422);
    expect(enriched.body.message).toContain('suppressed');
    const enqueued = await call<{ rejected: { index: number; errors: string[] }[] }>(
      stack.gatewayUrl,
      'POST',
      '/v1/enrich/enqueue',
      { token: apiKey, body: { records: [{ email }], enrich: ['title'] } },
    );
    expect(enqueued.status).toBe(400);
    expect(enqueued.body.rejected[0]?.errors.join(' ')).toContain('suppressed');
    const imported = await fetch(`${stack.gatewayUrl}/v1/imports?type=email.verify`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'text/csv' },
      body: `email\n${email.toUpperCase()}\n`,
    });
    expect(imported.status).toBe(201);
    expect(await imported.json()).toMatchObject({
      status: 'completed',
      rows_total: 1,
      rows_accepted: 0,
      rows_rejected: 1,
      errors: [{ line: 2, message: expect.stringContaining('suppressed') as unknown }],
    });
    const batch = await call<{ rejected: { index: number; errors: string[] }[] }>(
      stack.gatewayUrl,
      'POST',
      '/v1/batches',
      { token: apiKey, body: { name: 'Erased', records: [{ email }], enrich: ['title'] } },
    );
    expect(batch.status).toBe(400);
    expect(batch.body.rejected[0]?.errors.join(' ')).toContain('suppressed');
    expect(await mentionsInDatabase(db, email)).toEqual({});

    // Defence in depth: a request that reached the worker anyway (here written behind the gateway's
    // back) makes no paid call for them.
    const [{ id: sneaked }] = await db.dataSource.query<{ id: string }[]>(
      `INSERT INTO enrichment_requests (workspace_id, type, input, status, correlation_id)
       VALUES ($1, 'person.profile', $2, 'queued', 'erasure-test') RETURNING id`,
      [ws, JSON.stringify({ email })],
    );
    queue = new Queue('enrichment', { connection: redis, prefix });
    await queue.add(
      'enrichment.plan',
      { requestId: sneaked, workspaceId: ws, correlationId: 'erasure-test' },
      planJobOptions(sneaked, 'interactive', 'LOW'),
    );
    const sneakedView = await finished(stack, apiKey, sneaked, 30_000);
    expect(sneakedView.steps.length).toBeGreaterThan(0);
    for (const step of sneakedView.steps) {
      expect(step.state).toBe('skipped');
      expect(step.reason).toBe('suppressed');
      expect(step.credits).toBe(0);
    }
    expect(await sandboxTotal(stack.sandboxUrl)).toBe(callsBefore);
  });
});
