#!/usr/bin/env node
// Migration commands for developers. `run`/`revert` use the compiled migrations (run `npm run build`
// first, `npm start` does); `generate <Name>` compares the entities with DATABASE_URL's schema and
// writes a new migration under libs/db/src/migrations.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const [command, name] = process.argv.slice(2);
const run = (cmd, args, env = {}) => {
  const result = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  process.exit(result.status ?? 1);
};

if (!process.env.DATABASE_URL) {
  console.error('DATABASE_URL is not set: point it at the PostgreSQL database to use.');
  process.exit(2);
}
if (command === 'generate') {
  if (!name || !/^[A-Z][A-Za-z0-9]+$/.test(name)) {
    console.error('Usage: npm run migration:generate -- <PascalCaseName>');
    process.exit(2);
  }
  console.log('Remember to add the new class to MIGRATIONS in libs/db/src/migrations/index.ts.');
  run(
    'npx',
    [
      'typeorm-ts-node-commonjs',
      '-d',
      'libs/db/src/cli-data-source.ts',
      'migration:generate',
      '--pretty',
      `libs/db/src/migrations/${name}`,
    ],
    {
      TS_NODE_TRANSPILE_ONLY: 'true',
      TS_NODE_PROJECT: 'tsconfig.build.json',
    },
  );
} else if (command === 'run' || command === 'revert' || command === 'show') {
  if (!existsSync('dist/libs/db/src/migrate.js')) {
    console.error('dist/ is missing: run `npm run build` first.');
    process.exit(2);
  }
  run('node', ['dist/libs/db/src/migrate.js', command]);
} else {
  console.error('Usage: node scripts/migrate.mjs run|revert|show|generate <Name>');
  process.exit(2);
}
