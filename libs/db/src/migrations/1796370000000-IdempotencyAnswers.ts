import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `idempotency_answers`: the durable copy of the answers kept for Idempotency-Key replays, so that a
 * retry after Redis lost its data replays the first answer instead of doing the work again. Expired
 * rows are deleted by the retention run (by `expires_at`).
 */
export class IdempotencyAnswers1796370000000 implements MigrationInterface {
  name = 'IdempotencyAnswers1796370000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "idempotency_answers" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "workspace_id" uuid,
                "key_digest" text NOT NULL,
                "fingerprint" text NOT NULL,
                "status" integer NOT NULL,
                "body" text,
                "sealed" text,
                "withheld" boolean NOT NULL DEFAULT false,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                CONSTRAINT "pk_idempotency_answers" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_idempotency_answers_expires" ON "idempotency_answers" ("expires_at")
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_idempotency_answers_operator_key" ON "idempotency_answers" ("key_digest")
            WHERE workspace_id IS NULL
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_idempotency_answers_workspace_key" ON "idempotency_answers" ("workspace_id", "key_digest")
            WHERE workspace_id IS NOT NULL
        `);
    await queryRunner.query(`
            ALTER TABLE "idempotency_answers"
            ADD CONSTRAINT "fk_idempotency_answers_workspace" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "idempotency_answers" DROP CONSTRAINT "fk_idempotency_answers_workspace"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."uq_idempotency_answers_workspace_key"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."uq_idempotency_answers_operator_key"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."ix_idempotency_answers_expires"
        `);
    await queryRunner.query(`
            DROP TABLE "idempotency_answers"
        `);
  }
}
