import { call, createWorkspace } from '../support/api';
import { createTestDatabase, requireEnv, type TestDatabase } from '../support/database';
import { uniquePrefix } from '../support/redis';
import { startStack, type Stack } from '../support/stack';

interface BatchPage {
  data: { id: string }[];
  next_cursor: string | null;
  next_offset: number | null;
}

/**
 * `GET /v1/batches` while the workspace keeps creating batches (a scheduler, another team's
 * client): a client that follows the pages must see every batch that was there when it started,
 * each once. Pages by offset shift as new batches are put in front of them, so the list pages by
 * keyset cursor, as the other lists do.
 */
describe('GET /v1/batches, page by page while batches are created', () => {
  let db: TestDatabase;
  let stack: Stack;
  let workspace: { id: string; apiKey: string };

  beforeAll(async () => {
    db = await createTestDatabase();
    stack = await startStack({
      databaseUrl: db.url,
      redisUrl: requireEnv('REDIS_URL'),
      prefix: uniquePrefix(),
      worker: false,
    });
    workspace = await createWorkspace(stack.gatewayUrl, 'Paged Batches Co');
  });

  afterAll(async () => {
    await stack?.close();
    await db?.drop();
  });

  /** `count` batches, made in one statement (one created_at, as rows written together have). */
  const insertBatches = async (count: number): Promise<string[]> => {
    const rows = await db.dataSource.query<{ id: string }[]>(
      `INSERT INTO batches (workspace_id, fields, records_received, record_count, correlation_id)
       SELECT $1, '["business_email"]', 0, 0, 'test' FROM generate_series(1, $2)
       RETURNING id`,
      [workspace.id, count],
    );
    return rows.map((row) => row.id);
  };

  const page = async (query: string): Promise<{ status: number; body: BatchPage }> =>
    call<BatchPage>(stack.gatewayUrl, 'GET', `/v1/batches?${query}`, { token: workspace.apiKey });

  it('lists every batch once, newest first, though batches are created between pages and share a created_at', async () => {
    const existing = await insertBatches(45);
    const stored = await db.dataSource.query<{ id: string }[]>(
      'SELECT id FROM batches WHERE workspace_id = $1 ORDER BY created_at DESC, id DESC',
      [workspace.id],
    );
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const answer = await page(`limit=10${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(answer.status).toBe(200);
      seen.push(...answer.body.data.map((batch) => batch.id));
      cursor = answer.body.next_cursor;
      pages += 1;
      // Two more batches before the next page is asked for: newer than every one listed so far.
      await insertBatches(2);
    } while (cursor);
    expect(pages).toBe(5);
    expect(seen).toEqual(stored.map((row) => row.id));
    expect(new Set(seen).size).toBe(existing.length);
  });

  it('refuses a cursor it did not hand out, and a cursor with an offset, by name', async () => {
    const forged = await page('cursor=not-a-cursor');
    expect(forged.status).toBe(400);
    expect(JSON.stringify(forged.body)).toContain('cursor');
    const first = await page('limit=1');
    expect(first.body.next_cursor).toEqual(expect.any(String));
    const both = await page(`cursor=${first.body.next_cursor}&offset=1`);
    expect(both.status).toBe(400);
    expect(JSON.stringify(both.body)).toMatch(/cursor.*offset|offset.*cursor/);
    // Offsets still page as they did, for the clients that use them.
    const byOffset = await page('limit=1&offset=1');
    expect(byOffset.status).toBe(200);
    expect(byOffset.body.next_offset).toBe(2);
  });

  it('follows no cursor of another workspace into its batches', async () => {
    const other = await createWorkspace(stack.gatewayUrl, 'Other Batches Co');
    const first = await page('limit=1');
    const theirs = await call<BatchPage>(
      stack.gatewayUrl,
      'GET',
      `/v1/batches?cursor=${first.body.next_cursor}`,
      { token: other.apiKey },
    );
    expect(theirs.status).toBe(200);
    expect(theirs.body).toEqual({ data: [], next_cursor: null, next_offset: null });
  });
});
