import { ConfigError, loadConfig, loadConfigs, maskSecrets } from './load-config';
import { CreditMonitorConfig } from './credit-monitor';
import { renderEnvExample } from './env-example';
import { PipelineConfig } from './pipeline';
import { CoreConfig, GatewayConfig, SandboxConfig, WebhookReceiverConfig, WorkerConfig } from './sections';

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
