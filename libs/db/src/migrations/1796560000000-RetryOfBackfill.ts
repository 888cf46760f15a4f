import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Links the retries made before `retry_of` existed (RequestRetryOf) to their originals, which name
 * them in `retried_as`. Without it a database migrated from an earlier version shows each such retry
 * with `retry_of: null`, as a first attempt, while its original says it was retried as that job.
 * Those retries joined no batch or CSV import (earlier versions did not keep them there), so the
 * counts that follow `retry_of` are unchanged. Retries whose original is gone (retention) or made
 * before `retried_as` existed (RequestRetriedAs) cannot be told apart and stay unlinked.
 */
export class RetryOfBackfill1796560000000 implements MigrationInterface {
  name = 'RetryOfBackfill1796560000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            UPDATE "enrichment_requests" r SET "retry_of" = o."id"
              FROM "enrichment_requests" o
             WHERE o."retried_as" = r."id" AND o."workspace_id" = r."workspace_id" AND r."retry_of" IS NULL
        `);
  }

  public async down(): Promise<void> {
    // Nothing to undo: the links are true whichever version reads them, and RequestRetryOf's down
    // drops the column.
  }
}
