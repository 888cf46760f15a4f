import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `enrichment_requests.retried_as`: the job a failed (or cancelled) job was last run again as, by
 * `POST /v1/jobs/{id}/retry` or the admin's `retry-failed`. `retry-failed` takes only failed jobs
 * not yet retried, so that calling it twice (or again after an answer lost on the way) does not run
 * the same jobs, and pay for them, again. Jobs retried before this column existed have none.
 */
export class RequestRetriedAs1796460000000 implements MigrationInterface {
  name = 'RequestRetriedAs1796460000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "enrichment_requests" ADD "retried_as" uuid
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "enrichment_requests" DROP COLUMN "retried_as"
        `);
  }
}
