import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `sluice_erasure_guard(workspace, hashes)`: whether one of `hashes` is suppressed in the workspace,
 * asked under a shared advisory lock on the workspace that an erasure takes exclusively for its
 * transaction (see ERASURE_LOCK_SQL). A step's settlement calls it first in its transaction, so an
 * erasure and a settlement that stores an answer about the erased person cannot interleave: the
 * settlement either commits before the erasure deletes (which then deletes what it stored) or
 * waits for the erasure and sees its suppression. It is a VOLATILE function so that its check
 * takes a snapshot after the lock is granted; a plain statement's snapshot predates its lock wait.
 */
export class ErasureGuard1796350000000 implements MigrationInterface {
  name = 'ErasureGuard1796350000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE FUNCTION sluice_erasure_guard(workspace uuid, hashes text[]) RETURNS boolean
            LANGUAGE plpgsql VOLATILE AS $$
            BEGIN
              PERFORM pg_advisory_xact_lock_shared(1936487285, hashtext(workspace::text));
              RETURN EXISTS (SELECT 1 FROM suppressions s
                              WHERE s.workspace_id = workspace AND s.identifier_hash = ANY(hashes));
            END
            $$
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP FUNCTION sluice_erasure_guard(uuid, text[])`);
  }
}
