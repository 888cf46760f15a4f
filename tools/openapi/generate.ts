import 'reflect-metadata';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { previewGatewayDocument } from '../../apps/gateway/src/openapi/document';
import { clientFiles, REGENERATE, ROOT } from './client-files';

/**
 * `npm run client:generate`: writes libs/client/openapi.json and libs/client/src/schema.ts.
 * With `--check` it writes nothing and fails, naming them, when the committed files differ.
 */
async function main(): Promise<void> {
  const check = process.argv.includes('--check');
  const files = await clientFiles(await previewGatewayDocument());
  const stale: string[] = [];
  for (const file of files) {
    const target = join(ROOT, file.path);
    if (check) {
      const committed = await readFile(target, 'utf8').catch(() => null);
      if (committed !== file.text) {
        stale.push(file.path);
      }
      continue;
    }
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, file.text);
    process.stdout.write(`wrote ${file.path}\n`);
  }
  if (stale.length > 0) {
    process.stderr.write(
      `${stale.join(' and ')} ${stale.length > 1 ? 'are' : 'is'} stale against the gateway's controllers: run \`${REGENERATE}\` and commit the result.\n`,
    );
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
