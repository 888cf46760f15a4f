import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Retention and erasure: a report row per retention run, and the suppression list (hashes of erased
 * identifiers, per workspace).
 */

export class Retention1796239573990 implements MigrationInterface {
  name = 'Retention1796239573990';

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
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
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
