import { parseArgs } from 'node:util';
import { basename, extname, isAbsolute, relative } from 'node:path';

/** What `sluice` was asked to do, checked; the API key is never echoed in a message. */
export type Command =
  | {
      command: 'import';
      file: string;
      type: string;
      mapping: string | undefined;
      wait: boolean;
      api: string;
      key: string;
    }
  | {
      command: 'export';
      format: 'csv' | 'jsonl';
      importId: string | undefined;
      batchId: string | undefined;
      output: string | undefined;
      wait: boolean;
      api: string;
      key: string;
    }
  | { command: 'help' };

export const DEFAULT_API_URL = 'http://127.0.0.1:3000';

/**
 * How the user runs this command, for the lines that tell them what to type next: `sluice` when
 * installed as the package's bin (or linked under that name), otherwise `node <script>` as run from
 * a checkout (`node dist/tools/cli/main.js`), so that a copied line works as it is.
 */
export function commandName(script: string | undefined, cwd: string): string {
  if (!script || basename(script, extname(script)) === 'sluice') {
    return 'sluice';
  }
  const relativePath = relative(cwd, script);
  return `node ${relativePath.startsWith('..') || isAbsolute(relativePath) ? script : relativePath}`;
}

/** The usage text, naming the command as `commandName` gives it. */
export function usage(name = 'sluice'): string {
  return [
    'Usage:',
    `  ${name} import <file.csv> --type <request type> [--mapping JSON] [--wait] [--api URL] [--key KEY]`,
    `  ${name} export --format csv|jsonl [--import ID | --batch ID] [--wait] [-o FILE] [--api URL] [--key KEY]`,
    '',
    'The API key comes from --key or SLUICE_API_KEY; the API from --api or SLUICE_API_URL',
    `(default ${DEFAULT_API_URL}).`,
  ].join('\n');
}

/** A mistake in the command line: printed with the usage, exit code 2. */
export class UsageError extends Error {}

const COMMON = {
  api: { type: 'string' },
  key: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

function connection(
  values: { api?: string; key?: string },
  env: NodeJS.ProcessEnv,
): { api: string; key: string } {
  const api = values.api ?? env.SLUICE_API_URL ?? DEFAULT_API_URL;
  try {
    const url = new URL(api);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new Error('not http');
    }
  } catch {
    throw new UsageError(`--api must be an http:// or https:// URL, got "${api}".`);
  }
  const key = values.key ?? env.SLUICE_API_KEY;
  if (!key) {
    throw new UsageError('No API key: pass --key or set SLUICE_API_KEY.');
  }
  return { api, key };
}

/** Parses `sluice …` (argv without node and the script). */
export function parseCommand(argv: readonly string[], env: NodeJS.ProcessEnv): Command {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    return { command: 'help' };
  }
  try {
    if (command === 'import') {
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        options: {
          ...COMMON,
          type: { type: 'string' },
          mapping: { type: 'string' },
          wait: { type: 'boolean' },
        },
      });
      if (values.help) {
        return { command: 'help' };
      }
      if (positionals.length !== 1) {
        throw new UsageError('sluice import takes exactly one CSV file.');
      }
      if (!values.type) {
        throw new UsageError('--type is required, e.g. --type person.email.');
      }
      if (values.mapping !== undefined) {
        let parsed: unknown;
        try {
          parsed = JSON.parse(values.mapping);
        } catch {
          throw new UsageError('--mapping must be JSON, e.g. {"Work Email":"email"}.');
        }
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
          throw new UsageError('--mapping must be a JSON object of CSV column → input field.');
        }
      }
      return {
        command: 'import',
        file: positionals[0],
        type: values.type,
        mapping: values.mapping,
        wait: values.wait ?? false,
        ...connection(values, env),
      };
    }
    if (command === 'export') {
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        options: {
          ...COMMON,
          format: { type: 'string' },
          import: { type: 'string' },
          batch: { type: 'string' },
          output: { type: 'string', short: 'o' },
          wait: { type: 'boolean' },
        },
      });
      if (values.help) {
        return { command: 'help' };
      }
      if (positionals.length > 0) {
        throw new UsageError(`sluice export takes no file argument (use -o FILE), got "${positionals[0]}".`);
      }
      if (values.format !== 'csv' && values.format !== 'jsonl') {
        throw new UsageError('--format is required: csv or jsonl.');
      }
      if (values.import !== undefined && values.batch !== undefined) {
        throw new UsageError('Give --import or --batch, not both.');
      }
      if (values.wait && values.import === undefined && values.batch === undefined) {
        throw new UsageError('--wait waits for the jobs of an import or a batch: give --import or --batch.');
      }
      return {
        command: 'export',
        format: values.format,
        importId: values.import,
        batchId: values.batch,
        output: values.output,
        wait: values.wait ?? false,
        ...connection(values, env),
      };
    }
  } catch (error) {
    if (error instanceof UsageError) {
      throw error;
    }
    // node:util parseArgs: an unknown option or a missing value.
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  throw new UsageError(`Unknown command "${command}": use import or export.`);
}
