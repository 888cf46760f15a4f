import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `imports.idempotency_key_digest`: the (hashed) Idempotency-Key an import was sent under. A client
 * retrying under the same key after its upload broke off resumes the import cut off, where before
 * the retry imported every row again (the rows accepted before the break were queued twice).
 */
export class ImportIdempotencyKey1796480000000 implements MigrationInterface {
  name = 'ImportIdempotencyKey1796480000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "imports" ADD "idempotency_key_digest" text
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_imports_workspace_idempotency_key" ON "imports" ("workspace_id", "idempotency_key_digest", "created_at")
            WHERE idempotency_key_digest IS NOT NULL
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            DROP INDEX "public"."ix_imports_workspace_idempotency_key"
        `);
    await queryRunner.query(`
            ALTER TABLE "imports" DROP COLUMN "idempotency_key_digest"
        `);
  }
}
