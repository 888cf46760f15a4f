import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const scripts = (
  JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
).scripts;

describe('the migration:* npm scripts', () => {
  // Each runs scripts/migrate.mjs with a command of its own; one the script does not know only
  // prints its usage and exits 2, which `npm run migration:check` did.
  const commands = Object.entries(scripts)
    .filter(([name]) => name.startsWith('migration:') && name !== 'migration:generate')
    .map(([name, line]) => [name, /^node scripts\/migrate\.mjs (\w+)$/.exec(line)?.[1] ?? line] as const);

  it.each(commands)('%s runs a command scripts/migrate.mjs knows (%s)', (_name, command) => {
    // Run where there is no dist/: a known command gets as far as saying so, an unknown one stops
    // at the usage line first.
    const cwd = mkdtempSync(join(tmpdir(), 'sluice-migrate-'));
    try {
      const result = spawnSync(process.execPath, [join(ROOT, 'scripts', 'migrate.mjs'), command], {
        cwd,
        env: { ...process.env, DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' },
        encoding: 'utf8',
      });
      expect(result.stderr).not.toContain('Usage:');
      expect(result.stderr).toContain('dist/ is missing');
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });
});
