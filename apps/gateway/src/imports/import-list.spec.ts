import { encodeKeysetCursor } from '../keyset-cursor';
import { parseImportListQuery } from './import-list';

describe('parseImportListQuery', () => {
  it('reads a reference, a status, a limit (20 by default) and a cursor', () => {
    expect(parseImportListQuery({})).toEqual({ limit: 20 });
    const at = '2026-12-02 10:00:00.123456+00';
    const id = '0b7e6f1c-2a4d-4e8f-9c1b-3d5a7e9f1b2c';
    expect(
      parseImportListQuery({
        reference: 'cli-import-0a1b',
        status: 'failed',
        limit: '1',
        cursor: encodeKeysetCursor(at, id),
      }),
    ).toEqual({ reference: 'cli-import-0a1b', status: 'failed', limit: 1, after: { at, id } });
  });

  it('refuses each bad parameter with a 400 naming it', () => {
    for (const [raw, problem] of [
      [{ colour: 'red' }, /Unknown query parameter\(s\) colour; allowed: reference, status, limit, cursor/],
      [{ reference: 'a b' }, /reference must be 1 to 128 visible ASCII/],
      [{ reference: ['a', 'b'] }, /reference may be given once/],
      [{ status: 'queued' }, /status must be one of: running, completed, failed/],
      [{ limit: '101' }, /limit must be a whole number from 1 to 100/],
      [{ cursor: 'nope' }, /cursor is not a next_cursor of this list; start again without it/],
    ] as const) {
      expect(() => parseImportListQuery(raw)).toThrow(problem);
    }
  });
});
