import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The recovery sweep reads the finished jobs that carry a `callback_url`, in order of their end, to
 * find those whose callback was neither delivered nor queued (see `RequestRecovery`). Only those
 * jobs are in this index: on `ix_enrichment_requests_completed` a page of them read every finished
 * job between them (all of them, when few jobs carry a callback URL).
 */
export class CallbackRecovery1796590000000 implements MigrationInterface {
  name = 'CallbackRecovery1796590000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE INDEX "ix_enrichment_requests_callback_completed" ON "enrichment_requests" ("completed_at", "id")
            WHERE callback_url IS NOT NULL AND completed_at IS NOT NULL
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            DROP INDEX "public"."ix_enrichment_requests_callback_completed"
        `);
  }
}
