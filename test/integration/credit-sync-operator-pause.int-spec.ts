import { CreditGate } from '../../apps/enrichment-worker/src/pipeline/credit-gate';
import { call } from '../support/api';
import { calls, sandboxPatch, setUp, tearDown } from '../support/pipeline';
import { TEST_ADMIN_TOKEN } from '../support/stack';
import { eventually } from '../support/wait';

type Context = Awaited<ReturnType<typeof setUp>>;

/**
 * The credit sync never lifts an operator's pause: not even one the operator puts on a provider
 * paused for credits while the sync is reading its balance (the read takes seconds at a slow
 * provider, and the sync decided from the pause it saw before it).
 */
describe('the workers’ credit sync and an operator’s pause made during its read', () => {
  let ctx: Context | undefined;

  afterEach(async () => {
    await tearDown(ctx);
    ctx = undefined;
  });

  it('leaves the operator’s pause in place when the balance read answers that credits are back', async () => {
    // The scheduled sync runs every 4 minutes (past this test): the sync here is the one it calls.
    ctx = await setUp({ CREDIT_SYNC_INTERVAL_MS: '240000' });
    const { stack } = ctx;
    const gate = stack.worker?.get(CreditGate, { strict: false }) as CreditGate;
    await gate.pause('snov', 'out of credits (test)');
    // Topped up, but its balance endpoint answers slowly.
    await sandboxPatch(stack.sandboxUrl, 'snov', { credits: 100, latency_ms: 2000 });

    const sync = gate.sync();
    // The operator pauses Snov while the sync's read is on its way.
    await new Promise((resolve) => setTimeout(resolve, 700));
    const paused = await call(stack.gatewayUrl, 'POST', '/v1/admin/providers/snov/pause', {
      token: TEST_ADMIN_TOKEN,
    });
    expect(paused.status).toBe(200);
    expect((await gate.pauseOf('snov'))?.manual).toBe(true);

    const outcome = await sync;
    expect(outcome.resumed).not.toContain('snov');
    const pause = await gate.pauseOf('snov');
    expect(pause?.manual).toBe(true);
    expect(pause?.reason).toBe('paused by an operator');

    // Only the operator lifts it.
    expect(
      (await call(stack.gatewayUrl, 'POST', '/v1/admin/providers/snov/resume', { token: TEST_ADMIN_TOKEN }))
        .status,
    ).toBe(200);
    await eventually(async () => (await gate.pauseOf('snov')) === null || undefined, {
      what: 'the operator’s resume',
    });
  }, 120_000);

  it('reads no balance of a provider an operator paused, tick after tick or after Redis lost its data', async () => {
    // The scheduled sync ticks every 300 ms (FAST).
    ctx = await setUp({});
    const { stack } = ctx;
    const gate = stack.worker?.get(CreditGate, { strict: false }) as CreditGate;
    const balanceReads = async (): Promise<number> =>
      (await calls(stack.sandboxUrl, 'rocketreach')).by_endpoint['GET /account/'] ?? 0;
    const paused = await call(stack.gatewayUrl, 'POST', '/v1/admin/providers/rocketreach/pause', {
      token: TEST_ADMIN_TOKEN,
    });
    expect(paused.status).toBe(200);
    // A sync under way when the pause landed may still have been reading.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const before = await balanceReads();

    // The ticks run meanwhile: they read and resume a provider paused for credits that can pay.
    await gate.pause('snov', 'out of credits (test)');
    await eventually(async () => (await gate.pauseOf('snov')) === null || undefined, {
      what: 'the credit sync to read Snov.io and resume it',
    });
    await new Promise((resolve) => setTimeout(resolve, 2000));
    // The read of every provider after Redis lost its data (and at start).
    await gate.sync(true);
    expect((await calls(stack.sandboxUrl, 'snov')).by_endpoint['GET /v1/get-balance']).toBeGreaterThan(0);

    expect(await balanceReads()).toBe(before);
    expect((await gate.pauseOf('rocketreach'))?.manual).toBe(true);

    // Once the operator resumes it, its balance is read again with the others'.
    expect(
      (
        await call(stack.gatewayUrl, 'POST', '/v1/admin/providers/rocketreach/resume', {
          token: TEST_ADMIN_TOKEN,
        })
      ).status,
    ).toBe(200);
    await gate.sync(true);
    expect(await balanceReads()).toBe(before + 1);
  }, 120_000);
});
