import { CoreConfig, loadConfig } from '@sluice/config';
import { dataSourceOptions } from './data-source';
import { appDatabaseOptions } from './nest/database.module';

const URL = 'postgres://sluice@127.0.0.1:5432/sluice';

/** What pg-pool and pg are given to time a connection's opening out with. */
function connectTimeouts(options: ReturnType<typeof dataSourceOptions>): unknown[] {
  const postgres = options as { connectTimeoutMS?: number; extra?: { connectionTimeoutMillis?: number } };
  return [postgres.connectTimeoutMS, postgres.extra?.connectionTimeoutMillis];
}

describe('dataSourceOptions', () => {
  it('gives a connection 5 s to open unless told otherwise', () => {
    expect(connectTimeouts(dataSourceOptions({ url: URL }))).toEqual([5_000, 5_000]);
  });

  it('takes DATABASE_CONNECT_TIMEOUT_MS for both the pool and the client', () => {
    const core = loadConfig(CoreConfig, {
      REDIS_URL: 'redis://127.0.0.1:6379/0',
      DATABASE_URL: URL,
      DATABASE_CONNECT_TIMEOUT_MS: '12000',
    });
    expect(connectTimeouts(dataSourceOptions(appDatabaseOptions(core, 'sluice-test', 10)))).toEqual([
      12_000, 12_000,
    ]);
  });

  it('refuses a connect timeout below 100 ms, naming the setting', () => {
    expect(() =>
      loadConfig(CoreConfig, {
        REDIS_URL: 'redis://127.0.0.1:6379/0',
        DATABASE_URL: URL,
        DATABASE_CONNECT_TIMEOUT_MS: '0',
      }),
    ).toThrow(/DATABASE_CONNECT_TIMEOUT_MS/);
  });
});
