import type { Config } from 'jest';

const moduleNameMapper: Config['moduleNameMapper'] = {
  '^@sluice/(config|db|queue|enrichment|providers|platform|client)$': '<rootDir>/libs/$1/src/index.ts',
};
// Tests are transpiled only (fast); `npm run typecheck` type-checks them.
const transform: Config['transform'] = {
  '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }],
};

const config: Config = {
  // A worker whose heap is over this after a test file is replaced by a fresh one. The integration
  // suites run with --maxWorkers=1 (one at a time, as they share the test servers' capacity) rather
  // than --runInBand, whose one process is never replaced: each suite loads the apps' modules
  // afresh and some of each stays reachable, and in one process the run grew past 4 GB, until
  // collections held the event loop long enough for PostgreSQL connections to time out.
  workerIdleMemoryLimit: '1GB',
  projects: [
    {
      displayName: 'unit',
      rootDir: '.',
      testEnvironment: 'node',
      testMatch: ['<rootDir>/{apps,libs,tools}/**/*.spec.ts'],
      moduleNameMapper,
      transform,
    },
    {
      displayName: 'integration',
      rootDir: '.',
      testEnvironment: 'node',
      testMatch: ['<rootDir>/{apps,libs,test}/**/*.int-spec.ts'],
      moduleNameMapper,
      transform,
      setupFilesAfterEnv: ['<rootDir>/test/support/integration-setup.ts'],
    },
  ],
};

export default config;
