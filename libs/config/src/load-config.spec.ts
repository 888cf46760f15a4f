import { ConfigError, loadConfig, loadConfigs, maskSecrets } from './load-config';
import { CreditMonitorConfig } from './credit-monitor';
import { renderEnvExample } from './env-example';
import { PipelineConfig } from './pipeline';
import {
  CoreConfig,
  GatewayConfig,
  ProvidersConfig,
  SandboxConfig,
  WebhookReceiverConfig,
  WorkerConfig,
} from './sections';

const core = {
  REDIS_URL: 'redis://127.0.0.1:6379/0',
  DATABASE_URL: 'postgres://u:secret-pw@127.0.0.1:5432/db',
};

describe('loadConfig', () => {
  it('reads values from the environment and keeps defaults for the rest', () => {
    const config = loadConfig(CoreConfig, { ...core, LOG_LEVEL: 'debug' });
    expect(config.redisUrl).toBe(core.REDIS_URL);
    expect(config.logLevel).toBe('debug');
    expect(config.queuePrefix).toBe('sluice');
  });

  it('converts numbers and booleans', () => {
    const config = loadConfig(SandboxConfig, { SANDBOX_PORT: '4999', SANDBOX_LOG_REQUESTS: 'true' });
    expect(config.port).toBe(4999);
    expect(config.logRequests).toBe(true);
  });

  it('has every app listen on all interfaces unless told otherwise (containers reach each other there)', () => {
    const admin = { SLUICE_ADMIN_TOKEN: 'x'.repeat(30) };
    expect([
      loadConfig(GatewayConfig, admin).host,
      loadConfig(WebhookReceiverConfig, {}).host,
      loadConfig(WorkerConfig, {}).healthHost,
      loadConfig(CreditMonitorConfig, {}).host,
    ]).toEqual(['0.0.0.0', '0.0.0.0', '0.0.0.0', '0.0.0.0']);
    expect(loadConfig(WorkerConfig, { WORKER_HEALTH_HOST: '127.0.0.1' }).healthHost).toBe('127.0.0.1');
  });

  it('names a missing required variable', () => {
    expect(() => loadConfig(CoreConfig, { REDIS_URL: core.REDIS_URL })).toThrow(/DATABASE_URL/);
  });

  it('names a malformed number and shows what it got', () => {
    try {
      loadConfig(GatewayConfig, { SLUICE_ADMIN_TOKEN: 'x'.repeat(30), GATEWAY_PORT: 'eighty' });
      throw new Error('expected a ConfigError');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).message).toContain('GATEWAY_PORT');
      // The value as written, not the NaN it converts to (which JSON writes as null).
      expect((error as ConfigError).message).toContain('(got "eighty")');
    }
  });

  it('refuses the admin token placeholder of .env.example, naming the variable and not the value', () => {
    // `.env.example` writes SLUICE_ADMIN_TOKEN uncommented (it is required), with a placeholder long
    // enough to pass the length check: a copied `.env.example` would guard the admin API and Bull
    // Board with a token published in this repository.
    const placeholder = /^SLUICE_ADMIN_TOKEN=(.+)$/m.exec(renderEnvExample())?.[1] ?? '';
    expect(placeholder.length).toBeGreaterThanOrEqual(24);
    let refusal: unknown = null;
    try {
      loadConfig(GatewayConfig, { SLUICE_ADMIN_TOKEN: placeholder });
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(ConfigError);
    expect((refusal as ConfigError).message).toMatch(/SLUICE_ADMIN_TOKEN.*\.env\.example/);
    expect((refusal as ConfigError).message).not.toContain(placeholder);
  });

  it('rejects an out-of-range port', () => {
    expect(() =>
      loadConfig(GatewayConfig, { SLUICE_ADMIN_TOKEN: 'x'.repeat(30), GATEWAY_PORT: '70000' }),
    ).toThrow(/GATEWAY_PORT/);
  });

  it('bounds the look-back of the callbacks the recovery sweep sends (0 turns it off)', () => {
    expect(loadConfig(WorkerConfig, {}).callbackRecoveryMaxAgeMs).toBe(24 * 3_600_000);
    expect(loadConfig(WorkerConfig, { CALLBACK_RECOVERY_MAX_AGE_MS: '0' }).callbackRecoveryMaxAgeMs).toBe(0);
    for (const bad of ['-1', String(24 * 3_600_000 + 1), 'a day']) {
      expect(() => loadConfig(WorkerConfig, { CALLBACK_RECOVERY_MAX_AGE_MS: bad })).toThrow(
        /CALLBACK_RECOVERY_MAX_AGE_MS/,
      );
    }
  });

  it('never prints the value of a secret it rejects', () => {
    const weak = 'short-secret';
    try {
      loadConfig(GatewayConfig, { SLUICE_ADMIN_TOKEN: weak });
      throw new Error('expected a ConfigError');
    } catch (error) {
      expect((error as Error).message).toContain('SLUICE_ADMIN_TOKEN');
      expect((error as Error).message).not.toContain(weak);
    }
  });

  it('rejects per-provider JSON settings that are malformed or name no provider, naming the variable', () => {
    const problemOf = (load: () => unknown): string => {
      try {
        load();
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        return (error as ConfigError).problems.join('\n');
      }
      return 'accepted';
    };
    expect(problemOf(() => loadConfig(PipelineConfig, { PROVIDER_OVERRIDES: '{"snov":' }))).toMatch(
      /^PROVIDER_OVERRIDES: PROVIDER_OVERRIDES must be a JSON object/,
    );
    // A misspelt provider would otherwise leave the provider meant unchanged, silently.
    expect(
      problemOf(() => loadConfig(PipelineConfig, { PROVIDER_OVERRIDES: '{"snovio":{"enabled":false}}' })),
    ).toMatch(
      /^PROVIDER_OVERRIDES: PROVIDER_OVERRIDES names no provider 'snovio'; providers: companies-house, snov,/,
    );
    expect(
      problemOf(() => loadConfig(PipelineConfig, { PROVIDER_OVERRIDES: '{"snov":{"enabled":"no"}}' })),
    ).toMatch(/PROVIDER_OVERRIDES\.snov\.enabled must be true or false/);
    expect(
      problemOf(() => loadConfig(CreditMonitorConfig, { CREDIT_POLICIES: '{"apollo":{"warning":-1}}' })),
    ).toMatch(/^CREDIT_POLICIES: CREDIT_POLICIES\.apollo\.warning must be a number of credits >= 0/);
    expect(
      problemOf(() => loadConfig(CreditMonitorConfig, { CREDIT_POLICIES: '{"constructor":{}}' })),
    ).toMatch(/CREDIT_POLICIES names no provider 'constructor'/);
    // A window past what Redis can expire a key after would fail every call of the provider.
    const rule = (windowMs: number, limit = 10): string =>
      JSON.stringify({ snov: { rateLimits: [{ name: 'long', limit, windowMs }] } });
    expect(problemOf(() => loadConfig(PipelineConfig, { PROVIDER_OVERRIDES: rule(1e20) }))).toMatch(
      /PROVIDER_OVERRIDES\.snov\.rateLimits\[0\] must be .*"windowMs": integer from 1 to 31622400000/,
    );
    expect(problemOf(() => loadConfig(PipelineConfig, { PROVIDER_OVERRIDES: rule(60_000, 1e12) }))).toMatch(
      /rateLimits\[0\] must be/,
    );
    expect(problemOf(() => loadConfig(PipelineConfig, { PROVIDER_OVERRIDES: rule(30 * 86_400_000) }))).toBe(
      'accepted',
    );
    const loaded = loadConfig(PipelineConfig, { PROVIDER_OVERRIDES: '{"snov":{"enabled":false}}' });
    expect(loaded.overrides).toEqual({ snov: { enabled: false } });
  });

  it('checks the credit monitor’s schedules and alert channels at load, never printing a secret', () => {
    const problemsOf = (env: Record<string, string>): string => {
      try {
        loadConfig(CreditMonitorConfig, env);
        return 'accepted';
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        return (error as ConfigError).problems.join('\n');
      }
    };
    expect(problemsOf({ USAGE_REPORT_CRON: 'every morning' })).toMatch(
      /^USAGE_REPORT_CRON: USAGE_REPORT_CRON must be a cron pattern such as "0 7 \* \* \*" \(or empty: never\)/,
    );
    expect(problemsOf({ RETENTION_CRON: '30 25 * * *' })).toMatch(
      /^RETENTION_CRON: RETENTION_CRON must be a cron pattern/,
    );
    const smtp = problemsOf({ SMTP_URL: 'mail.example.com:587 user:hunter2' });
    expect(smtp).toMatch(/^SMTP_URL: SMTP_URL must be a smtp or smtps URL \(or empty: none\)/);
    expect(smtp).not.toContain('hunter2');
    expect(problemsOf({ ALERT_WEBHOOK_URL: 'hooks.slack.com/services/T0/B0/secret-part' })).not.toContain(
      'secret-part',
    );
    expect(problemsOf({ ALERT_WEBHOOK_URL: 'hooks.slack.com/services/T0/B0/x' })).toMatch(
      /^ALERT_WEBHOOK_URL: ALERT_WEBHOOK_URL must be a https or http URL/,
    );
    expect(problemsOf({ ALERT_EMAIL_TO: 'ops@example.com, oncall-at-example.com' })).toMatch(
      /ALERT_EMAIL_TO must list e-mail addresses separated by commas; not an address: "oncall-at-example.com"/,
    );
    const good = loadConfig(CreditMonitorConfig, {
      USAGE_REPORT_CRON: '',
      RETENTION_CRON: '0 3 * * 1-5',
      SMTP_URL: 'smtps://user:pw@mail.example.com:465',
      ALERT_WEBHOOK_URL: 'https://hooks.example.com/alerts',
      ALERT_EMAIL_TO: 'ops@example.com, oncall@example.com',
    });
    expect(good.emailTo).toEqual(['ops@example.com', 'oncall@example.com']);
    expect(problemsOf({})).toBe('accepted');
  });

  it('reads an empty schedule as turned off, and other empty variables as unset', () => {
    // Compose's `KEY: ${KEY:-}` passes an empty string for every variable the shell leaves unset.
    const monitor = loadConfig(CreditMonitorConfig, { USAGE_REPORT_CRON: '', RETENTION_CRON: '' });
    expect([monitor.usageReportCron, monitor.retentionCron]).toEqual(['', '']);
    expect(loadConfig(CreditMonitorConfig, {}).retentionCron).toBe('30 2 * * *');
    expect(loadConfig(ProvidersConfig, { SNOV_CLIENT_ID: '' }).snovClientId).toBe(
      new ProvidersConfig().snovClientId,
    );
  });

  it('refuses a Redis or PostgreSQL URL its client could not read, never printing it', () => {
    const problemOf = (env: Record<string, string>): string => {
      try {
        loadConfig(CoreConfig, { ...core, ...env });
        return 'accepted';
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        return (error as ConfigError).message;
      }
    };
    for (const REDIS_URL of [
      'redis://:hunter2@127.0.0.1:637x/0',
      'redis://:hunter2@127.0.0.1:70000/0',
      'redis://:hunter2@127.0.0.1:6379/zero',
      'redis://:hunter2%zz@127.0.0.1:6379/0',
      'http://:hunter2@127.0.0.1:6379',
    ]) {
      const problem = problemOf({ REDIS_URL });
      expect(problem).toMatch(/REDIS_URL: REDIS_URL (must|has)/);
      expect(problem).not.toContain('hunter2');
    }
    for (const DATABASE_URL of ['postgres://u:hunter2@127.0.0.1:65536/db', 'postgres://u:hunter2@h:pg/db']) {
      const problem = problemOf({ DATABASE_URL });
      expect(problem).toMatch(/DATABASE_URL: DATABASE_URL must be a postgres:\/\/ URL/);
      expect(problem).not.toContain('hunter2');
    }
    for (const good of <Record<string, string>[]>[
      { REDIS_URL: 'rediss://user:p%40ss@[::1]:6380/3' },
      { REDIS_URL: 'redis://127.0.0.1:6379' },
      { DATABASE_URL: 'postgres://u:pw@/db?host=/var/run/postgresql' },
      { DATABASE_URL: 'postgresql://db.internal/sluice?sslmode=require' },
    ]) {
      expect(problemOf(good)).toBe('accepted');
    }
    expect(problemOf({ REDIS_URL: '' })).toMatch(/REDIS_URL: REDIS_URL is not set/);
  });

  it('refuses a default enrichment wait above the largest one accepted', () => {
    const admin = { SLUICE_ADMIN_TOKEN: 'x'.repeat(30) };
    expect(() => loadConfig(GatewayConfig, { ...admin, ENRICH_TIMEOUT_MAX_MS: '1000' })).toThrow(
      /ENRICH_TIMEOUT_MS: ENRICH_TIMEOUT_MS must not be greater than ENRICH_TIMEOUT_MAX_MS \(1000\)/,
    );
    const same = loadConfig(GatewayConfig, {
      ...admin,
      ENRICH_TIMEOUT_MS: '3000',
      ENRICH_TIMEOUT_MAX_MS: '3000',
    });
    expect(same.enrichTimeoutMs).toBe(3000);
  });

  it('bounds retention periods to cut-offs PostgreSQL can compare with', () => {
    expect(loadConfig(CreditMonitorConfig, { RETENTION_PERSON_DAYS: '100000' }).retentionPersonDays).toBe(
      100_000,
    );
    for (const env of ['RETENTION_PERSON_DAYS', 'RETENTION_COMPANY_DAYS', 'RETENTION_RESULT_DAYS']) {
      expect(() => loadConfig(CreditMonitorConfig, { [env]: '9999999' })).toThrow(
        new RegExp(`${env}: ${env} must not be greater than 100000`),
      );
    }
  });

  it('reports the problems of several sections together', () => {
    try {
      loadConfigs([CoreConfig, GatewayConfig], {});
      throw new Error('expected a ConfigError');
    } catch (error) {
      const problems = (error as ConfigError).problems.join('\n');
      expect(problems).toContain('REDIS_URL');
      expect(problems).toContain('DATABASE_URL');
      expect(problems).toContain('SLUICE_ADMIN_TOKEN');
    }
  });

  it('masks sensitive values in text', () => {
    const config = loadConfig(CoreConfig, core);
    expect(maskSecrets(`connecting to ${core.DATABASE_URL}`, [config])).toBe('connecting to ***');
  });
});
