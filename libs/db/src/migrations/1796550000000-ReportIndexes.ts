import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Indexes for the reads that grew with the whole table, measured on 3 million steps and 1.5 million
 * ledger rows:
 * - `ix_enrichment_steps_workspace_completed` (replacing `ix_enrichment_steps_workspace`, whose
 *   lookups it serves as well) and `ix_enrichment_steps_completed`: usage over a window
 *   (`usageBetween`: GET /v1/credits/usage, the dashboard every few seconds, the daily report) and
 *   the data-quality report read every step ever kept to find a window's (1.3–2.6 s each, a
 *   workspace of a few jobs as much as the largest);
 * - `ix_enrichment_steps_pending_created`: the recovery sweep (every 30 s) reads the pending steps
 *   in order of creation, and read every step to find the few pending (0.6 s a tick);
 * - `ix_credit_ledger_created`: GET /v1/credits and the dashboard sum the month's and the burn
 *   window's charges of every workspace, and read the whole ledger for them.
 */
export class ReportIndexes1796550000000 implements MigrationInterface {
  name = 'ReportIndexes1796550000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE INDEX "ix_enrichment_steps_workspace_completed" ON "enrichment_steps" ("workspace_id", "completed_at")
        `);
    await queryRunner.query(`
            DROP INDEX "public"."ix_enrichment_steps_workspace"
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_enrichment_steps_completed" ON "enrichment_steps" ("completed_at")
            WHERE completed_at IS NOT NULL
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_enrichment_steps_pending_created" ON "enrichment_steps" ("created_at", "id")
            WHERE state = 'pending'
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_credit_ledger_created" ON "credit_ledger" ("created_at")
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            DROP INDEX "public"."ix_credit_ledger_created"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."ix_enrichment_steps_pending_created"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."ix_enrichment_steps_completed"
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_enrichment_steps_workspace" ON "enrichment_steps" ("workspace_id")
        `);
    await queryRunner.query(`
            DROP INDEX "public"."ix_enrichment_steps_workspace_completed"
        `);
  }
}
