import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit trail: who read or exported person data, admin actions, credential changes. Append-only
 * in the database itself: a trigger refuses every UPDATE, DELETE and TRUNCATE of `audit_events`.
 */
export class AuditEvents1796239530947 implements MigrationInterface {
  name = 'AuditEvents1796239530947';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "audit_events" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT clock_timestamp(),
                "workspace_id" uuid,
                "actor" text NOT NULL,
                "action" text NOT NULL,
                "target_type" text,
                "target_id" text,
                "details" jsonb NOT NULL DEFAULT '{}',
                "correlation_id" text,
                CONSTRAINT "pk_audit_events" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_audit_events_action_at" ON "audit_events" ("action", "at", "id")
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_audit_events_workspace_at" ON "audit_events" ("workspace_id", "at", "id")
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_audit_events_at" ON "audit_events" ("at", "id")
        `);
    await queryRunner.query(`
            CREATE FUNCTION "audit_events_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'audit_events is append-only: % is not allowed', TG_OP
                    USING ERRCODE = 'insufficient_privilege';
            END
            $$
        `);
    await queryRunner.query(`
            CREATE TRIGGER "audit_events_no_update_delete" BEFORE UPDATE OR DELETE ON "audit_events"
                FOR EACH ROW EXECUTE FUNCTION "audit_events_append_only"()
        `);
    await queryRunner.query(`
            CREATE TRIGGER "audit_events_no_truncate" BEFORE TRUNCATE ON "audit_events"
                FOR EACH STATEMENT EXECUTE FUNCTION "audit_events_append_only"()
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER "audit_events_no_truncate" ON "audit_events"`);
    await queryRunner.query(`DROP TRIGGER "audit_events_no_update_delete" ON "audit_events"`);
    await queryRunner.query(`DROP FUNCTION "audit_events_append_only"()`);
    await queryRunner.query(`
            DROP INDEX "public"."ix_audit_events_at"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."ix_audit_events_workspace_at"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."ix_audit_events_action_at"
        `);
    await queryRunner.query(`
            DROP TABLE "audit_events"
        `);
  }
}
