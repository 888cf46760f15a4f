import { randomBytes } from 'node:crypto';
import { CreditLedgerEntry } from '@sluice/db';
import { ownAccountQueueName, providerQueueName } from '@sluice/queue';
import { Queue } from 'bullmq';
import { CreditGate } from '../../apps/enrichment-worker/src/pipeline/credit-gate';
import { PipelineGuards } from '../../apps/enrichment-worker/src/pipeline/pipeline-redis';
import { credentialTag } from '../../apps/provider-sandbox/src/state/call-counter';
import { call, createWorkspace } from '../support/api';
import { requireEnv, type TestDatabase } from '../support/database';
import {
  calls,
  enqueue,
  finished,
  people,
  personInput,
  setUp,
  tearDown,
  type JobView,
} from '../support/pipeline';
import type { WorldPerson } from '../support/sandbox-world';
import { type Stack, TEST_ADMIN_TOKEN } from '../support/stack';
import { eventually } from '../support/wait';

interface ProviderListed {
  name: string;
  credentials: string | null;
  paused: boolean;
  pause: { by: string } | null;
  available: boolean;
}

/** A key the sandbox's Apollo accepts (any key starting `sandbox-`), not the platform's. */
const OWN_APOLLO_KEY = 'sandbox-own-account-apollo-key-51c2';

/** Authenticated Apollo calls the sandbox saw, per credential. */
const apolloCallsBy = async (stack: Stack): Promise<Record<string, number>> =>
  (await calls(stack.sandboxUrl, 'apollo')).by_credential;

const emailSteps = (view: JobView): [string, string, string | null][] =>
  view.steps.filter((s) => s.goal === 'email').map((s) => [s.provider, s.state, s.reason]);

async function ledgerOf(db: TestDatabase, requestId: string): Promise<[string, string, number][]> {
  const rows = await db.dataSource.getRepository(CreditLedgerEntry).findBy({ requestId });
  return rows.map((row) => [row.provider, row.kind, Number(row.credits)]);
}

/**
 * Provider selection for a workspace with its own account at a provider judges that provider as
 * the step runner will call it: on the workspace's credits and in the workspace's own rate window —
 * not by the platform's balance and window.
 */
describe('provider selection for a workspace’s own account', () => {
  let ctx: Awaited<ReturnType<typeof setUp>> | undefined;
  let world: WorldPerson[];
  const used = new Set<string>();
  /** Someone only Apollo knows the work address of (no e-mail at Snov.io or RocketReach), not used before. */
  const nextPerson = (): WorldPerson => {
    const person = world.find(
      (p) =>
        !used.has(p.person_id) &&
        p.email_status === 'valid' &&
        p.emails.apollo === p.email &&
        !p.emails.snov &&
        !p.emails.rocketreach &&
        !p.phones.rocketreach,
    );
    if (!person) {
      throw new Error('the sandbox world has no such person left');
    }
    used.add(person.person_id);
    return person;
  };

  let queues: Queue[] = [];

  afterEach(async () => {
    await Promise.all(queues.map((queue) => queue.close()));
    queues = [];
    await tearDown(ctx);
    ctx = undefined;
  });

  /** Apollo's two step queues, as the worker sees them: the platform account's, and own accounts'. */
  const apolloQueues = (prefix: string): { platform: Queue; own: Queue } => {
    const connection = { url: requireEnv('REDIS_URL') };
    const platform = new Queue(providerQueueName('apollo'), { connection, prefix });
    const own = new Queue(ownAccountQueueName('apollo'), { connection, prefix });
    queues.push(platform, own);
    return { platform, own };
  };

  const start = async (env: Record<string, string>) => {
    ctx = await setUp({
      CREDENTIALS_MASTER_KEY: randomBytes(32).toString('base64'),
      CREDENTIALS_CACHE_TTL_MS: '0',
      ...env,
    });
    world = await people(ctx.stack.sandboxUrl);
    const own = await createWorkspace(ctx.stack.gatewayUrl, 'Own Account Co');
    const stored = await call(ctx.stack.gatewayUrl, 'PUT', '/v1/providers/apollo/credentials', {
      token: own.apiKey,
      body: { api_key: OWN_APOLLO_KEY },
    });
    expect(stored.status).toBe(200);
    const platform = await createWorkspace(ctx.stack.gatewayUrl, 'Platform Account Co');
    return { stack: ctx.stack, db: ctx.db, prefix: ctx.prefix, own, platform };
  };

  /** A stack whose platform account at Apollo is paused for credits, once its balance was read. */
  const startPausedForCredits = async () => {
    // No scheduled credit sync during the test: it would read Apollo's balance and lift the pause.
    const started = await start({ CREDIT_SYNC_INTERVAL_MS: '240000' });
    const guards = started.stack.worker?.get(PipelineGuards, { strict: false }) as PipelineGuards;
    const gate = started.stack.worker?.get(CreditGate, { strict: false }) as CreditGate;
    await eventually(async () => (await guards.wallet.snapshot('apollo')).balance !== null || undefined, {
      what: 'the start-up reading of Apollo’s balance',
    });
    await gate.pause('apollo', 'out of credits (test)');
    return { ...started, gate };
  };

  /** Apollo as `GET /v1/providers` shows it to the workspace of `apiKey`. */
  const apolloListed = async (
    stack: Stack,
    apiKey: string,
  ): Promise<{ credentials: string | null; paused: boolean; by: string | undefined; available: boolean }> => {
    const answer = await call<{ providers: ProviderListed[] }>(stack.gatewayUrl, 'GET', '/v1/providers', {
      token: apiKey,
    });
    expect(answer.status).toBe(200);
    const apollo = answer.body.providers.find((provider) => provider.name === 'apollo') as ProviderListed;
    return {
      credentials: apollo.credentials,
      paused: apollo.paused,
      by: apollo.pause?.by,
      available: apollo.available,
    };
  };

  const email = async (stack: Stack, apiKey: string): Promise<JobView> =>
    finished(
      stack,
      apiKey,
      await enqueue(stack, apiKey, { type: 'person.email', input: personInput(nextPerson()) }),
    );

  /**
   * An e-mail for the workspace of `apiKey` that Apollo finds, charged as the workspace's own spend;
   * answers how many calls Apollo heard on the workspace's own key meanwhile.
   */
  const foundOnOwnApollo = async (stack: Stack, db: TestDatabase, apiKey: string): Promise<number> => {
    const tag = credentialTag(OWN_APOLLO_KEY);
    const before = (await apolloCallsBy(stack))[tag] ?? 0;
    const view = await email(stack, apiKey);
    expect(view.status).toBe('completed');
    expect(emailSteps(view)).toEqual([
      ['snov', 'failed', 'not_found'],
      ['apollo', 'completed', null],
    ]);
    expect(await ledgerOf(db, view.id)).toEqual([['apollo', 'workspace_charge', 1]]);
    return ((await apolloCallsBy(stack))[tag] ?? 0) - before;
  };

  it('reads the workspace’s own credits: the platform’s balance at zero does not skip the provider', async () => {
    const { stack, db, own } = await start({});
    // The platform's Apollo wallet says it cannot pay for another call (its account is dry); the
    // sandbox, one balance per provider, still serves the workspace's own account.
    const guards = stack.worker?.get(PipelineGuards, { strict: false }) as PipelineGuards;
    await guards.wallet.setBalance('apollo', 0);

    expect(await foundOnOwnApollo(stack, db, own.apiKey)).toBe(1);
    expect((await guards.wallet.snapshot('apollo')).balance).toBe(0);
  });

  it('reads the workspace’s own rate window: the platform’s used up does not send its work elsewhere first', async () => {
    // The platform's Apollo account: two calls a minute, one of them the worker's start-up reading
    // of its balance (a call Apollo counts, which takes its slot in the same window).
    const { stack, db, own, platform } = await start({
      PROVIDER_OVERRIDES: JSON.stringify({
        apollo: { rateLimits: [{ name: 'minute', limit: 2, windowMs: 60_000 }] },
      }),
    });
    const guards = stack.worker?.get(PipelineGuards, { strict: false }) as PipelineGuards;
    await eventually(async () => (await guards.wallet.snapshot('apollo')).balance !== null || undefined, {
      what: 'the start-up reading of Apollo’s balance',
    });
    const platformView = await email(stack, platform.apiKey);
    expect(emailSteps(platformView)).toEqual([
      ['snov', 'failed', 'not_found'],
      ['apollo', 'completed', null],
    ]);

    // The platform's minute is used up; the workspace's own account has its own.
    const ownView = await email(stack, own.apiKey);
    expect(ownView.status).toBe('completed');
    expect(emailSteps(ownView)).toEqual([
      ['snov', 'failed', 'not_found'],
      ['apollo', 'completed', null],
    ]);
    // The call log says which account each Apollo call was made on (the platform's failure-rate
    // alert leaves out a workspace's refused key).
    const logged = await db.dataSource.query<{ request_id: string; own: boolean[] }[]>(
      `SELECT request_id, array_agg(own_account) AS own FROM provider_calls
        WHERE provider = 'apollo' AND request_id = ANY($1) GROUP BY request_id`,
      [[platformView.id, ownView.id]],
    );
    expect(
      Object.fromEntries(
        logged.map((row) => [row.request_id === ownView.id ? 'own' : 'platform', [...new Set(row.own)]]),
      ),
    ).toEqual({ platform: [false], own: [true] });
  });

  it('runs the workspace’s own-account steps while the platform’s account is paused for credits', async () => {
    const { stack, db, prefix, own, platform, gate } = await startPausedForCredits();
    // The platform's Apollo account cannot pay: its queue pauses, the own accounts' does not.
    const queue = apolloQueues(prefix);
    expect(await queue.platform.isPaused()).toBe(true);
    expect(await queue.own.isPaused()).toBe(false);
    const before = await apolloCallsBy(stack);

    // The platform's work moves on past Apollo...
    const platformView = await email(stack, platform.apiKey);
    expect(emailSteps(platformView).filter(([provider]) => provider !== 'rocketreach')).toEqual([
      ['apollo', 'skipped', 'out_of_credits'],
      ['snov', 'failed', 'not_found'],
    ]);
    // Not found by those asked; the result names the provider that could not be, and why.
    expect(platformView.result?.unresolved).toEqual([
      {
        goal: 'email',
        reason: 'not_found',
        retry_later: [{ provider: 'apollo', reason: 'out_of_credits' }],
      },
    ]);
    // ...while the workspace's own account is called, through the queue the pause left running.
    expect(await foundOnOwnApollo(stack, db, own.apiKey)).toBe(1);
    const after = await apolloCallsBy(stack);
    const platformTag = credentialTag('sandbox-apollo-key');
    expect((after[platformTag] ?? 0) - (before[platformTag] ?? 0)).toBe(0);
    expect(await queue.own.getJobCounts('completed')).toEqual({ completed: 1 });
    expect(await queue.platform.getJobCounts('completed', 'wait', 'paused')).toEqual({
      completed: 0,
      wait: 0,
      paused: 0,
    });
    // The pause is still the platform's: its queue stays paused.
    expect(await queue.platform.isPaused()).toBe(true);
    expect((await gate.pauseOf('apollo'))?.manual).not.toBe(true);
    // And each workspace's provider list says so: paused for credits, available on its own account.
    expect(await apolloListed(stack, own.apiKey)).toEqual({
      credentials: 'workspace',
      paused: true,
      by: 'credits',
      available: true,
    });
    expect(await apolloListed(stack, platform.apiKey)).toEqual({
      credentials: 'platform',
      paused: true,
      by: 'credits',
      available: false,
    });
  });

  it('moves a workspace’s steps waiting for the platform’s credits to its own account once it stores credentials', async () => {
    const { stack, db, prefix } = await startPausedForCredits();
    const queue = apolloQueues(prefix);
    const later = await createWorkspace(stack.gatewayUrl, 'Later Account Co');

    // On the platform's account, asked to wait for credits: its Apollo step waits on the paused queue.
    const id = await enqueue(stack, later.apiKey, {
      type: 'person.email',
      input: personInput(nextPerson()),
      options: { wait_for_credits: true },
    });
    await eventually(
      async () => {
        const counts = await queue.platform.getJobCounts('wait', 'paused', 'prioritized', 'delayed');
        return Object.values(counts).reduce((sum, n) => sum + n, 0) === 1 || undefined;
      },
      { what: 'the Apollo step waiting on the paused platform queue' },
    );

    const stored = await call(stack.gatewayUrl, 'PUT', '/v1/providers/apollo/credentials', {
      token: later.apiKey,
      body: { api_key: OWN_APOLLO_KEY },
    });
    expect(stored.status).toBe(200);
    const view = await finished(stack, later.apiKey, id);
    expect(emailSteps(view)).toEqual([
      ['snov', 'failed', 'not_found'],
      ['apollo', 'completed', null],
    ]);
    expect(await ledgerOf(db, id)).toEqual([['apollo', 'workspace_charge', 1]]);
    expect(await queue.own.getJobCounts('completed')).toEqual({ completed: 1 });
    // The platform's pause stands, and nothing of the workspace's is left behind it.
    expect(await queue.platform.isPaused()).toBe(true);
    expect(
      await queue.platform.getJobCounts('wait', 'paused', 'prioritized', 'delayed', 'completed'),
    ).toEqual({
      wait: 0,
      paused: 0,
      prioritized: 0,
      delayed: 0,
      completed: 0,
    });
  });

  it('stops both of a provider’s queues for an operator’s pause, and resumes both', async () => {
    const { stack, db, prefix, own } = await start({ CREDIT_SYNC_INTERVAL_MS: '240000' });
    const queue = apolloQueues(prefix);
    const paused = await call(stack.gatewayUrl, 'POST', '/v1/admin/providers/apollo/pause', {
      token: TEST_ADMIN_TOKEN,
    });
    expect(paused.status).toBe(200);
    expect([await queue.platform.isPaused(), await queue.own.isPaused()]).toEqual([true, true]);
    expect(await apolloListed(stack, own.apiKey)).toEqual({
      credentials: 'workspace',
      paused: true,
      by: 'operator',
      available: false,
    });
    // No call on any account: the workspace's own account is skipped too.
    const before = await apolloCallsBy(stack);
    const ownView = await email(stack, own.apiKey);
    expect(emailSteps(ownView).filter(([provider]) => provider !== 'rocketreach')).toEqual([
      ['apollo', 'skipped', 'paused_by_operator'],
      ['snov', 'failed', 'not_found'],
    ]);
    expect(await apolloCallsBy(stack)).toEqual(before);

    const resumed = await call(stack.gatewayUrl, 'POST', '/v1/admin/providers/apollo/resume', {
      token: TEST_ADMIN_TOKEN,
    });
    expect(resumed.status).toBe(200);
    expect([await queue.platform.isPaused(), await queue.own.isPaused()]).toEqual([false, false]);
    expect(await foundOnOwnApollo(stack, db, own.apiKey)).toBe(1);
  });
});
