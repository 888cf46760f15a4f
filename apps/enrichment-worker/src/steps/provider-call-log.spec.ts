import { Logger } from '@nestjs/common';
import type { ProviderCallRecord } from '@sluice/providers';
import { Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import { WorkerMetrics } from '../ops/worker-metrics';
import { type CallRow, ProviderCallLog } from './provider-call-log';

/** An endpoint whose rows PostgreSQL refuses for their content (as it would an out-of-range value). */
const REFUSED_ENDPOINT = 'GET /refused';

/**
 * The call log's table, as the worker's writes see it: it takes rows (one per id, as
 * `ON CONFLICT (id) DO NOTHING` does), refuses every write while `down`, and refuses a write
 * holding a row of {@link REFUSED_ENDPOINT} for its data.
 */
class FakeCallTable {
  readonly rows: CallRow[] = [];
  down = false;
  writes = 0;

  readonly dataSource = {
    query: async (_sql: string, parameters: [string]): Promise<void> => {
      this.writes += 1;
      await Promise.resolve();
      if (this.down) {
        throw new Error('Connection terminated unexpectedly');
      }
      const rows = JSON.parse(parameters[0]) as CallRow[];
      if (rows.some((row) => row.endpoint === REFUSED_ENDPOINT)) {
        throw Object.assign(new Error('numeric field overflow'), { code: '22003' });
      }
      for (const row of rows) {
        if (!this.rows.some((written) => written.id === row.id)) {
          this.rows.push(row);
        }
      }
    },
  } as unknown as DataSource;
}

const call = (endpoint: string): ProviderCallRecord => ({
  provider: 'apollo',
  method: 'GET',
  endpoint,
  url: `https://api.example${endpoint.split(' ')[1]}`,
  status: 200,
  latencyMs: 12,
  credits: 0,
  providerRequestId: null,
  errorKind: null,
});

describe('ProviderCallLog when PostgreSQL refuses its writes', () => {
  let table: FakeCallTable;
  let metrics: WorkerMetrics;
  let log: ProviderCallLog;
  const unlogged = async (): Promise<number> =>
    (await metrics.providerCallsUnlogged.get()).values[0]?.value ?? 0;
  const waiting = async (): Promise<number> =>
    (await metrics.providerCallsWaiting.get()).values[0]?.value ?? 0;

  beforeAll(() => {
    // Each refusal is logged; the counts below are what is checked.
    Logger.overrideLogger(false);
  });
  beforeEach(() => {
    jest.useFakeTimers();
    table = new FakeCallTable();
    metrics = new WorkerMetrics(new Registry());
    log = new ProviderCallLog(table.dataSource, metrics);
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('keeps the rows of a refused write and writes them once PostgreSQL takes writes again, each once', async () => {
    table.down = true;
    log.sink(call('GET /usage')); // a balance check: written on its own
    log.sink(call('GET /usage'));
    await jest.advanceTimersByTimeAsync(1_000);
    expect(table.rows).toHaveLength(0);
    expect(await waiting()).toBe(2);

    table.down = false;
    await jest.advanceTimersByTimeAsync(30_000);
    expect(table.rows).toHaveLength(2);
    expect(new Set(table.rows.map((row) => row.id)).size).toBe(2);
    expect(await waiting()).toBe(0);
    expect(await unlogged()).toBe(0);
  });

  it('gives up at once, and counts, a row PostgreSQL refuses for its content (no retry)', async () => {
    log.sink(call(REFUSED_ENDPOINT));
    await jest.advanceTimersByTimeAsync(60_000);
    expect(table.writes).toBe(1);
    expect(await unlogged()).toBe(1);
    expect(await waiting()).toBe(0);
  });

  it('writes the rest of a retried batch when PostgreSQL refuses one of its rows for its content', async () => {
    table.down = true;
    log.sink(call('GET /usage'));
    log.sink(call(REFUSED_ENDPOINT));
    log.sink(call('GET /credits'));
    await jest.advanceTimersByTimeAsync(100);
    table.down = false;
    await jest.advanceTimersByTimeAsync(30_000);
    expect(table.rows.map((row) => row.endpoint)).toEqual(['GET /usage', 'GET /credits']);
    expect(await unlogged()).toBe(1);
    expect(await waiting()).toBe(0);
  });

  it('gives a row up, and counts it, after 15 failed writes', async () => {
    table.down = true;
    log.sink(call('GET /usage'));
    await jest.advanceTimersByTimeAsync(60 * 60_000);
    expect(table.writes).toBe(15);
    expect(await unlogged()).toBe(1);
    expect(await waiting()).toBe(0);
  });

  it('on close tries the rows kept once more, then gives up what PostgreSQL still refuses and tries no more', async () => {
    table.down = true;
    log.sink(call('GET /usage'));
    await jest.advanceTimersByTimeAsync(100);
    table.down = false;
    await log.close();
    expect(table.rows).toHaveLength(1);

    table.down = true;
    const other = new ProviderCallLog(table.dataSource, metrics);
    other.sink(call('GET /credits'));
    await jest.advanceTimersByTimeAsync(100);
    await other.close();
    const writes = table.writes;
    await jest.advanceTimersByTimeAsync(60 * 60_000);
    expect(table.writes).toBe(writes);
    expect(await unlogged()).toBe(1);
    expect(await waiting()).toBe(0);
  });
});
