// Shared first steps of `npm start` and `npm test`, in plain JavaScript because they run before
// dependencies exist: install what is missing, then compile (incrementally) to dist/.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function run(command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: process.env });
  if (result.status !== 0) {
    console.error(`\n'${command} ${args.join(' ')}' failed (exit ${result.status ?? result.signal}).`);
    process.exit(result.status ?? 1);
  }
}

export function ensureInstalled() {
  const marker = join(root, 'node_modules', '.package-lock.json');
  const lock = join(root, 'package-lock.json');
  if (!existsSync(marker) || statSync(lock).mtimeMs > statSync(marker).mtimeMs) {
    console.log('Installing dependencies (npm install)…');
    run('npm', ['install', '--no-audit', '--no-fund']);
  }
}

export function build() {
  console.log('Compiling…');
  run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json']);
  run(process.execPath, [
    join(root, 'node_modules/tsc-alias/dist/bin/index.js'),
    '-p',
    'tsconfig.build.json',
  ]);
  run(process.execPath, [join(root, 'scripts/copy-assets.mjs')]);
}

/**
 * Runs a compiled script in this same process, so that signals (Ctrl-C, SIGTERM) reach the code
 * that stops what it started, with no intermediate process to orphan it.
 */
export async function runCompiled(relative) {
  process.setSourceMapsEnabled(true);
  await import(pathToFileURL(join(root, relative)).href);
}
