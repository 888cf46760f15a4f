import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Balance readings of plans without a credit limit: `credit_snapshots.unlimited`, with no balance.
 * Reverting deletes those readings (there is no number to put in their balance).
 */
export class UnlimitedCredits1796380000000 implements MigrationInterface {
  name = 'UnlimitedCredits1796380000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "credit_snapshots" ADD "unlimited" boolean NOT NULL DEFAULT false
        `);
    await queryRunner.query(`
            ALTER TABLE "credit_snapshots" ALTER COLUMN "balance" DROP NOT NULL
        `);
    await queryRunner.query(`
            ALTER TABLE "credit_snapshots" ADD CONSTRAINT "ck_credit_snapshots_unlimited" CHECK ("unlimited" = ("balance" IS NULL))
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "credit_snapshots" DROP CONSTRAINT "ck_credit_snapshots_unlimited"
        `);
    await queryRunner.query(`
            DELETE FROM "credit_snapshots" WHERE "unlimited"
        `);
    await queryRunner.query(`
            ALTER TABLE "credit_snapshots" ALTER COLUMN "balance" SET NOT NULL
        `);
    await queryRunner.query(`
            ALTER TABLE "credit_snapshots" DROP COLUMN "unlimited"
        `);
  }
}
