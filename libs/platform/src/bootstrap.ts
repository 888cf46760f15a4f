import { ConfigError } from '@sluice/config';

/**
 * Runs an app's start-up. A configuration problem prints which variables are wrong and exits 1
 * without a stack trace; anything else is reported with its message.
 */
export function runApp(name: string, start: () => Promise<void>): void {
  start().catch((error: unknown) => {
    if (error instanceof ConfigError) {
      console.error(`${name} cannot start. ${error.message}`);
    } else {
      console.error(
        `${name} failed to start:`,
        error instanceof Error ? (error.stack ?? error.message) : error,
      );
    }
    process.exit(1);
  });
}
