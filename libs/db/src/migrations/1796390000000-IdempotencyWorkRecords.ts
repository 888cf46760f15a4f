import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An `idempotency_answers` row can be the record of work done under a key whose answer is not kept
 * yet: written in the work's own transaction (`answered` false, `made` naming what it made), and
 * completed with the answer once the gateway has sent it. Reverting drops those records.
 */
export class IdempotencyWorkRecords1796390000000 implements MigrationInterface {
  name = 'IdempotencyWorkRecords1796390000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "idempotency_answers" ADD "answered" boolean NOT NULL DEFAULT true
        `);
    await queryRunner.query(`
            ALTER TABLE "idempotency_answers" ADD "made" jsonb
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            DELETE FROM "idempotency_answers" WHERE NOT "answered"
        `);
    await queryRunner.query(`
            ALTER TABLE "idempotency_answers" DROP COLUMN "made"
        `);
    await queryRunner.query(`
            ALTER TABLE "idempotency_answers" DROP COLUMN "answered"
        `);
  }
}
