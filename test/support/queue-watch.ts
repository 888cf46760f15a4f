import { Queue, QueueEvents } from 'bullmq';
import { requireEnv } from './database';

/** A queue of the stack under test, with its events, to add jobs and wait for them to finish. */
export interface WatchedQueue {
  queue: Queue;
  events: QueueEvents;
  close(): Promise<void>;
}

/** Opens the queue `name` of the stack using `prefix`, its events ready to be waited on. */
export async function watchQueue(name: string, prefix: string): Promise<WatchedQueue> {
  const connection = { url: requireEnv('REDIS_URL') };
  const queue = new Queue(name, { connection, prefix });
  const events = new QueueEvents(name, { connection, prefix });
  await events.waitUntilReady();
  return {
    queue,
    events,
    close: async () => {
      await events.close();
      await queue.close();
    },
  };
}
