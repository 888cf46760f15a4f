// Used by the TypeORM CLI (migration:generate / run / revert) through scripts/migrate.mjs.
import { createDataSource } from './data-source';

const url = process.env.DATABASE_URL;
if (!url) {
  throw new Error('DATABASE_URL is not set: point it at the PostgreSQL database to migrate.');
}
export default createDataSource({ url, applicationName: 'sluice-migrations' });
