import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `credit_snapshots.answered_at`: when the provider's answer to a balance read was in, beside
 * `taken_at` (when the read was sent). A reading sent before the latest applied one was answered
 * overlaps it and is not applied (see the credit monitor's balance check). Earlier readings take
 * their `taken_at`.
 */
export class SnapshotAnsweredAt1796420000000 implements MigrationInterface {
  name = 'SnapshotAnsweredAt1796420000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "credit_snapshots" ADD "answered_at" TIMESTAMP WITH TIME ZONE
        `);
    await queryRunner.query(`
            UPDATE "credit_snapshots" SET "answered_at" = "taken_at"
        `);
    await queryRunner.query(`
            ALTER TABLE "credit_snapshots" ALTER COLUMN "answered_at" SET NOT NULL
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "credit_snapshots" DROP COLUMN "answered_at"
        `);
  }
}
