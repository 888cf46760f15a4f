import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { Socket } from 'node:net';
import { join } from 'node:path';
import { openServerLog } from './server-log';

export interface PrivateRedis {
  url: string;
  port: number;
  pid: number;
  /** The server's log file (in its data directory). */
  logPath: string;
  /** Stops the server and waits for it to exit. */
  stop(): Promise<void>;
}

const NO_REDIS_MESSAGE =
  'No redis-server binary was found and it cannot be installed here (installing needs apt-get and root).\n' +
  'Either set REDIS_URL to a Redis 6.2+ server (e.g. REDIS_URL=redis://127.0.0.1:6379/0),\n' +
  'or run the whole stack with `docker compose up`.';

function which(binary: string): string | null {
  const result = spawnSync('sh', ['-c', `command -v ${binary}`], { encoding: 'utf8' });
  const found = result.stdout.trim();
  return result.status === 0 && found ? found : null;
}

/** Finds `redis-server`; installs Debian's package when it is missing and we may (root + apt). */
export function ensureRedisBinary(log: (line: string) => void = console.log): string {
  const existing = which('redis-server');
  if (existing) {
    return existing;
  }
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot || !which('apt-get')) {
    throw new Error(NO_REDIS_MESSAGE);
  }
  log('redis-server is missing: installing Debian’s redis-server package (apt-get)…');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const update = spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  const install =
    update.status === 0
      ? spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'redis-server'], {
          stdio: 'inherit',
          env,
        })
      : update;
  const installed = which('redis-server');
  if (install.status !== 0 || !installed) {
    throw new Error(`Installing redis-server failed.\n${NO_REDIS_MESSAGE}`);
  }
  return installed;
}

/**
 * The process id of the Redis ready on `port` (answering PING, so done loading its data), or null
 * when none is (yet). The id comes from `INFO server`: a PONG from another Redis that took the port
 * first would otherwise pass for ours, and npm start or a test would use somebody else's data.
 */
function readyRedisPid(port: number): Promise<number | null> {
  return new Promise((resolve) => {
    const socket = new Socket();
    let reply = Buffer.alloc(0);
    const done = (pid: number | null): void => {
      socket.destroy();
      resolve(pid);
    };
    socket.setTimeout(500, () => done(null));
    socket.once('error', () => done(null));
    socket.connect(port, '127.0.0.1', () => socket.write('INFO server\r\nPING\r\n'));
    socket.on('data', (data: Buffer) => {
      reply = Buffer.concat([reply, data]);
      // INFO's answer is a bulk string, `$<bytes>\r\n<text>\r\n`; PING's follows it.
      const header = /^\$(\d+)\r\n/.exec(reply.subarray(0, 32).toString('latin1'));
      if (!header) {
        if (reply.length > 0 && reply[0] !== 0x24) {
          done(null); // an error (`-NOAUTH …`) or not Redis at all
        }
        return;
      }
      const bodyEnd = header[0].length + Number(header[1]);
      const rest = reply.subarray(bodyEnd + 2).toString('latin1');
      if (!rest.includes('\r\n')) {
        return;
      }
      const pid = /\r\nprocess_id:(\d+)\r\n/.exec(reply.subarray(0, bodyEnd).toString('latin1'));
      done(pid && rest.startsWith('+PONG') ? Number(pid[1]) : null);
    });
  });
}

function waitForExit(child: ChildProcess, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      resolve();
      return;
    }
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
    }, timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/**
 * Starts a private redis-server on 127.0.0.1 with its data (AOF) in `dataDir`, configured as BullMQ
 * wants production Redis: `noeviction`, append-only.
 */
export async function startPrivateRedis(options: {
  dataDir: string;
  port: number;
  log?: (line: string) => void;
}): Promise<PrivateRedis> {
  const binary = ensureRedisBinary(options.log);
  mkdirSync(options.dataDir, { recursive: true });
  const logPath = join(options.dataDir, 'redis.log');
  const serverLog = openServerLog(logPath);
  const child = spawn(
    binary,
    [
      '--port',
      String(options.port),
      '--bind',
      '127.0.0.1',
      '--protected-mode',
      'yes',
      '--dir',
      options.dataDir,
      '--appendonly',
      'yes',
      '--save',
      '',
      '--maxmemory-policy',
      'noeviction',
      '--daemonize',
      'no',
      '--logfile',
      '',
      '--loglevel',
      'warning',
    ],
    // Own process group: a Ctrl-C in the terminal reaches our apps first; we stop Redis after them.
    { stdio: ['ignore', serverLog.fd, serverLog.fd], detached: true },
  );
  serverLog.close();
  const killOnExit = (): void => {
    child.kill('SIGTERM');
  };
  process.once('exit', killOnExit);
  const deadline = Date.now() + 15_000;
  for (;;) {
    const pid = await readyRedisPid(options.port);
    if (pid === child.pid) {
      break;
    }
    if (pid !== null && child.exitCode !== null) {
      throw new Error(
        `Port ${options.port} is served by another Redis (process ${pid}); ours exited:\n${serverLog.tail().trim()}`,
      );
    }
    if (child.exitCode !== null) {
      throw new Error(
        `redis-server exited with code ${child.exitCode} on port ${options.port}:\n${serverLog.tail().trim()}`,
      );
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(
        `redis-server did not answer on port ${options.port} within 15 s:\n${serverLog.tail().trim()}`,
      );
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url: `redis://127.0.0.1:${options.port}/0`,
    port: options.port,
    pid: child.pid ?? -1,
    logPath,
    stop: async () => {
      process.removeListener('exit', killOnExit);
      child.kill('SIGTERM');
      await waitForExit(child, 10_000);
    },
  };
}
