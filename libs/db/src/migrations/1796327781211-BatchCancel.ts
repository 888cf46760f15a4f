import type { MigrationInterface, QueryRunner } from 'typeorm';

/** When a batch was cancelled: a cancelled batch is never re-enriched (its schedule is gone). */
export class BatchCancel1796327781211 implements MigrationInterface {
  name = 'BatchCancel1796327781211';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "batches"
            ADD "cancelled_at" TIMESTAMP WITH TIME ZONE
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "batches" DROP COLUMN "cancelled_at"
        `);
  }
}
