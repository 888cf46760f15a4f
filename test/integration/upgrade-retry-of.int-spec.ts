import { createTestDatabase, type TestDatabase } from '../support/database';

/**
 * A database migrated before `retry_of` existed holds retries that only their originals name
 * (`retried_as`). Upgrading must link them both ways, or `GET /v1/jobs/{id}` shows such a retry
 * with `retry_of: null`, "a first attempt", while its original says it was retried as that job.
 */
describe('upgrading a database with retries made before retry_of', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
  });

  afterAll(async () => {
    await db?.drop();
  });

  it('links each retry to the job it runs again', async () => {
    // Back to the schema as it was before RequestRetryOf.
    for (;;) {
      const [last] = await db.dataSource.query<{ timestamp: string }[]>(
        'SELECT "timestamp" FROM migrations ORDER BY "timestamp" DESC LIMIT 1',
      );
      if (Number(last.timestamp) < 1796540000000) {
        break;
      }
      await db.dataSource.undoLastMigration({ transaction: 'each' });
    }
    const [workspace] = await db.dataSource.query<{ id: string }[]>(
      "INSERT INTO workspaces (name, slug) VALUES ('Upgrade', 'upgrade') RETURNING id",
    );
    const job = async (status: string, retriedAs: string | null = null): Promise<string> => {
      const [row] = await db.dataSource.query<{ id: string }[]>(
        `INSERT INTO enrichment_requests (workspace_id, type, input, status, correlation_id, retried_as)
         VALUES ($1, 'company.profile', '{"company_number":"00000001"}', $2, 'c', $3) RETURNING id`,
        [workspace.id, status, retriedAs],
      );
      return row.id;
    };
    const retry = await job('completed');
    const original = await job('cancelled', retry);
    const untouched = await job('failed');

    await db.dataSource.runMigrations({ transaction: 'each' });

    const rows = await db.dataSource.query<{ id: string; retry_of: string | null }[]>(
      'SELECT id, retry_of FROM enrichment_requests',
    );
    const retryOf = Object.fromEntries(rows.map((row) => [row.id, row.retry_of]));
    expect(retryOf).toEqual({ [retry]: original, [original]: null, [untouched]: null });
    expect(await db.dataSource.showMigrations()).toBe(false);
  });
});
