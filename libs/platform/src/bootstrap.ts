import { ConfigError } from '@sluice/config';

/** How an app is started: its name, and the setting that moves the port it listens on. */
export interface AppStart {
  name: string;
  /** e.g. `GATEWAY_PORT`: named when the port is taken. */
  portSetting: string;
}

/**
 * What an app that could not start prints: which settings are wrong for a configuration problem;
 * for a port another process holds, which one and the setting that moves it (Node's own message
 * names neither the app nor the setting); otherwise the error with its stack.
 */
export function startFailure(app: AppStart, error: unknown): string {
  if (error instanceof ConfigError) {
    return `${app.name} cannot start. ${error.message}`;
  }
  const listen = error as NodeJS.ErrnoException & { port?: number; address?: string };
  if (listen?.code === 'EADDRINUSE' || listen?.code === 'EACCES') {
    const where = `port ${listen.port ?? '?'}${listen.address ? ` on ${listen.address}` : ''}`;
    const why =
      listen.code === 'EADDRINUSE' ? 'is already in use by another process' : 'may not be used by this user';
    return `${app.name} cannot start: ${where} ${why}. Set ${app.portSetting} to another port.`;
  }
  return `${app.name} failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`;
}

/** Runs an app's start-up; if it fails, prints {@link startFailure} and exits 1. */
export function runApp(app: AppStart, start: () => Promise<void>): void {
  start().catch((error: unknown) => {
    console.error(startFailure(app, error));
    process.exit(1);
  });
}
