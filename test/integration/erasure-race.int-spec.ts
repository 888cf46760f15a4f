import { createHash } from 'node:crypto';
import { CreditLedgerEntry, ERASURE_LOCK_CLASS, EnrichmentStep } from '@sluice/db';
import { Redis } from 'ioredis';
import type { QueryRunner } from 'typeorm';
import { call, createWorkspace } from '../support/api';
import { requireEnv, untilWaitingForLock, type TestDatabase } from '../support/database';
import { mentionsInRedis } from '../support/mentions';
import {
  calls,
  cancelOnceSnovSearched,
  enqueue,
  finished,
  people,
  personInput,
  sandboxPatch,
  setUp,
  tearDown,
} from '../support/pipeline';
import type { Stack } from '../support/stack';
import { eventually } from '../support/wait';

/**
 * An erasure and a step settling an answer about the erased person, interleaved at the worst
 * moment: the test holds the workspace's erasure lock itself, in the role of the other party, and
 * lets go once the real one is waiting for it.
 */
describe('erasure against a settlement in progress', () => {
  let ctx: { stack: Stack; db: TestDatabase; prefix: string } | undefined;
  let held: QueryRunner | undefined;
  let redis: Redis | undefined;

  afterEach(async () => {
    if (held?.isTransactionActive) {
      await held.rollbackTransaction();
    }
    await held?.release();
    held = undefined;
    redis?.disconnect();
    await tearDown(ctx);
    ctx = undefined;
  });

  /**
   * Plays an erasure of `email` that commits while the worker waits for it: holds the workspace's
   * erasure lock, lets `start` set the worker going, waits until it waits for the lock, then
   * records the suppression and commits.
   */
  const eraseWhileWaited = async <T>(
    db: TestDatabase,
    workspaceId: string,
    email: string,
    what: string,
    start: () => Promise<T>,
  ): Promise<T> => {
    const erasure = await holdLock(db, workspaceId, 'exclusive');
    const started = await start();
    await untilWaitingForLock(db, what, { event: 'advisory' });
    await erasure.query(
      `INSERT INTO suppressions (workspace_id, kind, identifier_hash) VALUES ($1, 'email', $2)`,
      [workspaceId, createHash('sha256').update(email).digest('hex')],
    );
    await erasure.commitTransaction();
    return started;
  };

  /** A transaction of the test's own holding the workspace's erasure lock (`mode` as named). */
  const holdLock = async (db: TestDatabase, workspaceId: string, mode: 'exclusive' | 'shared') => {
    held = db.dataSource.createQueryRunner();
    await held.connect();
    await held.startTransaction();
    const lock = mode === 'exclusive' ? 'pg_advisory_xact_lock' : 'pg_advisory_xact_lock_shared';
    await held.query(`SELECT ${lock}($1, hashtext($2::text))`, [ERASURE_LOCK_CLASS, workspaceId]);
    return held;
  };

  it('settles as suppressed an answer whose person was erased while its settlement waited', async () => {
    ctx = await setUp({});
    const { stack, db, prefix } = ctx;
    redis = new Redis(requireEnv('REDIS_URL'), { maxRetriesPerRequest: null });
    const { id: workspaceId, apiKey } = await createWorkspace(stack.gatewayUrl, 'Erased Mid-Settlement Co');
    // Apollo (synchronous) finds them; Snov.io, asked first, does not know them.
    const subject = (await people(stack.sandboxUrl)).find(
      (p) => !p.emails.snov && p.emails.apollo === p.email,
    );
    expect(subject).toBeDefined();
    const person = subject as NonNullable<typeof subject>;
    const email = person.email.toLowerCase();

    // Asked for by name: nothing in the request names the e-mail, which only the answer brings. The
    // job is made before the lock is held (its insert checks the suppressions under that lock too),
    // and Apollo answers slowly enough for the lock to be held before the settlement comes.
    await sandboxPatch(stack.sandboxUrl, 'apollo', { latency_ms: 1500 });
    const made = await enqueue(stack, apiKey, { type: 'person.email', input: personInput(person) });
    const id = await eraseWhileWaited(
      db,
      workspaceId,
      email,
      "the step's settlement to wait for the erasure",
      () => Promise.resolve(made),
    );

    const view = await finished(stack, apiKey, id, 30_000);
    expect(view.steps.map((s) => [s.provider, s.state, s.reason, Number(s.credits)])).toEqual([
      ['snov', 'failed', 'not_found', 0],
      ['apollo', 'failed', 'suppressed', 1], // paid for, and recorded
    ]);
    expect(JSON.stringify(view).toLowerCase()).not.toContain(email);
    const [{ n }] = await db.dataSource.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM persons WHERE lower(email) = $1`,
      [email],
    );
    expect(n).toBe(0);
    // The answer was cached before the settlement found the suppression: it is gone too.
    expect(await mentionsInRedis(redis, prefix, email)).toEqual([]);
  });

  it('fails, keeping no result, a request whose finished steps name a person erased before it finished', async () => {
    ctx = await setUp({});
    const { stack, db } = ctx;
    const { id: workspaceId, apiKey } = await createWorkspace(stack.gatewayUrl, 'Erased Before The End Co');
    const subject = (await people(stack.sandboxUrl)).find(
      (p) => !p.emails.snov && p.emails.apollo === p.email,
    );
    expect(subject).toBeDefined();
    const person = subject as NonNullable<typeof subject>;
    const email = person.email.toLowerCase();

    // Found by name (Apollo), then verified: the verifier answers slowly, and the person is
    // suppressed meanwhile. The e-mail step settled before: its answer is the request's to merge.
    // No deletions follow here, as when an erasure's deletions passed this request while it was
    // still open (its input names nobody) and its e-mail step was read before they reached it.
    await sandboxPatch(stack.sandboxUrl, 'email-verifier', { latency_ms: 2000 });
    const verifications = (await calls(stack.sandboxUrl, 'email-verifier')).total;
    const id = await enqueue(stack, apiKey, {
      type: 'person.email',
      input: personInput(person),
      options: { verify: true },
    });
    // The verifier has the call (it counts a call before its latency): a step taken after the
    // suppression would be skipped before asking, which is not the race this test is about.
    await eventually(
      async () => (await calls(stack.sandboxUrl, 'email-verifier')).total > verifications || undefined,
      { what: 'the verification under way' },
    );
    await db.dataSource.query(
      `INSERT INTO suppressions (workspace_id, kind, identifier_hash) VALUES ($1, 'email', $2)`,
      [workspaceId, createHash('sha256').update(email).digest('hex')],
    );

    const view = await finished(stack, apiKey, id, 30_000);
    expect(view.steps.map((s) => [s.provider, s.state, s.reason])).toEqual([
      ['snov', 'failed', 'not_found'],
      ['apollo', 'completed', null],
      ['email-verifier', 'failed', 'suppressed'],
    ]);
    expect(view.status).toBe('failed');
    expect(view.error).toMatch(/^suppressed: the result names a person erased from this workspace/);
    expect(view.result).toBeNull();
    const [row] = await db.dataSource.query<{ result: unknown }[]>(
      'SELECT result FROM enrichment_requests WHERE id = $1',
      [id],
    );
    expect(row?.result).toBeNull();
  });

  it('does not cache the answer a cancelled step collects when its person was erased while it waited to', async () => {
    // Snov.io alone finds e-mails here; it calls back (the stack's receiver) when a search is done.
    ctx = await setUp({
      PROVIDER_OVERRIDES: JSON.stringify({ apollo: { enabled: false }, rocketreach: { enabled: false } }),
    });
    const { stack, db, prefix } = ctx;
    redis = new Redis(requireEnv('REDIS_URL'), { maxRetriesPerRequest: null });
    const { id: workspaceId, apiKey } = await createWorkspace(stack.gatewayUrl, 'Erased While Collecting Co');
    const subject = (await people(stack.sandboxUrl)).find((p) => p.emails.snov === p.email);
    expect(subject).toBeDefined();
    const person = subject as NonNullable<typeof subject>;
    const email = person.email.toLowerCase();
    // Long enough for the cancellation and the lock to come before the search finishes.
    await sandboxPatch(stack.sandboxUrl, 'snov', { credits: 100, task_delay_ms: 3000 });
    const id = await enqueue(stack, apiKey, { type: 'person.email', input: personInput(person) });
    expect((await cancelOnceSnovSearched(stack, apiKey, id)).status).toBe('cancelled');
    await eraseWhileWaited(db, workspaceId, email, 'the collected answer to wait for the erasure', () =>
      Promise.resolve(),
    );

    const step = await db.dataSource
      .getRepository(EnrichmentStep)
      .findOneByOrFail({ requestId: id, provider: 'snov' });
    // The collection is over once the step's paid answer is forgotten; its charge stays recorded.
    await eventually(async () => (await redis?.exists(`${prefix}:pipeline:paid:${step.id}`)) === 0, {
      timeoutMs: 15_000,
      what: 'the collection over',
    });
    const ledger = await db.dataSource.getRepository(CreditLedgerEntry).findBy({ requestId: id });
    expect(ledger.map((row) => Number(row.credits))).toEqual([1]);
    expect(await mentionsInRedis(redis, prefix, email)).toEqual([]);
  });

  it('makes an erasure wait for a settlement that checked the suppressions before it', async () => {
    ctx = await setUp({});
    const { stack, db } = ctx;
    const { id: workspaceId, apiKey } = await createWorkspace(stack.gatewayUrl, 'Settling During Erasure Co');
    // A settlement in progress: it has checked, and holds the lock shared until it commits.
    const settlement = await holdLock(db, workspaceId, 'shared');
    let answered = false;
    const erasure = call(stack.gatewayUrl, 'DELETE', '/v1/persons?email=someone%40example.com', {
      token: apiKey,
    }).then((answer) => {
      answered = true;
      return answer;
    });
    await untilWaitingForLock(db, 'the erasure to wait for the settlement', { event: 'advisory' });
    expect(answered).toBe(false);
    await settlement.commitTransaction();
    expect((await erasure).status).toBe(200);
  });
});
