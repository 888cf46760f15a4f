import { type MigrationInterface, type QueryRunner } from 'typeorm';

export class Webhooks1795392268737 implements MigrationInterface {
  name = 'Webhooks1795392268737';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "webhook_events" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "provider" text NOT NULL,
                "event_id" text NOT NULL,
                "step_id" uuid,
                "workspace_id" uuid,
                "status" text NOT NULL DEFAULT 'received',
                "headers" jsonb NOT NULL,
                "body" text NOT NULL,
                "error" text,
                "received_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "processed_at" TIMESTAMP WITH TIME ZONE,
                CONSTRAINT "pk_webhook_events" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_webhook_events_status_received" ON "webhook_events" ("status", "received_at")
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_webhook_events_step" ON "webhook_events" ("step_id")
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_webhook_events_provider_event" ON "webhook_events" ("provider", "event_id")
        `);
    await queryRunner.query(`
            ALTER TABLE "enrichment_steps"
            ADD "callback_token" text
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_enrichment_steps_callback_token" ON "enrichment_steps" ("callback_token")
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            DROP INDEX "public"."uq_enrichment_steps_callback_token"
        `);
    await queryRunner.query(`
            ALTER TABLE "enrichment_steps" DROP COLUMN "callback_token"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."uq_webhook_events_provider_event"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."ix_webhook_events_step"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."ix_webhook_events_status_received"
        `);
    await queryRunner.query(`
            DROP TABLE "webhook_events"
        `);
  }
}
