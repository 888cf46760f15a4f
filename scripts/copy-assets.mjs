// Copies the files tsc does not emit (the dashboard's HTML, JS and CSS) next to the compiled code.
import { cpSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const ASSET_DIRS = ['apps/gateway/src/dashboard/assets'];

for (const dir of ASSET_DIRS) {
  cpSync(join(root, dir), join(root, 'dist', dir), { recursive: true });
}
