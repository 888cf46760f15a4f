import type { Config } from 'jest';

const moduleNameMapper: Config['moduleNameMapper'] = {
  '^@sluice/(config|db|queue|enrichment|providers|platform|client)$': '<rootDir>/libs/$1/src/index.ts',
};
// Tests are transpiled only (fast); `npm run typecheck` type-checks them.
const transform: Config['transform'] = {
  '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }],
};

const config: Config = {
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
