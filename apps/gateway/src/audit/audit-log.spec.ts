import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { type AuditEntry, AuditLog } from './audit-log.service';

const ENTRY: AuditEntry = {
  workspaceId: '3d6f0a1b-2c3d-4e5f-8a9b-0c1d2e3f4a5b',
  actor: 'admin',
  action: 'api_key.create',
  targetType: 'api_key',
  targetId: 'k1',
  details: { name: 'crm', api_key: 'slk_secret' },
  correlationId: 'req-1',
};

/** A stand-in for the database: only `query` is used by the audit log. */
function dataSource(query: (sql: string, params: unknown[]) => Promise<unknown>): DataSource {
  return { query } as unknown as DataSource;
}

describe('AuditLog.record', () => {
  afterEach(() => {
    jest.restoreAllMocks();
    jest.useRealTimers();
  });

  it('inserts the event with its details stripped of secrets', async () => {
    const calls: unknown[][] = [];
    const log = new AuditLog(
      dataSource((_sql, params) => {
        calls.push(params);
        return Promise.resolve([]);
      }),
    );
    await log.record(ENTRY);
    expect(calls).toEqual([
      [
        [ENTRY.workspaceId],
        ['admin'],
        ['api_key.create'],
        ['api_key'],
        ['k1'],
        [JSON.stringify({ name: 'crm' })],
        ['req-1'],
      ],
    ]);
  });

  it('writes reads of person data in one batch, without holding the answers, and lists after writing them', async () => {
    jest.useFakeTimers();
    const calls: unknown[][] = [];
    const log = new AuditLog(
      dataSource((_sql, params) => {
        calls.push(params);
        return Promise.resolve([]);
      }),
    );
    for (const target of ['j1', 'j2', 'j3']) {
      await log.record({ ...ENTRY, action: 'job.read', targetType: 'job', targetId: target });
    }
    expect(calls).toHaveLength(0); // answered before any write
    await jest.advanceTimersByTimeAsync(60);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.[4]).toEqual(['j1', 'j2', 'j3']);
    // An admin action is written at once, with whatever reads are still held.
    await log.record({ ...ENTRY, action: 'enrich.read', targetId: 'j4' });
    await log.record(ENTRY);
    expect(calls).toHaveLength(2);
    expect(calls[1]?.[2]).toEqual(['enrich.read', 'api_key.create']);
  });

  it('never throws when the write fails, and logs the lost event as an error', async () => {
    const errors = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const log = new AuditLog(dataSource(() => Promise.reject(new Error('connection refused'))));
    await expect(log.record(ENTRY)).resolves.toBeUndefined();
    expect(errors).toHaveBeenCalledWith(
      expect.objectContaining({
        event: 'audit.failed',
        action: 'api_key.create',
        error: 'Error: connection refused',
      }),
    );
    expect(JSON.stringify(errors.mock.calls)).not.toContain('slk_secret');
  });

  it('answers without waiting for a write that hangs', async () => {
    jest.useFakeTimers();
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const log = new AuditLog(dataSource(() => new Promise(() => undefined)));
    let done = false;
    const recording = log.record(ENTRY).then(() => {
      done = true;
    });
    await jest.advanceTimersByTimeAsync(1000);
    expect(done).toBe(false);
    await jest.advanceTimersByTimeAsync(1500);
    await recording;
    expect(done).toBe(true);
  });

  it('writes batches one after another, in the order their events were recorded', async () => {
    const started: string[][] = [];
    let releaseFirst: () => void = () => undefined;
    const log = new AuditLog(
      dataSource((_sql, params) => {
        started.push(params[2] as string[]);
        // The first batch (the reads) is slow to write; the admin action comes while it is in flight.
        return started.length === 1
          ? new Promise((resolve) => (releaseFirst = () => resolve([])))
          : Promise.resolve([]);
      }),
    );
    void log.record({ ...ENTRY, action: 'enrich.read' });
    const reads = log.flush();
    const action = log.record({ ...ENTRY, action: 'export.create' });
    await new Promise((resolve) => setTimeout(resolve, 10));
    // The action's row waits for the batch before it (its clock_timestamp() would come first).
    expect(started).toEqual([['enrich.read']]);
    releaseFirst();
    await Promise.all([reads, action]);
    expect(started).toEqual([['enrich.read'], ['export.create']]);
  });
});
