import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `erasures.pending_cache`: the cache keys and ids of the steps an erasure deleted, kept until it
 * has removed their entries from Redis, so that a later erasure of the workspace removes them when
 * this one could not (see ErasureRecord).
 */
export class ErasurePendingCache1796610000000 implements MigrationInterface {
  name = 'ErasurePendingCache1796610000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "erasures" ADD "pending_cache" jsonb
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_erasures_pending_cache" ON "erasures" ("workspace_id") WHERE "pending_cache" IS NOT NULL
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            DROP INDEX "public"."ix_erasures_pending_cache"
        `);
    await queryRunner.query(`
            ALTER TABLE "erasures" DROP COLUMN "pending_cache"
        `);
  }
}
