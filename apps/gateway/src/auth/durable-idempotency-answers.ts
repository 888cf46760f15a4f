import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { preparedSql, queryPrepared } from '@sluice/db';
import { DataSource } from 'typeorm';
import type { KeptAnswer } from './idempotency-store';

/** A finished request's kept answer: its fingerprint is known by then (a streamed body's too). */
export type FinishedAnswer = KeptAnswer & { state: 'done'; fingerprint: string };

/**
 * What PostgreSQL holds for a key: the kept answer, or only the record of the work its request did
 * (the answer never kept).
 */
export type FoundUnderKey =
  | { kept: FinishedAnswer; ttlS: number }
  | { unanswered: { fingerprint: string; made: Record<string, unknown> } };

/** The columns of `idempotency_answers` that hold an answer. */
export interface AnswerColumns {
  fingerprint: string;
  status: number;
  body: string | null;
  sealed: string | null;
  withheld: boolean;
}

/** How an answer is stored: as Redis keeps it, with a body in the clear as the JSON text it was sent as. */
export function answerColumns(kept: FinishedAnswer): AnswerColumns {
  return {
    fingerprint: kept.fingerprint,
    status: kept.status ?? 200,
    body: kept.body === undefined ? null : JSON.stringify(kept.body),
    sealed: kept.sealed ?? null,
    withheld: kept.withheld === true,
  };
}

/** The answer a row holds, in the form Redis keeps it (and the interceptor replays it from). */
export function keptAnswerOf(row: AnswerColumns): FinishedAnswer {
  const kept: FinishedAnswer = { state: 'done', fingerprint: row.fingerprint, status: row.status };
  if (row.withheld) {
    kept.withheld = true;
  } else if (row.sealed !== null) {
    kept.sealed = row.sealed;
  } else if (row.body !== null) {
    kept.body = JSON.parse(row.body) as unknown;
  }
  return kept;
}

const COLUMNS = `fingerprint, status, body, sealed, withheld, answered, made,
                 greatest(1, ceil(extract(epoch FROM expires_at - now())))::int AS ttl_s`;

// A workspace's key and the operator's are looked up by their own unique index (see the entity).
const FIND_WORKSPACE_SQL = preparedSql(
  `SELECT ${COLUMNS} FROM idempotency_answers
    WHERE workspace_id = $1 AND key_digest = $2 AND expires_at > now()`,
);
const FIND_OPERATOR_SQL = preparedSql(
  `SELECT ${COLUMNS} FROM idempotency_answers
    WHERE workspace_id IS NULL AND key_digest = $1 AND expires_at > now()`,
);

const VALUES = `($1, $2, $3, $4, $5, $6, $7, now() + make_interval(secs => $8))`;
// The key's row can be the record of this request's work, written with the work (see
// idempotent-work.ts), which the answer completes; else an expired one not yet pruned, or (a claim
// that lapsed under a stalled gateway) one Redis no longer agrees with: the answer replaces it.
const UPDATE = `DO UPDATE SET fingerprint = EXCLUDED.fingerprint, status = EXCLUDED.status,
                body = EXCLUDED.body, sealed = EXCLUDED.sealed, withheld = EXCLUDED.withheld,
                answered = true, created_at = now(), expires_at = EXCLUDED.expires_at`;
const INSERT = `INSERT INTO idempotency_answers
                  (workspace_id, key_digest, fingerprint, status, body, sealed, withheld, expires_at)
                VALUES ${VALUES}`;
const KEEP_WORKSPACE_SQL = preparedSql(
  `${INSERT} ON CONFLICT (workspace_id, key_digest) WHERE workspace_id IS NOT NULL ${UPDATE}`,
);
const KEEP_OPERATOR_SQL = preparedSql(
  `${INSERT} ON CONFLICT (key_digest) WHERE workspace_id IS NULL ${UPDATE}`,
);

const FORGET_SQL = preparedSql('DELETE FROM idempotency_answers WHERE workspace_id = $1 AND key_digest = $2');

const ERASURE_BATCH = 500;

/**
 * The durable copy of the answers kept for Idempotency-Key replays, in PostgreSQL
 * (`idempotency_answers`), so that Redis losing its data (a restart without persistence, a failover)
 * does not make a retry do the work again. Redis stays the claim on a key and the fast copy: this
 * table is read only when Redis has nothing for a key, and written once per kept answer. Every
 * statement names its scope: a workspace, or the operator's calls (no workspace).
 */
@Injectable()
export class DurableIdempotencyAnswers {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * The answer kept for the key in the scope and not yet expired, with the seconds it has left; or
   * the record of work done under the key whose answer was never kept (`made`: a gateway stopped
   * between committing the work and keeping its answer).
   */
  async find(workspaceId: string | null, keyDigest: string): Promise<FoundUnderKey | null> {
    type Row = AnswerColumns & { ttl_s: number; answered: boolean; made: Record<string, unknown> | null };
    const rows = workspaceId
      ? await queryPrepared<Row[]>(this.dataSource, FIND_WORKSPACE_SQL, [workspaceId, keyDigest])
      : await queryPrepared<Row[]>(this.dataSource, FIND_OPERATOR_SQL, [keyDigest]);
    const [row] = rows;
    if (!row) {
      return null;
    }
    return row.answered
      ? { kept: keptAnswerOf(row), ttlS: row.ttl_s }
      : { unanswered: { fingerprint: row.fingerprint, made: row.made ?? {} } };
  }

  /** Keeps a finished request's answer for `ttlS` seconds (IDEMPOTENCY_TTL_S, as in Redis). */
  async keep(
    workspaceId: string | null,
    keyDigest: string,
    kept: FinishedAnswer,
    ttlS: number,
  ): Promise<void> {
    const columns = answerColumns(kept);
    await queryPrepared(this.dataSource, workspaceId ? KEEP_WORKSPACE_SQL : KEEP_OPERATOR_SQL, [
      workspaceId,
      keyDigest,
      columns.fingerprint,
      columns.status,
      columns.body,
      columns.sealed,
      columns.withheld,
      ttlS,
    ]);
  }

  /** Drops a workspace's kept answer for the key (an erasure came while its request ran). */
  async forget(workspaceId: string, keyDigest: string): Promise<void> {
    await queryPrepared(this.dataSource, FORGET_SQL, [workspaceId, keyDigest]);
  }

  /**
   * For an erasure: deletes the workspace's kept answers, expired ones too, that `names` says name
   * the person (it opens a sealed one). Withheld and empty answers name nobody and are not read.
   * Read in batches, in the gateway: a sealed answer can only be searched once opened.
   */
  async eraseNaming(workspaceId: string, names: (row: FinishedAnswer) => boolean): Promise<number> {
    let erased = 0;
    let after = '00000000-0000-0000-0000-000000000000';
    for (;;) {
      const rows = await this.dataSource.query<(AnswerColumns & { id: string })[]>(
        `SELECT id, fingerprint, status, body, sealed, withheld FROM idempotency_answers
          WHERE workspace_id = $1 AND id > $2 AND (body IS NOT NULL OR sealed IS NOT NULL)
          ORDER BY id LIMIT ${ERASURE_BATCH}`,
        [workspaceId, after],
      );
      const doomed = rows.filter((row) => names(keptAnswerOf(row))).map((row) => row.id);
      if (doomed.length > 0) {
        const [, affected] = await this.dataSource.query<[unknown, number]>(
          'DELETE FROM idempotency_answers WHERE workspace_id = $1 AND id = ANY($2::uuid[])',
          [workspaceId, doomed],
        );
        erased += affected;
      }
      if (rows.length < ERASURE_BATCH) {
        return erased;
      }
      after = rows[rows.length - 1].id;
    }
  }
}
