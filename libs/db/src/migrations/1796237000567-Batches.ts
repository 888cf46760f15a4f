import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Batches over a record set: the batch, its records (each pointing at the job enriching it now), and
 * the batch of each request, for the batch's credits and cancellation.
 */
export class Batches1796237000567 implements MigrationInterface {
  name = 'Batches1796237000567';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "batches" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "workspace_id" uuid NOT NULL,
                "api_key_id" uuid,
                "name" text,
                "fields" jsonb NOT NULL,
                "options" jsonb NOT NULL DEFAULT '{}',
                "filters" jsonb NOT NULL DEFAULT '{}',
                "priority" text NOT NULL DEFAULT 'bulk',
                "max_credits" numeric(12, 4),
                "max_credits_per_record" numeric(12, 4),
                "records_received" integer NOT NULL,
                "record_count" integer NOT NULL,
                "schedule" jsonb,
                "tier" text NOT NULL DEFAULT 'pro',
                "correlation_id" text NOT NULL,
                "last_run_at" TIMESTAMP WITH TIME ZONE,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "pk_batches" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_batches_workspace_created" ON "batches" ("workspace_id", "created_at")
        `);
    await queryRunner.query(`
            CREATE TABLE "batch_records" (
                "batch_id" uuid NOT NULL,
                "index" integer NOT NULL,
                "workspace_id" uuid NOT NULL,
                "external_id" text,
                "input" jsonb NOT NULL,
                "occurred_at" TIMESTAMP WITH TIME ZONE,
                "request_id" uuid NOT NULL,
                "enqueued_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "pk_batch_records" PRIMARY KEY ("batch_id", "index")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_batch_records_workspace" ON "batch_records" ("workspace_id")
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_batch_records_request" ON "batch_records" ("request_id")
        `);
    await queryRunner.query(`
            ALTER TABLE "enrichment_requests"
            ADD "batch_id" uuid
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_enrichment_requests_batch" ON "enrichment_requests" ("batch_id")
            WHERE batch_id IS NOT NULL
        `);
    await queryRunner.query(`
            ALTER TABLE "batches"
            ADD CONSTRAINT "fk_batches_workspace" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "batch_records"
            ADD CONSTRAINT "fk_batch_records_batch" FOREIGN KEY ("batch_id") REFERENCES "batches"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "batch_records"
            ADD CONSTRAINT "fk_batch_records_request" FOREIGN KEY ("request_id") REFERENCES "enrichment_requests"("id") ON DELETE NO ACTION ON UPDATE NO ACTION
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "batch_records" DROP CONSTRAINT "fk_batch_records_request"
        `);
    await queryRunner.query(`
            ALTER TABLE "batch_records" DROP CONSTRAINT "fk_batch_records_batch"
        `);
    await queryRunner.query(`
            ALTER TABLE "batches" DROP CONSTRAINT "fk_batches_workspace"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."ix_enrichment_requests_batch"
        `);
    await queryRunner.query(`
            ALTER TABLE "enrichment_requests" DROP COLUMN "batch_id"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."ix_batch_records_request"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."ix_batch_records_workspace"
        `);
    await queryRunner.query(`
            DROP TABLE "batch_records"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."ix_batches_workspace_created"
        `);
    await queryRunner.query(`
            DROP TABLE "batches"
        `);
  }
}
