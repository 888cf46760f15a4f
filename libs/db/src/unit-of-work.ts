import type { DataSource, EntityManager } from 'typeorm';

/** Runs `work` in one transaction. Kept here so that apps do not reach for query runners. */
export function inTransaction<T>(
  dataSource: DataSource,
  work: (manager: EntityManager) => Promise<T>,
): Promise<T> {
  return dataSource.transaction(work);
}
