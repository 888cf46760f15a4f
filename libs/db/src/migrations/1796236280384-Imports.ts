import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * CSV imports and saved exports: the `imports` and `exports` tables, and `enrichment_requests.import_id`
 * (the import a job came from; nulled if the import row is ever deleted).
 */
export class Imports1796236280384 implements MigrationInterface {
  name = 'Imports1796236280384';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "imports" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "workspace_id" uuid NOT NULL,
                "api_key_id" uuid,
                "type" text NOT NULL,
                "status" text NOT NULL DEFAULT 'running',
                "rows_total" integer NOT NULL DEFAULT '0',
                "rows_accepted" integer NOT NULL DEFAULT '0',
                "rows_rejected" integer NOT NULL DEFAULT '0',
                "errors" jsonb NOT NULL DEFAULT '[]',
                "error" text,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "completed_at" TIMESTAMP WITH TIME ZONE,
                CONSTRAINT "pk_imports" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_imports_workspace_created" ON "imports" ("workspace_id", "created_at")
        `);
    await queryRunner.query(`
            CREATE TABLE "exports" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "workspace_id" uuid NOT NULL,
                "api_key_id" uuid,
                "format" text NOT NULL,
                "filters" jsonb NOT NULL DEFAULT '{}',
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "pk_exports" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_exports_workspace_created" ON "exports" ("workspace_id", "created_at")
        `);
    await queryRunner.query(`
            ALTER TABLE "enrichment_requests"
            ADD "import_id" uuid
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_enrichment_requests_import" ON "enrichment_requests" ("import_id")
            WHERE import_id IS NOT NULL
        `);
    await queryRunner.query(`
            ALTER TABLE "imports"
            ADD CONSTRAINT "fk_imports_workspace" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "enrichment_requests"
            ADD CONSTRAINT "fk_enrichment_requests_import" FOREIGN KEY ("import_id") REFERENCES "imports"("id") ON DELETE
            SET NULL ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "exports"
            ADD CONSTRAINT "fk_exports_workspace" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "exports" DROP CONSTRAINT "fk_exports_workspace"
        `);
    await queryRunner.query(`
            ALTER TABLE "enrichment_requests" DROP CONSTRAINT "fk_enrichment_requests_import"
        `);
    await queryRunner.query(`
            ALTER TABLE "imports" DROP CONSTRAINT "fk_imports_workspace"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."ix_enrichment_requests_import"
        `);
    await queryRunner.query(`
            ALTER TABLE "enrichment_requests" DROP COLUMN "import_id"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."ix_exports_workspace_created"
        `);
    await queryRunner.query(`
            DROP TABLE "exports"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."ix_imports_workspace_created"
        `);
    await queryRunner.query(`
            DROP TABLE "imports"
        `);
  }
}
