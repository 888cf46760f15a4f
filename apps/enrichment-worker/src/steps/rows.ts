import { EnrichmentRequest, EnrichmentStep, preparedSql, queryPrepared, type PreparedSql } from '@sluice/db';
import type { DataSource, EntityManager, EntityMetadata } from 'typeorm';

/**
 * Raw SQL for the pipeline's hot path. Every job reads and writes its request and steps a few
 * times; built through TypeORM's query builder each statement cost more CPU than PostgreSQL spent
 * on it, and on small machines each round trip's socket write costs more still. These statements
 * read a request with all its steps in one round trip and map the rows back to the entities with
 * TypeORM's own column metadata (so a renamed column cannot silently drift), which TypeORM offers
 * no public API for.
 */
export interface RequestWithSteps {
  request: EnrichmentRequest;
  steps: EnrichmentStep[];
}

const columnLists = new WeakMap<EntityMetadata, Map<string, string>>();

/** `alias.column AS "prefix_column", …` for every column of the entity. */
export function selectList(metadata: EntityMetadata, alias: string, prefix: string): string {
  let lists = columnLists.get(metadata);
  if (!lists) {
    lists = new Map();
    columnLists.set(metadata, lists);
  }
  const key = `${alias}:${prefix}`;
  let list = lists.get(key);
  if (!list) {
    list = metadata.columns
      .map((column) => `${alias}."${column.databaseName}" AS "${prefix}${column.databaseName}"`)
      .join(', ');
    lists.set(key, list);
  }
  return list;
}

/** The metadata the hot-path statements are built from. */
export interface RowsMetadata {
  request: EntityMetadata;
  step: EntityMetadata;
}

/**
 * A hot-path statement whose text comes from the entities' metadata, built once per data source
 * (the metadata is fixed for its life) rather than at every call. Results name every column rather
 * than `*`: a prepared statement whose result columns change fails ("cached plan must not change
 * result type"), so with `*` a migration adding a column while replicas run would break every
 * connection that had prepared it.
 */
export function statementFor(
  build: (meta: RowsMetadata) => string,
): (source: DataSource | EntityManager) => PreparedSql {
  const built = new WeakMap<DataSource, PreparedSql>();
  return (source) => {
    const connection = connectionOf(source);
    let sql = built.get(connection);
    if (!sql) {
      sql = preparedSql(build(metadataOf(connection)));
      built.set(connection, sql);
    }
    return sql;
  };
}

/** An entity from a raw row whose columns carry `prefix`; null when the row has none of it (outer join). */
export function fromRow<T>(metadata: EntityMetadata, row: Record<string, unknown>, prefix = ''): T | null {
  const primary = metadata.primaryColumns[0];
  if (primary && (row[`${prefix}${primary.databaseName}`] ?? null) === null) {
    return null;
  }
  const entity = metadata.create() as Record<string, unknown>;
  for (const column of metadata.columns) {
    entity[column.propertyName] = row[`${prefix}${column.databaseName}`];
  }
  return entity as T;
}

function connectionOf(source: DataSource | EntityManager): DataSource {
  return 'connection' in source ? source.connection : source;
}

export function metadataOf(source: DataSource | EntityManager): RowsMetadata {
  const connection = connectionOf(source);
  return { request: connection.getMetadata(EnrichmentRequest), step: connection.getMetadata(EnrichmentStep) };
}

const loadSql = (lock: boolean) =>
  statementFor(
    (meta) => `SELECT ${selectList(meta.request, 'r', 'r_')}, ${selectList(meta.step, 's', 's_')}
                 FROM enrichment_requests r
                 LEFT JOIN enrichment_steps s ON s.request_id = r.id
                WHERE r.id = $1 AND r.workspace_id IS NOT DISTINCT FROM $2 -- see WORKSPACE_BESIDE_KEY (libs/db/src/prepared.ts)
                ORDER BY s.seq
                ${lock ? 'FOR UPDATE OF r' : ''}`,
  );
const LOAD_LOCKED_SQL = loadSql(true);
const LOAD_SQL = loadSql(false);

/**
 * The request (row-locked when `lock`, inside the caller's transaction) and its steps in `seq`
 * order, in one statement. Null when the request is not in the workspace.
 */
export async function loadRequestWithSteps(
  manager: EntityManager,
  requestId: string,
  workspaceId: string,
  lock: boolean,
): Promise<RequestWithSteps | null> {
  const rows = await queryPrepared<Record<string, unknown>[]>(
    manager,
    (lock ? LOAD_LOCKED_SQL : LOAD_SQL)(manager),
    [requestId, workspaceId],
  );
  return requestWithStepsOf(manager, rows);
}

/**
 * The request (columns `r_…`) and its steps (`s_…`, in row order) from the rows of a read that
 * joins them; null when there are no rows.
 */
export function requestWithStepsOf(
  source: DataSource | EntityManager,
  rows: Record<string, unknown>[],
): RequestWithSteps | null {
  const meta = metadataOf(source);
  const first = rows[0];
  if (!first) {
    return null;
  }
  const request = fromRow<EnrichmentRequest>(meta.request, first, 'r_') as EnrichmentRequest;
  const steps = rows
    .map((row) => fromRow<EnrichmentStep>(meta.step, row, 's_'))
    .filter((step): step is EnrichmentStep => step !== null);
  return { request, steps };
}

/** A pending step taken for a run, with its request. */
export interface TakenStep {
  step: EnrichmentStep;
  request: EnrichmentRequest;
  /**
   * Whether the workspace had erased anybody (any suppression) when the step was taken: when it had
   * not, the check of this step's people before a paid call needs no statement of its own.
   */
  workspaceSuppresses: boolean;
}

const TAKE_SQL = statementFor(
  (meta) => `WITH s AS (
         UPDATE enrichment_steps SET attempts = GREATEST(attempts, $2), updated_at = now()
          WHERE id = $1 AND state = 'pending'
          RETURNING *
       )
       SELECT ${selectList(meta.step, 's', 's_')}, ${selectList(meta.request, 'r', 'r_')},
              EXISTS (SELECT 1 FROM suppressions x WHERE x.workspace_id = s.workspace_id) AS workspace_suppresses
         FROM s JOIN enrichment_requests r
           ON r.id = s.request_id AND r.workspace_id IS NOT DISTINCT FROM s.workspace_id -- see WORKSPACE_BESIDE_KEY (libs/db/src/prepared.ts)`,
);

/**
 * Takes a pending step for a run: records which attempt the run is and returns the step with its
 * request, in one statement. Null when the step is no longer pending (settled, or cancelled with its
 * request).
 *
 * `attempt` is the step job's attempt (1, then one more after each run that failed and is retried):
 * a run that only waited — for a rate slot, credits, a provider's task, an identical call — and
 * comes back is the same attempt, so a step that called its provider once does not show a dozen
 * attempts. The highest seen is kept (a step's job added again after a crash starts counting anew).
 */
export async function takePendingStep(
  dataSource: DataSource,
  stepId: string,
  attempt: number,
): Promise<TakenStep | null> {
  const meta = metadataOf(dataSource);
  const rows = await queryPrepared<Record<string, unknown>[]>(dataSource, TAKE_SQL(dataSource), [
    stepId,
    attempt,
  ]);
  const row = rows[0];
  if (!row) {
    return null;
  }
  return {
    step: fromRow<EnrichmentStep>(meta.step, row, 's_') as EnrichmentStep,
    request: fromRow<EnrichmentRequest>(meta.request, row, 'r_') as EnrichmentRequest,
    workspaceSuppresses: row.workspace_suppresses === true,
  };
}

/** Maps rows `RETURNING *` of enrichment_steps to entities. */
export function stepsFromRows(
  source: DataSource | EntityManager,
  rows: Record<string, unknown>[],
): EnrichmentStep[] {
  const meta = metadataOf(source);
  return rows
    .map((row) => fromRow<EnrichmentStep>(meta.step, row))
    .filter((step): step is EnrichmentStep => step !== null);
}

/** A step row to insert: pending unless it records a skipped provider. */
export interface NewStep {
  request_id: string;
  workspace_id: string;
  seq: number;
  goal: string;
  provider: string;
  operation: string;
  cache_key?: string | null;
  state?: 'pending' | 'skipped';
  reason?: string | null;
}

const INSERT_STEPS_SQL = statementFor(
  (meta) => `WITH live AS (
       SELECT id FROM enrichment_requests
        WHERE id = $2 AND status NOT IN ('completed', 'failed', 'cancelled')
        FOR NO KEY UPDATE
     ), ins AS (
       INSERT INTO enrichment_steps (request_id, workspace_id, seq, goal, provider, operation, cache_key, state, reason,
              completed_at)
       SELECT request_id, workspace_id, seq, goal, provider, operation, cache_key, coalesce(state, 'pending'), reason,
              CASE WHEN state = 'skipped' THEN now() END
         FROM jsonb_to_recordset($1::jsonb) AS x(request_id uuid, workspace_id uuid, seq int, goal text, provider text,
              operation text, cache_key text, state text, reason text)
        WHERE x.request_id = $2 AND EXISTS (SELECT 1 FROM live)
       RETURNING *
     ), running AS (
       UPDATE enrichment_requests SET status = 'running', updated_at = now()
        WHERE $3 AND id = $2 AND status = 'queued' AND EXISTS (SELECT 1 FROM live)
     )
     SELECT ${selectList(meta.step, 'ins', '')} FROM ins ORDER BY seq`,
);

/**
 * Inserts a request's steps in one statement and returns them; with `running`, also moves the
 * request from `queued` to `running` in the same statement. Inserts nothing (and returns `[]`) once
 * the request has finished: the statement locks the request's row, so a cancellation committing
 * meanwhile is waited for and seen (its UPDATE holds the row), and one that comes after sees these
 * steps and skips them. Without the lock a planner that read the request before the cancel could
 * add a pending step to a cancelled request. The lock is the one the `running` UPDATE needs
 * anyway (FOR NO KEY UPDATE): a weaker share lock upgraded by that UPDATE deadlocked two planners
 * racing on one request, each holding a share the other's UPDATE waited for.
 */
export async function insertSteps(
  manager: EntityManager,
  requestId: string,
  rows: readonly NewStep[],
  running: boolean,
): Promise<EnrichmentStep[]> {
  const inserted = await queryPrepared<Record<string, unknown>[]>(manager, INSERT_STEPS_SQL(manager), [
    JSON.stringify(rows),
    requestId,
    running,
  ]);
  return stepsFromRows(manager, inserted);
}
