import { type MigrationInterface, type QueryRunner } from 'typeorm';

export class CreditMonitor1796227551028 implements MigrationInterface {
  name = 'CreditMonitor1796227551028';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "alerts" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "kind" text NOT NULL,
                "severity" text NOT NULL,
                "provider" text,
                "workspace_id" uuid,
                "title" text NOT NULL,
                "text" text NOT NULL,
                "details" jsonb NOT NULL DEFAULT '{}',
                "deliveries" jsonb NOT NULL DEFAULT '{}',
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "pk_alerts" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_alerts_workspace_created" ON "alerts" ("workspace_id", "created_at")
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_alerts_created" ON "alerts" ("created_at")
        `);
    await queryRunner.query(`
            CREATE TABLE "alert_states" (
                "key" text NOT NULL,
                "fired" boolean NOT NULL DEFAULT false,
                "alert_id" uuid,
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "pk_alert_states" PRIMARY KEY ("key")
            )
        `);
    await queryRunner.query(`
            CREATE TABLE "credit_snapshots" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "provider" text NOT NULL,
                "balance" numeric(14, 4) NOT NULL,
                "reserved" numeric(14, 4) NOT NULL DEFAULT '0',
                "provider_spent" numeric(14, 4),
                "ledger_spent" numeric(14, 4),
                "drift" numeric(14, 4),
                "taken_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "pk_credit_snapshots" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_credit_snapshots_provider_taken" ON "credit_snapshots" ("provider", "taken_at")
        `);
    await queryRunner.query(`
            CREATE TABLE "workspace_quotas" (
                "workspace_id" uuid NOT NULL,
                "provider" text NOT NULL,
                "monthly_credits" numeric(14, 4) NOT NULL,
                "policy" text NOT NULL DEFAULT 'refuse',
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "pk_workspace_quotas" PRIMARY KEY ("workspace_id", "provider")
            )
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            DROP TABLE "workspace_quotas"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."ix_credit_snapshots_provider_taken"
        `);
    await queryRunner.query(`
            DROP TABLE "credit_snapshots"
        `);
    await queryRunner.query(`
            DROP TABLE "alert_states"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."ix_alerts_created"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."ix_alerts_workspace_created"
        `);
    await queryRunner.query(`
            DROP TABLE "alerts"
        `);
  }
}
