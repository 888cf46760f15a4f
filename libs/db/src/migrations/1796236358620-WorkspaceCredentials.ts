import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Workspaces' own provider credentials, sealed under a master key named by `key_id`. */
export class WorkspaceCredentials1796236358620 implements MigrationInterface {
  name = 'WorkspaceCredentials1796236358620';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "workspace_provider_credentials" (
                "workspace_id" uuid NOT NULL,
                "provider" text NOT NULL,
                "ciphertext" text NOT NULL,
                "key_id" text NOT NULL,
                "fingerprint" text NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "pk_workspace_provider_credentials" PRIMARY KEY ("workspace_id", "provider")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_workspace_provider_credentials_key" ON "workspace_provider_credentials" ("key_id")
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            DROP INDEX "public"."ix_workspace_provider_credentials_key"
        `);
    await queryRunner.query(`
            DROP TABLE "workspace_provider_credentials"
        `);
  }
}
