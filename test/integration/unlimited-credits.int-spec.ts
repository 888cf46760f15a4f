import type { INestApplication } from '@nestjs/common';
import { createWorkerApp } from '../../apps/enrichment-worker/src/app';
import { CreditGate } from '../../apps/enrichment-worker/src/pipeline/credit-gate';
import { PipelineGuards } from '../../apps/enrichment-worker/src/pipeline/pipeline-redis';
import { alertsOf, startHttpSink, type HttpSink } from '../support/alert-sinks';
import { call, createWorkspace } from '../support/api';
import type { TestDatabase } from '../support/database';
import {
  answerKey,
  calls,
  enqueue,
  finished,
  paidCalls,
  personInput,
  sandboxPatch,
  setUp,
  tearDown,
} from '../support/pipeline';
import type { WorldPerson } from '../support/sandbox-world';
import { TEST_ADMIN_TOKEN, type Stack } from '../support/stack';
import { eventually } from '../support/wait';
import { startAppProcess, type WorkerProcess } from '../support/worker-process';

/** Person lookups go to RocketReach only (the e-mail verifier may still check what it finds). */
const ROCKETREACH_ONLY = JSON.stringify({ snov: { enabled: false }, apollo: { enabled: false } });

interface ProviderStatus {
  name: string;
  paused: boolean;
  pause: { by: 'operator' | 'credits' } | null;
  credits: { balance: number | null; unlimited: boolean } | null;
}

interface ProviderCredits {
  provider: string;
  balance: number | null;
  unlimited: boolean;
  forecast_exhaustion: string | null;
}

type Context = { stack: Stack; db: TestDatabase; prefix: string };

async function rocketreachStatus(stack: Stack, apiKey: string): Promise<ProviderStatus> {
  const answer = await call<{ providers: ProviderStatus[] }>(stack.gatewayUrl, 'GET', '/v1/providers', {
    token: apiKey,
  });
  expect(answer.status).toBe(200);
  return answer.body.providers.find((provider) => provider.name === 'rocketreach') as ProviderStatus;
}

async function rocketreachCredits(stack: Stack, apiKey: string): Promise<ProviderCredits> {
  const answer = await call<{ providers: ProviderCredits[] }>(stack.gatewayUrl, 'GET', '/v1/credits', {
    token: apiKey,
  });
  expect(answer.status).toBe(200);
  return answer.body.providers.find((provider) => provider.provider === 'rocketreach') as ProviderCredits;
}

/**
 * A RocketReach account on an unlimited plan reports `'inf'` for its credits (the sandbox's
 * `unlimited_credits`): no credit limit anywhere in Sluice, rather than a reading nothing can store.
 */
describe('RocketReach on an unlimited plan', () => {
  let ctx: Context | undefined;
  const monitors: WorkerProcess[] = [];
  let sink: HttpSink | undefined;

  afterEach(async () => {
    await Promise.all(monitors.splice(0).map((monitor) => monitor.stop()));
    await tearDown(ctx);
    ctx = undefined;
    await sink?.close();
    sink = undefined;
  });

  it('a worker starting on it syncs without failing, resumes the credit pause of the plan that ran dry, and the waiting lookup completes', async () => {
    ctx = await setUp({ PROVIDER_OVERRIDES: ROCKETREACH_ONLY });
    const { stack } = ctx;
    const { apiKey } = await createWorkspace(stack.gatewayUrl, 'Unlimited Co');
    const person = (await answerKey<WorldPerson>(stack.sandboxUrl, 'people')).find(
      (candidate) => candidate.emails.rocketreach === candidate.email,
    ) as WorldPerson;
    expect(person).toBeDefined();

    // The limited plan runs dry: the lookup is refused for credits and RocketReach pauses, the job
    // waiting for credits.
    await sandboxPatch(stack.sandboxUrl, 'rocketreach', { credits: 0 });
    const id = await enqueue(stack, apiKey, {
      type: 'person.email',
      input: personInput(person),
      options: { wait_for_credits: true },
    });
    await eventually(
      async () => ((await rocketreachStatus(stack, apiKey)).pause?.by === 'credits' ? true : undefined),
      { timeoutMs: 15_000, what: 'RocketReach paused for credits' },
    );

    // The account moves to an unlimited plan (its credits still 0), and the worker restarts.
    await sandboxPatch(stack.sandboxUrl, 'rocketreach', { unlimited_credits: true });
    await (stack.worker as INestApplication).close();
    stack.worker = null;
    const { app } = await createWorkerApp(stack.env);
    stack.worker = app;
    await app.listen(0, '127.0.0.1');
    const gate = app.get(CreditGate, { strict: false });
    const guards = app.get(PipelineGuards, { strict: false });

    // Its start-up sync (every provider's balance) learns the plan and lifts the credit pause...
    await eventually(
      async () => ((await guards.wallet.snapshot('rocketreach')).unlimited ? true : undefined),
      {
        timeoutMs: 30_000,
        what: 'the wallet learning the unlimited plan',
      },
    );
    // ...as a sync run now does, without failing.
    const synced = await gate.sync(true);
    expect(synced.paused).not.toContain('rocketreach');
    expect(await gate.isPaused('rocketreach')).toBe(false);
    expect(await guards.wallet.snapshot('rocketreach')).toMatchObject({ balance: null, unlimited: true });
    // A task that ended "for lack of credits" does not pause it.
    expect(await gate.canPayNow('rocketreach')).toBe(true);

    const view = await finished(stack, apiKey, id, 30_000);
    expect(view.status).toBe('completed');
    expect(paidCalls(await calls(stack.sandboxUrl, 'rocketreach'), 'GET /person/lookup')).toBeGreaterThan(0);
    expect(JSON.stringify(view)).toContain(person.email);
    expect(await gate.isPaused('rocketreach')).toBe(false);

    // The views say so, rather than a number.
    expect(await rocketreachStatus(stack, apiKey)).toMatchObject({
      paused: false,
      pause: null,
      credits: { balance: null, unlimited: true },
    });
    expect(await rocketreachCredits(stack, apiKey)).toMatchObject({
      balance: null,
      unlimited: true,
      forecast_exhaustion: null,
    });
  });

  it('the credit monitor records it without a balance, raises no alert, clears the armed ones, and alerts again once the plan is limited', async () => {
    sink = await startHttpSink();
    ctx = await setUp({
      ALERT_WEBHOOK_URL: sink.url,
      PROVIDER_OVERRIDES: ROCKETREACH_ONLY,
      CREDIT_POLICIES: JSON.stringify({ rocketreach: { warning: 100, critical: 50 } }),
    });
    const { stack, db } = ctx;
    const { apiKey } = await createWorkspace(stack.gatewayUrl, 'Unlimited Monitor Co');
    monitors.push(await startAppProcess('credit-monitor', stack.env));

    const readings = (): Promise<{ balance: string | null; unlimited: boolean; drift: string | null }[]> =>
      db.dataSource.query(
        `SELECT balance, unlimited, drift FROM credit_snapshots WHERE provider = 'rocketreach' ORDER BY taken_at`,
      );
    const check = async (): Promise<void> => {
      const before = (await readings()).length;
      const answer = await call(stack.gatewayUrl, 'POST', '/v1/admin/credits/check', {
        token: TEST_ADMIN_TOKEN,
      });
      expect(answer.status).toBe(202);
      await eventually(async () => ((await readings()).length > before ? true : undefined), {
        timeoutMs: 15_000,
        what: 'a new rocketreach snapshot',
      });
    };
    const thresholdAlerts = (): unknown[] =>
      alertsOf(sink as HttpSink, 'credits.threshold').filter((alert) => alert.provider === 'rocketreach');
    /** Every alert about RocketReach the webhook received, whatever its kind. */
    const rocketreachAlerts = (): unknown[] =>
      (sink as HttpSink).bodies.filter(
        (body) => (body.sluice as { provider?: string } | undefined)?.provider === 'rocketreach',
      );

    // A limited plan at 40 credits: critical (50); the drift from the monitor's first reading (the
    // default 1000) alerts too. That reading is its scheduler's, at start-up: taken before the plan
    // changes (it takes a slot in RocketReach's rate window first, so it may still be on its way).
    await eventually(async () => ((await readings()).length >= 1 ? true : undefined), {
      what: 'the start-up reading',
    });
    await sandboxPatch(stack.sandboxUrl, 'rocketreach', { credits: 40 });
    await check();
    await eventually(() => (thresholdAlerts().length === 1 ? true : undefined), {
      what: 'the critical alert',
    });
    // Each alert is delivered by a job of its own: the drift alert may land after the critical one.
    await eventually(
      () =>
        alertsOf(sink as HttpSink, 'credits.drift').filter((alert) => alert.provider === 'rocketreach')
          .length === 1
          ? true
          : undefined,
      { what: 'the drift alert' },
    );
    const fired = (): Promise<{ key: string; fired: boolean }[]> =>
      db.dataSource.query(`SELECT key, fired FROM alert_states WHERE key LIKE '%:rocketreach%' ORDER BY key`);
    expect(await fired()).toEqual([
      { key: 'credits.drift:rocketreach', fired: true },
      { key: 'credits.threshold:rocketreach:critical', fired: true },
      { key: 'credits.threshold:rocketreach:warning', fired: true },
    ]);

    // Unlimited: recorded without a balance, nothing alerts, the armed conditions are cleared.
    await sandboxPatch(stack.sandboxUrl, 'rocketreach', { unlimited_credits: true });
    const alertsBefore = rocketreachAlerts().length;
    const since = new Date();
    await check();
    expect((await readings()).at(-1)).toEqual({ balance: null, unlimited: true, drift: null });
    expect((await fired()).filter((state) => state.fired)).toEqual([]);
    await check(); // a second unlimited reading changes nothing either
    await new Promise((resolve) => setTimeout(resolve, 800)); // let any delivery land
    expect(rocketreachAlerts().slice(alertsBefore)).toEqual([]);
    const [stored] = await db.dataSource.query<{ n: string }[]>(
      `SELECT count(*) AS n FROM alerts WHERE provider = 'rocketreach' AND created_at >= $1`,
      [since],
    );
    expect(Number(stored.n)).toBe(0);
    expect(await rocketreachCredits(stack, apiKey)).toMatchObject({ balance: null, unlimited: true });

    // Limited again at 40: a first reading after the unlimited ones (no drift), and the critical
    // alert, re-armed, goes out again.
    await sandboxPatch(stack.sandboxUrl, 'rocketreach', { unlimited_credits: false });
    await check();
    expect((await readings()).at(-1)).toEqual({ balance: '40.0000', unlimited: false, drift: null });
    await eventually(() => (thresholdAlerts().length === 2 ? true : undefined), {
      what: 'the critical alert again',
    });
    expect(await rocketreachCredits(stack, apiKey)).toMatchObject({ balance: 40, unlimited: false });
  });
});
