import { CreditMonitorConfig, loadConfig } from '@sluice/config';
import { MonitorWorker } from './monitor-worker';

/** The worker's schedule alone: nothing it is built with is called to answer it. */
function workerWith(env: Record<string, string>): MonitorWorker {
  const config = loadConfig(CreditMonitorConfig, env);
  const unused = null as never;
  return new MonitorWorker(unused, unused, unused, unused, unused, unused, unused, unused, config, unused);
}

describe('MonitorWorker.checkEveryMs', () => {
  it('reads Snov.io every 30 minutes and the others every CREDIT_CHECK_INTERVAL_MS by default', () => {
    const worker = workerWith({});
    expect(worker.checkEveryMs('snov')).toBe(30 * 60_000);
    expect(worker.checkEveryMs('apollo')).toBe(2 * 3_600_000);
  });

  it('reads Snov.io at least as often as a shorter CREDIT_CHECK_INTERVAL_MS, not least often of all', () => {
    const worker = workerWith({ CREDIT_CHECK_INTERVAL_MS: '300000' });
    expect(worker.checkEveryMs('snov')).toBe(300_000);
    expect(worker.checkEveryMs('rocketreach')).toBe(300_000);
  });

  it('takes a provider’s own policy over both', () => {
    const worker = workerWith({
      CREDIT_CHECK_INTERVAL_MS: '300000',
      CREDIT_POLICIES: JSON.stringify({ snov: { checkEveryMs: 3_600_000 }, apollo: { checkEveryMs: 250 } }),
    });
    expect(worker.checkEveryMs('snov')).toBe(3_600_000);
    expect(worker.checkEveryMs('apollo')).toBe(250);
  });
});
