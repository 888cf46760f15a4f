// Runs or reverts migrations: `node dist/libs/db/src/migrate.js run|revert|show`.
// Compiled with the apps, so production images migrate without dev dependencies.
import { createDataSource } from './data-source';

async function main(): Promise<void> {
  const command = process.argv[2] ?? 'run';
  const url = process.env.DATABASE_URL;
  if (!url) {
    throw new Error('DATABASE_URL is not set: point it at the PostgreSQL database to migrate.');
  }
  const dataSource = createDataSource({ url, applicationName: 'sluice-migrations' });
  await dataSource.initialize();
  try {
    if (command === 'run') {
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      console.log(
        applied.length
          ? `Applied ${applied.map((m) => m.name).join(', ')}`
          : 'Database schema is up to date.',
      );
    } else if (command === 'revert') {
      await dataSource.undoLastMigration({ transaction: 'each' });
      console.log('Reverted the last migration.');
    } else if (command === 'show') {
      const pending = await dataSource.showMigrations();
      console.log(pending ? 'There are pending migrations.' : 'No pending migrations.');
      process.exitCode = pending ? 1 : 0;
    } else {
      throw new Error(`Unknown command '${command}': use run, revert or show.`);
    }
  } finally {
    await dataSource.destroy();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
