import 'reflect-metadata';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { previewGatewayDocument } from '../../apps/gateway/src/openapi/document';
import { clientFiles, ROOT } from './client-files';

/** `npm run client:generate`: writes libs/client/openapi.json and libs/client/src/schema.ts. */
async function main(): Promise<void> {
  const files = await clientFiles(await previewGatewayDocument());
  for (const file of files) {
    await mkdir(dirname(join(ROOT, file.path)), { recursive: true });
    await writeFile(join(ROOT, file.path), file.text);
    process.stdout.write(`wrote ${file.path}\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
