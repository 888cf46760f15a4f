import { randomBytes } from 'node:crypto';
import { CreditLedgerEntry } from '@sluice/db';
import { PipelineGuards } from '../../apps/enrichment-worker/src/pipeline/pipeline-redis';
import { credentialTag } from '../../apps/provider-sandbox/src/state/call-counter';
import { call, createWorkspace } from '../support/api';
import type { TestDatabase } from '../support/database';
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
import type { Stack } from '../support/stack';
import { eventually } from '../support/wait';

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

  afterEach(async () => {
    await tearDown(ctx);
    ctx = undefined;
  });

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
    return { stack: ctx.stack, db: ctx.db, own, platform };
  };

  const email = async (stack: Stack, apiKey: string): Promise<JobView> =>
    finished(
      stack,
      apiKey,
      await enqueue(stack, apiKey, { type: 'person.email', input: personInput(nextPerson()) }),
    );

  it('reads the workspace’s own credits: the platform’s balance at zero does not skip the provider', async () => {
    const { stack, db, own } = await start({});
    // The platform's Apollo wallet says it cannot pay for another call (its account is dry); the
    // sandbox, one balance per provider, still serves the workspace's own account.
    const guards = stack.worker?.get(PipelineGuards, { strict: false }) as PipelineGuards;
    await guards.wallet.setBalance('apollo', 0);
    const before = await apolloCallsBy(stack);

    const ownView = await email(stack, own.apiKey);
    expect(ownView.status).toBe('completed');
    expect(emailSteps(ownView)).toEqual([
      ['snov', 'failed', 'not_found'],
      ['apollo', 'completed', null],
    ]);
    expect(await ledgerOf(db, ownView.id)).toEqual([['apollo', 'workspace_charge', 1]]);
    const tag = credentialTag(OWN_APOLLO_KEY);
    expect(((await apolloCallsBy(stack))[tag] ?? 0) - (before[tag] ?? 0)).toBe(1);
    expect((await guards.wallet.snapshot('apollo')).balance).toBe(0);
  });

  it('reads the workspace’s own rate window: the platform’s used up does not send its work elsewhere first', async () => {
    // The platform's Apollo account: two calls a minute, one of them the worker's start-up reading
    // of its balance (a call Apollo counts, which takes its slot in the same window).
    const { stack, own, platform } = await start({
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
  });
});
