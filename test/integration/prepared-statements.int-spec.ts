import { NestFactory } from '@nestjs/core';
import { CoreConfig, loadConfig, SluiceConfigModule } from '@sluice/config';
import {
  createDataSource,
  DatabaseModule,
  isUniqueViolation,
  preparedSql,
  queryPrepared,
  preparesStatements,
} from '@sluice/db';
import { DataSource, type EntityManager } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '../support/database';

const INSERT = preparedSql(
  'INSERT INTO prepared_probe (id, label) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING RETURNING id, label',
);
const STRICT_INSERT = preparedSql('INSERT INTO prepared_probe (id, label) VALUES ($1, $2)');
const RELABEL = preparedSql('UPDATE prepared_probe SET label = $2 WHERE id = $1 RETURNING label');

/** The statements the connection `manager` runs on holds prepared. */
async function preparedOn(manager: EntityManager): Promise<string[]> {
  const rows = await manager.query<{ name: string }[]>(
    'SELECT name FROM pg_prepared_statements ORDER BY name',
  );
  return rows.map((row) => row.name);
}

/** Hot-path statements as named prepared statements, through TypeORM, against real PostgreSQL. */
describe('prepared statements', () => {
  let db: TestDatabase;
  let plain: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase();
    await db.dataSource.query('CREATE TABLE prepared_probe (id int PRIMARY KEY, label text NOT NULL)');
    plain = createDataSource({
      url: db.url,
      applicationName: 'sluice-tests',
      poolSize: 2,
      preparedStatements: false,
    });
    await plain.initialize();
  });

  afterAll(async () => {
    await plain?.destroy();
    await db?.drop();
  });

  it('names a statement after its text: one text, one name; two texts, two names', () => {
    expect(preparedSql(INSERT.text)).toEqual(INSERT);
    expect(INSERT.name).toMatch(/^sluice_[0-9a-f]{24}$/);
    expect(RELABEL.name).not.toBe(INSERT.name);
  });

  it('prepares once per connection and answers as TypeORM does', async () => {
    await db.dataSource.transaction(async (manager) => {
      expect(await preparedOn(manager)).toEqual([]);
      expect(await queryPrepared(manager, INSERT, [1, 'one'])).toEqual([{ id: 1, label: 'one' }]);
      expect(await queryPrepared(manager, INSERT, [2, 'two'])).toEqual([{ id: 2, label: 'two' }]);
      expect(await queryPrepared(manager, INSERT, [1, 'again'])).toEqual([]);
      // UPDATE answers [rows, affected], like TypeORM's own query.
      expect(await queryPrepared(manager, RELABEL, [2, 'deux'])).toEqual([[{ label: 'deux' }], 1]);
      expect(await preparedOn(manager)).toEqual([INSERT.name, RELABEL.name].sort());
    });
    const rows = await db.dataSource.query<{ id: number; label: string }[]>(
      'SELECT id, label FROM prepared_probe ORDER BY id',
    );
    expect(rows).toEqual([
      { id: 1, label: 'one' },
      { id: 2, label: 'deux' },
    ]);
  });

  it('raises the same QueryFailedError, and the connection goes on using the statement', async () => {
    await db.dataSource.transaction(async (manager) => {
      await manager.query('SAVEPOINT before_conflict');
      const failure = await queryPrepared(manager, STRICT_INSERT, [1, 'clash']).catch(
        (error: unknown) => error,
      );
      expect(isUniqueViolation(failure, 'prepared_probe_pkey')).toBe(true);
      await manager.query('ROLLBACK TO SAVEPOINT before_conflict');
      await queryPrepared(manager, STRICT_INSERT, [3, 'three']);
      expect(await preparedOn(manager)).toContain(STRICT_INSERT.name);
    });
    expect(await db.dataSource.query('SELECT label FROM prepared_probe WHERE id = 3')).toEqual([
      { label: 'three' },
    ]);
  });

  it('sends plain text when DATABASE_PREPARED_STATEMENTS is off (a pooler that cannot keep them)', async () => {
    await plain.transaction(async (manager) => {
      expect(await queryPrepared(manager, INSERT, [4, 'four'])).toEqual([{ id: 4, label: 'four' }]);
      expect(await queryPrepared(manager, RELABEL, [4, 'vier'])).toEqual([[{ label: 'vier' }], 1]);
      expect(await preparedOn(manager)).toEqual([]);
    });
  });

  it.each([
    ['false', 5, false],
    ['unset', 6, true],
  ])(
    "an app's data source follows DATABASE_PREPARED_STATEMENTS=%s (the setting reaches DatabaseModule)",
    async (setting, id, prepares) => {
      const core = loadConfig(CoreConfig, {
        REDIS_URL: 'redis://127.0.0.1:6379',
        DATABASE_URL: db.url,
        ...(setting === 'unset' ? {} : { DATABASE_PREPARED_STATEMENTS: setting }),
      });
      const app = await NestFactory.createApplicationContext(
        {
          module: class PreparedStatementsProbe {},
          imports: [SluiceConfigModule.forRoot([core]), DatabaseModule.forApp('sluice-tests', 1)],
        },
        { logger: false },
      );
      try {
        const dataSource = app.get(DataSource);
        expect(preparesStatements(dataSource)).toBe(prepares);
        await dataSource.transaction(async (manager) => {
          await queryPrepared(manager, INSERT, [id, 'from the app']);
          expect((await preparedOn(manager)).includes(INSERT.name)).toBe(prepares);
        });
      } finally {
        await app.close();
      }
    },
  );
});
