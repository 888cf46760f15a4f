import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Resumable imports: the client's `reference`, the settings a resume must repeat, how many rows of
 * the file are committed (and a digest of them), whether a failed import may be resumed and which
 * import resumed it (unique: one resume per import), and `updated_at`, the heartbeat the sweep for
 * imports whose gateway died reads.
 */
export class ImportResume1796249651359 implements MigrationInterface {
  name = 'ImportResume1796249651359';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "imports"
            ADD "reference" text
        `);
    await queryRunner.query(`
            ALTER TABLE "imports"
            ADD "settings" jsonb NOT NULL DEFAULT '{}'
        `);
    await queryRunner.query(`
            ALTER TABLE "imports"
            ADD "resumed_from" uuid
        `);
    await queryRunner.query(`
            ALTER TABLE "imports"
            ADD "rows_skipped" integer NOT NULL DEFAULT '0'
        `);
    await queryRunner.query(`
            ALTER TABLE "imports"
            ADD "rows_committed" integer NOT NULL DEFAULT '0'
        `);
    await queryRunner.query(`
            ALTER TABLE "imports"
            ADD "rows_digest" text
        `);
    await queryRunner.query(`
            ALTER TABLE "imports"
            ADD "resumable" boolean NOT NULL DEFAULT false
        `);
    await queryRunner.query(`
            ALTER TABLE "imports"
            ADD "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now()
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_imports_running_updated" ON "imports" ("updated_at")
            WHERE status = 'running'
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "ux_imports_resumed_from" ON "imports" ("resumed_from")
            WHERE resumed_from IS NOT NULL
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_imports_workspace_reference" ON "imports" ("workspace_id", "reference", "created_at")
            WHERE reference IS NOT NULL
        `);
    await queryRunner.query(`
            ALTER TABLE "imports"
            ADD CONSTRAINT "fk_imports_resumed_from" FOREIGN KEY ("resumed_from") REFERENCES "imports"("id") ON DELETE
            SET NULL ON UPDATE NO ACTION
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "imports" DROP CONSTRAINT "fk_imports_resumed_from"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."ix_imports_workspace_reference"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."ux_imports_resumed_from"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."ix_imports_running_updated"
        `);
    await queryRunner.query(`
            ALTER TABLE "imports" DROP COLUMN "updated_at"
        `);
    await queryRunner.query(`
            ALTER TABLE "imports" DROP COLUMN "resumable"
        `);
    await queryRunner.query(`
            ALTER TABLE "imports" DROP COLUMN "rows_digest"
        `);
    await queryRunner.query(`
            ALTER TABLE "imports" DROP COLUMN "rows_committed"
        `);
    await queryRunner.query(`
            ALTER TABLE "imports" DROP COLUMN "rows_skipped"
        `);
    await queryRunner.query(`
            ALTER TABLE "imports" DROP COLUMN "resumed_from"
        `);
    await queryRunner.query(`
            ALTER TABLE "imports" DROP COLUMN "settings"
        `);
    await queryRunner.query(`
            ALTER TABLE "imports" DROP COLUMN "reference"
        `);
  }
}
