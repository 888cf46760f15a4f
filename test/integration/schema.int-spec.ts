import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { MIGRATIONS } from '@sluice/db';
import { createTestDatabase, type TestDatabase } from '../support/database';

describe('schema and migrations', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
  });

  afterAll(async () => {
    await db?.drop();
  });

  it('lists every migration file in MIGRATIONS', () => {
    const files = readdirSync(join(__dirname, '..', '..', 'libs', 'db', 'src', 'migrations')).filter((f) =>
      /^\d+-\w+\.ts$/.test(f),
    );
    expect(MIGRATIONS).toHaveLength(files.length);
  });

  it('matches the entities: generating a migration now would produce nothing', async () => {
    const sql = await db.dataSource.driver.createSchemaBuilder().log();
    expect(sql.upQueries.map((q) => q.query)).toEqual([]);
  });

  it('reverts every migration and applies them again', async () => {
    for (let i = 0; i < MIGRATIONS.length; i++) {
      await db.dataSource.undoLastMigration({ transaction: 'each' });
    }
    const tables = await db.dataSource.query<{ n: string }[]>(
      "SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> 'migrations'",
    );
    expect(Number(tables[0].n)).toBe(0);
    await db.dataSource.runMigrations({ transaction: 'each' });
    expect(await db.dataSource.showMigrations()).toBe(false);
  });
});
