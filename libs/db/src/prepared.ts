import { createHash } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';

/**
 * A hot-path statement run as a named prepared statement: PostgreSQL parses it once per connection
 * and, after five executions, reuses a generic plan, where an unnamed statement is parsed and
 * planned again at every call. On the throughput benchmark, parsing and binding (which plans)
 * took about as long inside PostgreSQL as executing the pipeline's statements.
 *
 * TypeORM has no prepared statements of its own; its `query` hands the query to pg's
 * `Client.query` unchanged (with the parameters beside it), and pg takes a `{ name, text }` config
 * there and keeps track of what each connection has prepared. So this is only a name: errors,
 * results (rows, or `[rows, count]` for UPDATE and DELETE) and transactions stay TypeORM's.
 *
 * The name derives from the text, so one text is one statement on every connection and two texts
 * never share a name. Only static texts belong here: each is kept by every connection that ran it.
 */
/*
 * WORKSPACE_BESIDE_KEY — how a prepared statement scopes a row it finds by primary key to its
 * workspace — `id = $1 AND workspace_id IS NOT DISTINCT FROM $2` (the same test for a NOT NULL
 * column), because `IS NOT DISTINCT FROM` can use no index. With `workspace_id = $2` the planner may
 * serve the statement from a `(workspace_id, …)` index instead of the key. It did: a connection's
 * generic plan, made while the table held a handful of rows (a new installation's first minute,
 * every test database), scanned `ix_enrichment_requests_workspace_created` for the workspace and
 * filtered on the id — every request of the workspace read to find one — and a connection keeps
 * its plan until the table's statistics change (autovacuum's next analyze; never, where autovacuum
 * is off). On the throughput benchmark the plan job's read grew from 1.5 to 7.5 ms over 10,000
 * requests. Left with the key as its only usable index, the plan cannot go that way.
 */

export interface PreparedSql {
  readonly name: string;
  readonly text: string;
}

export function preparedSql(text: string): PreparedSql {
  return { name: `sluice_${createHash('sha256').update(text).digest('hex').slice(0, 24)}`, text };
}

/** The `extra` key (pg's pool options, which pg ignores) that records `DATABASE_PREPARED_STATEMENTS`. */
const SETTING = 'sluicePreparedStatements';

/** Whether the data source names its hot statements (off behind a pooler that cannot keep them). */
export function preparesStatements(dataSource: DataSource): boolean {
  const extra = (dataSource.options as { extra?: Record<string, unknown> }).extra;
  return extra?.[SETTING] !== false;
}

/** The pool options entry that turns prepared statements on or off for a data source. */
export function preparedStatementsOption(enabled: boolean): Record<string, boolean> {
  return { [SETTING]: enabled };
}

/**
 * Runs `sql` with `runner` (a data source, or a transaction's manager) as a named statement, or as
 * plain text when the data source has prepared statements turned off.
 */
export function queryPrepared<T>(
  runner: DataSource | EntityManager,
  sql: PreparedSql,
  parameters: readonly unknown[],
): Promise<T> {
  const dataSource = runner instanceof DataSource ? runner : runner.connection;
  const query = preparesStatements(dataSource) ? { name: sql.name, text: sql.text } : sql.text;
  // TypeORM types the query as a string; pg reads the object (see above).
  return runner.query<T>(query as unknown as string, [...parameters]);
}
