#!/usr/bin/env node
/*
 * `sluice`: the command-line client of a Sluice gateway, with a workspace API key.
 *   sluice import leads.csv --type person.email [--mapping JSON] [--wait] [--api URL] [--key KEY]
 *   sluice export --format csv|jsonl [--import ID | --batch ID] [--wait] [-o FILE]
 * The key (--key or SLUICE_API_KEY) is sent as a bearer token and never printed.
 */
import { commandName, parseCommand, UsageError, usage } from './args';
import { runExport } from './export';
import { runImport } from './import';

export async function main(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  name = commandName(process.argv[1], process.cwd()),
): Promise<number> {
  let command;
  try {
    command = parseCommand(argv, env);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`sluice: ${error.message}\n\n${usage(name)}\n`);
      return 2;
    }
    throw error;
  }
  switch (command.command) {
    case 'help':
      process.stdout.write(`${usage(name)}\n`);
      return 0;
    case 'import':
      return runImport({ ...command, commandName: name });
    case 'export':
      return runExport(command);
  }
}

if (require.main === module) {
  main(process.argv.slice(2), process.env).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      // A network or file error: its message names the problem (the key is never part of it).
      const cause = error instanceof Error && error.cause instanceof Error ? ` (${error.cause.message})` : '';
      process.stderr.write(`sluice: ${error instanceof Error ? error.message : String(error)}${cause}\n`);
      process.exitCode = 1;
    },
  );
}
