import {
  ACTIVE_QUEUE_NAMES,
  ALL_QUEUE_NAMES,
  JOB_NAMES,
  PROVIDER_NAMES,
  PROVIDER_PRIORITY_CLASS,
  ownAccountQueueName,
  providerOfQueue,
  providerQueueName,
} from './names';
import { PROVIDER_CREDENTIAL_FIELDS } from '@sluice/config';
import { JOB_OPTIONS } from './job-options';

describe('queue and job names (a wire format: jobs in Redis carry them)', () => {
  it('knows the credentials of every provider it has queues for', () => {
    expect(Object.keys(PROVIDER_CREDENTIAL_FIELDS).sort()).toEqual([...PROVIDER_NAMES].sort());
  });

  it('names the provider of either of its step queues, and none of the other queues', () => {
    for (const provider of PROVIDER_NAMES) {
      expect(providerOfQueue(providerQueueName(provider))).toBe(provider);
      expect(providerOfQueue(ownAccountQueueName(provider))).toBe(provider);
    }
    expect(providerOfQueue('enrichment')).toBeUndefined();
    expect(providerOfQueue('callbacks')).toBeUndefined();
    expect(providerOfQueue('provider.unknown')).toBeUndefined();
  });

  it('keeps the documented names', () => {
    expect(ALL_QUEUE_NAMES).toEqual([
      'enrichment',
      'credit-monitor',
      'callbacks',
      'provider.companies-house',
      'provider.companies-house.own',
      'provider.snov',
      'provider.snov.own',
      'provider.rocketreach',
      'provider.rocketreach.own',
      'provider.apollo',
      'provider.apollo.own',
      'provider.serper',
      'provider.serper.own',
      'provider.orion-connect',
      'provider.orion-connect.own',
      'provider.astra-dialer',
      'provider.astra-dialer.own',
      'provider.nimbus-lookup',
      'provider.nimbus-lookup.own',
      'provider.email-verifier',
      'provider.email-verifier.own',
    ]);
    expect(JOB_NAMES).toEqual({
      enrichmentPlan: 'enrichment.plan',
      providerStep: 'provider.step',
      enrichmentRecover: 'enrichment.recover',
      creditsSync: 'credits.sync',
      webhookProcess: 'webhook.process',
      callbackDeliver: 'callback.deliver',
      creditsCheck: 'credits.check',
      opsCheck: 'monitor.ops-check',
      usageReport: 'monitor.usage-report',
      alertDeliver: 'alert.deliver',
      batchRefresh: 'batches.refresh',
      retentionRun: 'retention.run',
    });
  });

  it('uses one lower-case dotted scheme', () => {
    for (const name of [...ALL_QUEUE_NAMES, ...Object.values(JOB_NAMES)]) {
      expect(name).toMatch(/^[a-z-]+(\.[a-z-]+)*$/);
    }
  });

  it('puts Companies House in HIGH and every credit-consuming provider in LOW', () => {
    expect(PROVIDER_PRIORITY_CLASS['companies-house']).toBe('HIGH');
    for (const provider of PROVIDER_NAMES.filter((p) => p !== 'companies-house')) {
      expect(PROVIDER_PRIORITY_CLASS[provider]).toBe('LOW');
    }
  });

  it('registers only queues that are part of the catalogue', () => {
    for (const name of ACTIVE_QUEUE_NAMES) {
      expect(ALL_QUEUE_NAMES).toContain(name);
    }
    expect(ACTIVE_QUEUE_NAMES).toContain(providerQueueName('companies-house'));
    expect(ACTIVE_QUEUE_NAMES).toContain(ownAccountQueueName('snov'));
  });

  it('never removes failed jobs and always retries with backoff', () => {
    for (const options of Object.values(JOB_OPTIONS)) {
      expect(options.removeOnFail).not.toBe(true);
      expect(options.attempts).toBeGreaterThan(1);
      expect(options.backoff).toMatchObject({ type: 'exponential' });
    }
  });
});
