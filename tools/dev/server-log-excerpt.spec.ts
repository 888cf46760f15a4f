import { POSTGRES_NOTABLE, REDIS_NOTABLE, serverLogExcerpt } from './server-log-excerpt';

const POSTGRES_LOG = [
  '2026-12-06 17:17:10.521 UTC [101] LOG:  database system is ready to accept connections',
  '2026-12-06 17:20:01.000 UTC [202] ERROR:  duplicate key value violates unique constraint "uq_steps"',
  '2026-12-06 17:20:01.000 UTC [202] STATEMENT:  INSERT INTO enrichment_steps …',
  '2026-12-06 17:20:02.000 UTC [203] FATAL:  terminating connection due to administrator command',
  '2026-12-06 17:20:03.000 UTC [204] LOG:  duration: 7012.345 ms  execute s1: INSERT INTO enrichment_requests …',
  '2026-12-06 17:20:04.000 UTC [205] LOG:  process 205 still waiting for ShareLock on transaction 812 after 1000.118 ms',
  '2026-12-06 17:20:05.000 UTC [205] LOG:  process 205 acquired ShareLock on transaction 812 after 2400.5 ms',
  '2026-12-06 17:20:06.000 UTC [101] LOG:  server process (PID 206) was terminated by signal 9: Killed',
  '2026-12-06 17:20:06.100 UTC [101] LOG:  checkpoint complete: wrote 3 buffers (0.0%)',
].join('\n');

describe('serverLogExcerpt', () => {
  it('keeps what explains a stall or a lost connection, not the errors tests cause on purpose', () => {
    const excerpt = serverLogExcerpt('PostgreSQL', POSTGRES_LOG, POSTGRES_NOTABLE).split('\n');
    expect(excerpt[0]).toBe('=== PostgreSQL log: 5 notable line(s) ===');
    expect(excerpt.slice(1).map((line) => line.replace(/^.*? \[\d+\] /, ''))).toEqual([
      'LOG:  database system is ready to accept connections',
      'LOG:  duration: 7012.345 ms  execute s1: INSERT INTO enrichment_requests …',
      'LOG:  process 205 still waiting for ShareLock on transaction 812 after 1000.118 ms',
      'LOG:  process 205 acquired ShareLock on transaction 812 after 2400.5 ms',
      'LOG:  server process (PID 206) was terminated by signal 9: Killed',
    ]);
  });

  it('shows only the last lines of a long log, and says how many there were', () => {
    const log = Array.from(
      { length: 5 },
      (_, i) => `LOG:  duration: ${5000 + i} ms  statement: SELECT ${i}`,
    ).join('\n');
    expect(serverLogExcerpt('PostgreSQL', log, POSTGRES_NOTABLE, 2)).toBe(
      [
        '=== PostgreSQL log: 5 notable line(s), the last 2 ===',
        'LOG:  duration: 5003 ms  statement: SELECT 3',
        'LOG:  duration: 5004 ms  statement: SELECT 4',
      ].join('\n'),
    );
  });

  it("picks Redis' warnings out of its log", () => {
    const log = [
      '4242:C 06 Dec 2026 17:17:10.001 * oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo',
      '4242:M 06 Dec 2026 17:17:10.002 # WARNING Memory overcommit must be enabled!',
      '4242:M 06 Dec 2026 17:25:00.000 # Asynchronous AOF fsync is taking too long (disk is busy?).',
    ].join('\n');
    expect(serverLogExcerpt('Redis', log, REDIS_NOTABLE)).toBe(
      [
        '=== Redis log: 2 notable line(s) ===',
        '4242:M 06 Dec 2026 17:17:10.002 # WARNING Memory overcommit must be enabled!',
        '4242:M 06 Dec 2026 17:25:00.000 # Asynchronous AOF fsync is taking too long (disk is busy?).',
      ].join('\n'),
    );
  });
});
