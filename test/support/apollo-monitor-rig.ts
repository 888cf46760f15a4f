import { JOB_NAMES, QUEUE_NAMES } from '@sluice/queue';
import { Queue, QueueEvents } from 'bullmq';
import { AnswerHoldingRelay } from './answer-holding-relay';
import { requireEnv } from './database';
import type { Stack } from './stack';
import { startAppProcess, type WorkerProcess } from './worker-process';

/**
 * A credit monitor process that reaches Apollo through an {@link AnswerHoldingRelay} (so a test
 * can hold a balance read's request or answer on the way), with a queue to start Apollo balance
 * checks on, as the monitor's scheduler does.
 */
export interface ApolloMonitorRig {
  relay: AnswerHoldingRelay;
  /** Starts one Apollo balance check; resolves to its result. */
  checkApollo(): Promise<Record<string, unknown>>;
  /** Lets everything held go, stops the monitor and closes the queue and the relay. */
  stop(): Promise<void>;
}

export async function startApolloMonitorRig(stack: Stack, prefix: string): Promise<ApolloMonitorRig> {
  const sandbox = new URL(stack.sandboxUrl);
  const relay = new AnswerHoldingRelay({ host: sandbox.hostname, port: Number(sandbox.port) });
  await relay.start();
  const apolloUrl = new URL(stack.env.APOLLO_BASE_URL);
  apolloUrl.port = String(relay.port);
  let monitor: WorkerProcess | undefined;
  const connection = { url: requireEnv('REDIS_URL') };
  const queue = new Queue(QUEUE_NAMES.creditMonitor, { connection, prefix });
  const events = new QueueEvents(QUEUE_NAMES.creditMonitor, { connection, prefix });
  const stop = async (): Promise<void> => {
    relay.releaseRequests();
    relay.release();
    await monitor?.stop();
    await events.close();
    await queue.close();
    await relay.stop();
  };
  try {
    monitor = await startAppProcess('credit-monitor', {
      ...stack.env,
      APOLLO_BASE_URL: apolloUrl.toString(),
    });
    await events.waitUntilReady();
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    relay,
    checkApollo: () =>
      queue
        .add(JOB_NAMES.creditsCheck, { provider: 'apollo' }, { removeOnComplete: { count: 100 } })
        .then((job) => job.waitUntilFinished(events, 30_000)),
    stop,
  };
}
