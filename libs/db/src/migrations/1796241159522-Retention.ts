import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Retention and erasure: a report row per retention run, indexes the retention run finds old rows
 * by, and the suppression list (hashes of erased identifiers, per workspace).
 */

export class Retention1796241159522 implements MigrationInterface {
  name = 'Retention1796241159522';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "retention_runs" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "trigger" text NOT NULL,
                "status" text NOT NULL DEFAULT 'running',
                "started_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "finished_at" TIMESTAMP WITH TIME ZONE,
                "deleted" jsonb NOT NULL DEFAULT '{}',
                "total_deleted" bigint NOT NULL DEFAULT '0',
                "error" text,
                CONSTRAINT "pk_retention_runs" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_retention_runs_started" ON "retention_runs" ("started_at")
        `);
    await queryRunner.query(`
            CREATE TABLE "suppressions" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "workspace_id" uuid NOT NULL,
                "kind" text NOT NULL,
                "identifier_hash" text NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "pk_suppressions" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_suppressions_workspace_kind_hash" ON "suppressions" ("workspace_id", "kind", "identifier_hash")
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_persons_fetched" ON "persons" ("fetched_at")
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_enrichment_requests_completed" ON "enrichment_requests" ("completed_at")
            WHERE completed_at IS NOT NULL
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_provider_calls_created" ON "provider_calls" ("created_at")
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_webhook_events_received" ON "webhook_events" ("received_at")
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            DROP INDEX "public"."ix_webhook_events_received"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."ix_provider_calls_created"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."ix_enrichment_requests_completed"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."ix_persons_fetched"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."uq_suppressions_workspace_kind_hash"
        `);
    await queryRunner.query(`
            DROP TABLE "suppressions"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."ix_retention_runs_started"
        `);
    await queryRunner.query(`
            DROP TABLE "retention_runs"
        `);
  }
}
