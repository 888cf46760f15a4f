import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `enrichment_requests.first_attempt_at`: for a retry, when the job it runs again was made (the
 * first of a chain of retries). Its `max_age_days` measures freshness from then, so the retry
 * reuses the answers that job paid for instead of paying for them again. Null for a first attempt.
 */
export class RequestFirstAttemptAt1796510000000 implements MigrationInterface {
  name = 'RequestFirstAttemptAt1796510000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "enrichment_requests" ADD "first_attempt_at" TIMESTAMP WITH TIME ZONE
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "enrichment_requests" DROP COLUMN "first_attempt_at"
        `);
  }
}
