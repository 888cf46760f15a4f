import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `email_verifications`: verifiers' verdicts, by question, so that the store answers a verification
 * of the same address again (for STORE_FRESH_DAYS, or a request's max_age_days) as it does e-mails,
 * phones and profiles once the Redis cache has forgotten it. Reverting drops them (they are bought
 * again).
 */
export class EmailVerifications1796440000000 implements MigrationInterface {
  name = 'EmailVerifications1796440000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "email_verifications" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "workspace_id" uuid NOT NULL,
                "subject_key" text NOT NULL,
                "provider" text NOT NULL,
                "verification" jsonb NOT NULL,
                "fetched_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "pk_email_verifications" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_email_verifications_workspace_subject" ON "email_verifications" ("workspace_id", "subject_key")
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            DROP TABLE "email_verifications"
        `);
  }
}
