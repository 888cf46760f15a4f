import { join } from 'node:path';
import type { OpenAPIObject } from '@nestjs/swagger';
import openapiTS, { astToString } from 'openapi-typescript';
import { format, resolveConfig } from 'prettier';

export const ROOT = join(__dirname, '..', '..');
export const REGENERATE = 'npm run client:generate';

export interface GeneratedFile {
  /** Relative to the repository root. */
  path: string;
  text: string;
}

const SCHEMA_HEADER = `/**
 * GENERATED FILE: do not edit. The gateway's OpenAPI document (libs/client/openapi.json) as types,
 * by openapi-typescript. Regenerate with \`${REGENERATE}\` after changing a controller or a DTO.
 */
`;

async function formatted(path: string, text: string): Promise<string> {
  const options = (await resolveConfig(join(ROOT, path))) ?? {};
  return format(text, { ...options, filepath: join(ROOT, path) });
}

/** The committed files of `libs/client` that follow from the gateway's OpenAPI document. */
export async function clientFiles(document: OpenAPIObject): Promise<GeneratedFile[]> {
  const json = JSON.stringify(document, null, 2);
  // openapi-typescript reads the document as the JSON text (not the object), exactly as committed.
  const types = astToString(
    await openapiTS(json, {
      alphabetize: false,
      // A property with a default may be left out of a request: keep it optional in the types.
      defaultNonNullable: false,
    }),
  );
  return [
    { path: 'libs/client/openapi.json', text: await formatted('libs/client/openapi.json', json) },
    {
      path: 'libs/client/src/schema.ts',
      text: await formatted('libs/client/src/schema.ts', `${SCHEMA_HEADER}\n${types}`),
    },
  ];
}
