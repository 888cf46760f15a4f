import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { suppressionHashesOf } from '@sluice/enrichment';
import { preparedSql, queryPrepared, suppressedUnderErasureLock } from '@sluice/db';
import { DataSource, type EntityManager } from 'typeorm';
import { ApiError } from '../openapi/decorators';

/** The error a suppressed input is refused with (the whole request, or one row of a list). */
export const SUPPRESSED_MESSAGE =
  'suppressed: this person was erased from this workspace (DELETE /v1/persons) and is never enriched again';

/** The 422 of a route that creates one job: its input names a person erased from the workspace. */
export function ApiSuppressed(): MethodDecorator & ClassDecorator {
  return ApiError(
    422,
    'The input names a person erased from this workspace (DELETE /v1/persons); nothing was created or charged.',
    SUPPRESSED_MESSAGE,
  );
}

/** Exported for the test of its plan. */
export const SUPPRESSED_SQL = preparedSql(
  'SELECT identifier_hash FROM suppressions WHERE workspace_id = $1 AND identifier_hash = ANY($2::text[])',
);

/** The distinct hashes of some inputs' identifiers (`suppressionHashesOf` of each). */
const distinct = (lists: readonly { hash: string }[][]): string[] => [
  ...new Set(lists.flatMap((list) => list.map((h) => h.hash))),
];

/**
 * Refuses work for people erased from the workspace before any credit is spent: every path that
 * creates enrichment jobs asks here first (and the worker asks again right before a paid call).
 */
@Injectable()
export class SuppressionCheck {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** For each input, whether it names a suppressed person (one query for the whole list). */
  async suppressed(
    workspaceId: string,
    inputs: readonly Readonly<Record<string, unknown>>[],
  ): Promise<boolean[]> {
    const hashes = inputs.map((input) => suppressionHashesOf(input));
    const all = distinct(hashes);
    if (all.length === 0) {
      return inputs.map(() => false);
    }
    const rows = await queryPrepared<{ identifier_hash: string }[]>(this.dataSource, SUPPRESSED_SQL, [
      workspaceId,
      all,
    ]);
    const found = new Set(rows.map((row) => row.identifier_hash));
    return hashes.map((list) => list.some((h) => found.has(h.hash)));
  }

  /** The identifier hashes that `inputs` name, each once: what a suppression is looked up by. */
  hashes(inputs: readonly Readonly<Record<string, unknown>>[]): string[] {
    return distinct(inputs.map((input) => suppressionHashesOf(input)));
  }

  /**
   * Whether one of `inputs` names a suppressed person, asked in `manager`'s transaction under the
   * workspace's erasure lock held shared until it ends: an erasure recording its suppression waits
   * for the transaction, whose rows its deletions then find, or came first and is found here. For
   * a path that checked before it writes (a batch): true means an erasure came in between.
   */
  async suppressedUnderLock(
    manager: EntityManager,
    workspaceId: string,
    inputs: readonly Readonly<Record<string, unknown>>[],
  ): Promise<boolean> {
    return suppressedUnderErasureLock(manager, workspaceId, this.hashes(inputs));
  }

  /** Splits `items` into those allowed and those naming a suppressed person (one query). */
  async partition<T>(
    workspaceId: string,
    items: readonly T[],
    inputOf: (item: T) => Readonly<Record<string, unknown>>,
  ): Promise<{ allowed: T[]; refused: T[] }> {
    const flags = await this.suppressed(workspaceId, items.map(inputOf));
    return {
      allowed: items.filter((_, i) => !flags[i]),
      refused: items.filter((_, i) => flags[i]),
    };
  }
}
