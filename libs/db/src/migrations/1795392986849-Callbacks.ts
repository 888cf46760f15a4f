import { type MigrationInterface, type QueryRunner } from 'typeorm';

export class Callbacks1795392986849 implements MigrationInterface {
  name = 'Callbacks1795392986849';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "callback_deliveries" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "workspace_id" uuid NOT NULL,
                "request_id" uuid NOT NULL,
                "webhook_id" text NOT NULL,
                "url" text NOT NULL,
                "attempt" integer NOT NULL,
                "status" integer,
                "error" text,
                "latency_ms" integer,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "pk_callback_deliveries" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_callback_deliveries_workspace_created" ON "callback_deliveries" ("workspace_id", "created_at")
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_callback_deliveries_request" ON "callback_deliveries" ("request_id", "created_at")
        `);
    await queryRunner.query(`
            CREATE TABLE "workspace_webhook_secrets" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "workspace_id" uuid NOT NULL,
                "secret_sealed" text NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "expires_at" TIMESTAMP WITH TIME ZONE,
                CONSTRAINT "pk_workspace_webhook_secrets" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_workspace_webhook_secrets_workspace" ON "workspace_webhook_secrets" ("workspace_id")
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            DROP INDEX "public"."ix_workspace_webhook_secrets_workspace"
        `);
    await queryRunner.query(`
            DROP TABLE "workspace_webhook_secrets"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."ix_callback_deliveries_request"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."ix_callback_deliveries_workspace_created"
        `);
    await queryRunner.query(`
            DROP TABLE "callback_deliveries"
        `);
  }
}
