import type { CoreConfig, WorkerConfig } from '@sluice/config';
import type { Worker } from 'bullmq';
import type { DataSource } from 'typeorm';
import { DependencyWatchdog } from './dependency-watchdog';
import type { WorkerRegistry } from './worker-registry';

/** The parts of a BullMQ worker the watchdog uses, recording what it was asked to do. */
class FakeWorker {
  name = 'provider.companies-house';
  running = true;
  paused = false;
  closing: Promise<void> | undefined = undefined;
  calls: string[] = [];
  isRunning(): boolean {
    return this.running;
  }
  isPaused(): boolean {
    return this.paused;
  }
  pause(): Promise<void> {
    this.calls.push('pause');
    this.paused = true;
    return Promise.resolve();
  }
  resume(): void {
    this.calls.push('resume');
    this.paused = false;
  }
  run(): Promise<void> {
    this.calls.push('run');
    this.running = true;
    return Promise.resolve();
  }
}

/** pg's pool behind TypeORM, as the watchdog reads it: how many connections, how many idle. */
interface FakePool {
  totalCount: number;
  idleCount: number;
  options: { max: number };
}

/** `SELECT 1`'s outcome: answered, failed, or never answered (a database gone silent). */
type Database = 'up' | 'down' | 'silent';

function watchdog(
  worker: FakeWorker,
  database: () => boolean | Database,
  pool?: FakePool,
): DependencyWatchdog {
  const answer = (state: Database): Promise<unknown> =>
    state === 'up'
      ? Promise.resolve([{ '?column?': 1 }])
      : state === 'down'
        ? Promise.reject(new Error('down'))
        : new Promise(() => undefined);
  const dataSource = {
    query: () => {
      const state = database();
      return answer(state === true ? 'up' : state === false ? 'down' : state);
    },
    driver: { master: pool },
  } as unknown as DataSource;
  const registry = {
    all: () => [worker as unknown as Worker],
    queueNames: () => [worker.name],
  } as unknown as WorkerRegistry;
  return new DependencyWatchdog(
    dataSource,
    registry,
    { dependencyCheckIntervalMs: 1000 } as WorkerConfig,
    { databaseConnectTimeoutMs: 5000 } as CoreConfig,
  );
}

describe('DependencyWatchdog', () => {
  it('pauses workers while PostgreSQL is down and resumes them when it is back', async () => {
    let up = false;
    const worker = new FakeWorker();
    const dog = watchdog(worker, () => up);
    await dog.check();
    expect(dog.isPaused).toBe(true);
    up = true;
    await dog.check();
    expect(dog.isPaused).toBe(false);
    expect(worker.calls).toEqual(['pause', 'resume']);
  });

  it('restarts a worker whose loop stopped right after a quick pause and resume', async () => {
    const worker = new FakeWorker();
    const dog = watchdog(worker, () => true);
    await dog.check();
    expect(worker.calls).toEqual([]);
    worker.running = false; // the loop ended while paused; resume() did not restart it
    await dog.check();
    expect(worker.calls).toEqual(['run']);
  });

  it('leaves a closing or paused worker alone', async () => {
    const worker = new FakeWorker();
    worker.running = false;
    worker.closing = Promise.resolve();
    await watchdog(worker, () => true).check();
    worker.closing = undefined;
    worker.paused = true;
    await watchdog(worker, () => true).check();
    expect(worker.calls).toEqual([]);
  });

  it('does not pause the workers when the check only waited for a busy pool', async () => {
    const worker = new FakeWorker();
    // Every connection checked out: the check's query times out in the pool's queue.
    const busy: FakePool = { totalCount: 10, idleCount: 0, options: { max: 10 } };
    const dog = watchdog(worker, () => false, busy);
    await dog.check();
    expect(dog.isPaused).toBe(false);
    // No connection left at all (an outage ended them): paused.
    busy.totalCount = 0;
    await dog.check();
    expect(dog.isPaused).toBe(true);
    expect(worker.calls).toEqual(['pause']);
  });

  it('leaves no timer running once a check is decided, so a closing process is not held open', async () => {
    jest.useFakeTimers();
    try {
      for (const up of [true, false]) {
        await watchdog(new FakeWorker(), () => up).check();
        // The check's own deadline is cleared whether the database answered or failed.
        expect(jest.getTimerCount()).toBe(0);
      }
    } finally {
      jest.useRealTimers();
    }
  });

  describe('a check that goes unanswered', () => {
    beforeEach(() => jest.useFakeTimers());
    afterEach(() => jest.useRealTimers());

    /** One check whose query is still unanswered at its 1.5 s deadline. */
    const check = async (dog: DependencyWatchdog): Promise<void> => {
      const done = dog.check();
      await jest.advanceTimersByTimeAsync(1500);
      await done;
    };

    it('leaves the workers running until checks have gone unanswered for the connect timeout', async () => {
      let state: Database = 'silent';
      const worker = new FakeWorker();
      const dog = watchdog(worker, () => state);
      await check(dog); // 1.5 s: a new connection may still be opening
      await check(dog); // 3 s
      await check(dog); // 4.5 s
      expect({ paused: dog.isPaused, calls: worker.calls }).toEqual({ paused: false, calls: [] });
      await check(dog); // 6 s: longer than DATABASE_CONNECT_TIMEOUT_MS
      expect({ paused: dog.isPaused, calls: worker.calls }).toEqual({ paused: true, calls: ['pause'] });
      state = 'up';
      await check(dog);
      expect({ paused: dog.isPaused, calls: worker.calls }).toEqual({
        paused: false,
        calls: ['pause', 'resume'],
      });
    });

    it('starts counting again after an answer', async () => {
      let state: Database = 'silent';
      const worker = new FakeWorker();
      const dog = watchdog(worker, () => state);
      await check(dog);
      await check(dog);
      await check(dog);
      state = 'up';
      await check(dog);
      state = 'silent';
      await check(dog);
      await check(dog);
      await check(dog);
      expect(dog.isPaused).toBe(false);
      expect(worker.calls).toEqual([]);
    });

    it('pauses at once when a check fails outright, slow ones before or not', async () => {
      let state: Database = 'silent';
      const worker = new FakeWorker();
      const dog = watchdog(worker, () => state);
      await check(dog);
      state = 'down';
      await dog.check();
      expect(dog.isPaused).toBe(true);
      expect(worker.calls).toEqual(['pause']);
    });
  });
});
