/**
 * Run as a process of its own by the redis-close-before-ready test: Queues or Workers (argv[2]),
 * with an app's connection options, against a "Redis" that resets every connection within a few
 * milliseconds of accepting it, each closed a few tens of milliseconds after it was made — while
 * its first connection is still failing, as when Redis goes away before an app's connections are
 * up and the app shuts down. Prints how many rejections went unhandled (each would have ended an
 * app: Node's default prints the error and exits with code 1) and what the error listeners saw.
 */
import { createServer } from 'node:net';
import { Queue, Worker } from 'bullmq';
import { connectionOptions } from '@sluice/queue';

const ROUNDS = 30;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function main(kind: string): Promise<void> {
  const unhandled: string[] = [];
  process.on('unhandledRejection', (reason) => unhandled.push(String(reason)));
  const server = createServer((socket) => {
    socket.on('error', () => undefined);
    setTimeout(() => socket.resetAndDestroy(), Math.random() * 5);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const url = `redis://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  // Reconnecting at once rather than after the apps' backoff, so that each round's close meets
  // a connection attempt under way.
  const retryStrategy = (): number => 1;

  const errors = new Set<string>();
  const onError = (error: Error): void => {
    errors.add(error.message.replace(/:\d+$/, ''));
  };
  let closed = 0;
  for (let round = 0; round < ROUNDS; round += 1) {
    let made: Queue | Worker;
    if (kind === 'Worker') {
      const connection = { ...connectionOptions(url, 'worker'), retryStrategy };
      const worker = new Worker('q', () => Promise.resolve(), { connection, prefix: 'close-before-ready' });
      worker.on('error', onError);
      made = worker;
    } else {
      const connection = { ...connectionOptions(url, 'producer'), retryStrategy };
      const queue = new Queue('q', { connection, prefix: 'close-before-ready' });
      queue.on('error', onError);
      made = queue;
    }
    await sleep(20 + Math.random() * 30);
    await made.close();
    closed += 1;
  }
  // The failed first connections settle on the next turns of the event loop.
  await sleep(300);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  process.stdout.write(`${JSON.stringify({ closed, errors: [...errors], unhandled })}\n`);
  // Workers closed before they ran leave BullMQ's stalled-jobs timer (30 s) behind; an app's
  // shutdown ends its process the same way once everything is closed.
  process.exit(0);
}

void main(process.argv[2] ?? 'Worker');
