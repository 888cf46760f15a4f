import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `enrichment_requests.retry_of`: the job a retry runs again. A retry keeps its original's batch and
 * CSV import, and counts in them in its original's stead; each job is retried at most once (the
 * unique index), so a record or a row has one latest attempt. No foreign key: deleting the original
 * (retention) must not make its retry look like a first attempt, which would count a row twice.
 */
export class RequestRetryOf1796540000000 implements MigrationInterface {
  name = 'RequestRetryOf1796540000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "enrichment_requests" ADD "retry_of" uuid
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "ux_enrichment_requests_retry_of" ON "enrichment_requests" ("retry_of")
            WHERE retry_of IS NOT NULL
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            DROP INDEX "public"."ux_enrichment_requests_retry_of"
        `);
    await queryRunner.query(`
            ALTER TABLE "enrichment_requests" DROP COLUMN "retry_of"
        `);
  }
}
