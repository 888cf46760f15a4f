import { type MigrationInterface, type QueryRunner } from 'typeorm';

export class Init1795347031841 implements MigrationInterface {
  name = 'Init1795347031841';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "workspaces" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "name" text NOT NULL,
                "slug" text NOT NULL,
                "tier" text NOT NULL DEFAULT 'standard',
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "pk_workspaces" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_workspaces_slug" ON "workspaces" ("slug")
        `);
    await queryRunner.query(`
            CREATE TABLE "api_keys" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "workspace_id" uuid NOT NULL,
                "name" text NOT NULL,
                "key_prefix" text NOT NULL,
                "key_hash" text NOT NULL,
                "scopes" text array NOT NULL DEFAULT '{}',
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "last_used_at" TIMESTAMP WITH TIME ZONE,
                "revoked_at" TIMESTAMP WITH TIME ZONE,
                CONSTRAINT "pk_api_keys" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_api_keys_workspace_id" ON "api_keys" ("workspace_id")
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_api_keys_key_hash" ON "api_keys" ("key_hash")
        `);
    await queryRunner.query(`
            CREATE TABLE "companies" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "company_number" text NOT NULL,
                "name" text NOT NULL,
                "status" text NOT NULL,
                "status_detail" text,
                "type" text,
                "jurisdiction" text,
                "incorporated_on" date,
                "dissolved_on" date,
                "sic_codes" text array NOT NULL DEFAULT '{}',
                "registered_address" jsonb,
                "domain" text,
                "source" text NOT NULL,
                "raw" jsonb NOT NULL,
                "fetched_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "pk_companies" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_companies_status" ON "companies" ("status")
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_companies_company_number" ON "companies" ("company_number")
        `);
    await queryRunner.query(`
            CREATE TABLE "enrichment_requests" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "workspace_id" uuid NOT NULL,
                "api_key_id" uuid,
                "type" text NOT NULL,
                "input" jsonb NOT NULL,
                "priority" text NOT NULL DEFAULT 'interactive',
                "status" text NOT NULL DEFAULT 'queued',
                "callback_url" text,
                "result" jsonb,
                "error" text,
                "correlation_id" text NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "completed_at" TIMESTAMP WITH TIME ZONE,
                CONSTRAINT "pk_enrichment_requests" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_enrichment_requests_status" ON "enrichment_requests" ("status")
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_enrichment_requests_workspace_created" ON "enrichment_requests" ("workspace_id", "created_at")
        `);
    await queryRunner.query(`
            CREATE TABLE "enrichment_steps" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "request_id" uuid NOT NULL,
                "workspace_id" uuid NOT NULL,
                "seq" integer NOT NULL,
                "provider" text NOT NULL,
                "operation" text NOT NULL,
                "state" text NOT NULL DEFAULT 'pending',
                "reason" text,
                "attempts" integer NOT NULL DEFAULT '0',
                "latency_ms" integer,
                "credits" numeric(12, 4) NOT NULL DEFAULT '0',
                "error" text,
                "provider_task_id" text,
                "deadline_at" TIMESTAMP WITH TIME ZONE,
                "output" jsonb,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "completed_at" TIMESTAMP WITH TIME ZONE,
                CONSTRAINT "pk_enrichment_steps" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_enrichment_steps_pending_deadline" ON "enrichment_steps" ("deadline_at")
            WHERE state = 'pending'
                AND deadline_at IS NOT NULL
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_enrichment_steps_workspace" ON "enrichment_steps" ("workspace_id")
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_enrichment_steps_request_seq" ON "enrichment_steps" ("request_id", "seq")
        `);
    await queryRunner.query(`
            CREATE TABLE "provider_calls" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "workspace_id" uuid,
                "request_id" uuid,
                "step_id" uuid,
                "provider" text NOT NULL,
                "operation" text NOT NULL,
                "endpoint" text NOT NULL,
                "http_status" integer,
                "outcome" text NOT NULL,
                "error_kind" text,
                "latency_ms" integer NOT NULL,
                "credits_charged" numeric(12, 4) NOT NULL DEFAULT '0',
                "provider_request_id" text,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "pk_provider_calls" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_provider_calls_step" ON "provider_calls" ("step_id")
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_provider_calls_workspace_created" ON "provider_calls" ("workspace_id", "created_at")
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_provider_calls_provider_created" ON "provider_calls" ("provider", "created_at")
        `);
    await queryRunner.query(`
            ALTER TABLE "api_keys"
            ADD CONSTRAINT "fk_api_keys_workspace" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "enrichment_requests"
            ADD CONSTRAINT "fk_enrichment_requests_workspace" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "enrichment_steps"
            ADD CONSTRAINT "fk_enrichment_steps_request" FOREIGN KEY ("request_id") REFERENCES "enrichment_requests"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "enrichment_steps" DROP CONSTRAINT "fk_enrichment_steps_request"
        `);
    await queryRunner.query(`
            ALTER TABLE "enrichment_requests" DROP CONSTRAINT "fk_enrichment_requests_workspace"
        `);
    await queryRunner.query(`
            ALTER TABLE "api_keys" DROP CONSTRAINT "fk_api_keys_workspace"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."ix_provider_calls_provider_created"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."ix_provider_calls_workspace_created"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."ix_provider_calls_step"
        `);
    await queryRunner.query(`
            DROP TABLE "provider_calls"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."uq_enrichment_steps_request_seq"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."ix_enrichment_steps_workspace"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."ix_enrichment_steps_pending_deadline"
        `);
    await queryRunner.query(`
            DROP TABLE "enrichment_steps"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."ix_enrichment_requests_workspace_created"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."ix_enrichment_requests_status"
        `);
    await queryRunner.query(`
            DROP TABLE "enrichment_requests"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."uq_companies_company_number"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."ix_companies_status"
        `);
    await queryRunner.query(`
            DROP TABLE "companies"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."uq_api_keys_key_hash"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."ix_api_keys_workspace_id"
        `);
    await queryRunner.query(`
            DROP TABLE "api_keys"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."uq_workspaces_slug"
        `);
    await queryRunner.query(`
            DROP TABLE "workspaces"
        `);
  }
}
