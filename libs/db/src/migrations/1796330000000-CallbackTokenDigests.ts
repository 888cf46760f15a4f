import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Steps no longer keep their callback token: the token is now an HMAC of the step's id under a key
 * outside the database (see CallbackTokens), so a copy of the database cannot forge a provider
 * callback. Tokens already handed to providers for steps still waiting stay valid through their
 * SHA-256 digest; those of finished steps are dropped. Down cannot bring the tokens back.
 */
export class CallbackTokenDigests1796330000000 implements MigrationInterface {
  name = 'CallbackTokenDigests1796330000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            DROP INDEX "public"."uq_enrichment_steps_callback_token"
        `);
    await queryRunner.query(`
            ALTER TABLE "enrichment_steps"
                RENAME COLUMN "callback_token" TO "callback_token_sha256"
        `);
    await queryRunner.query(`
            UPDATE "enrichment_steps"
               SET "callback_token_sha256" = CASE WHEN "state" = 'pending'
                   THEN encode(sha256(convert_to("callback_token_sha256", 'UTF8')), 'hex') END
             WHERE "callback_token_sha256" IS NOT NULL
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_enrichment_steps_callback_token_sha256" ON "enrichment_steps" ("callback_token_sha256")
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            DROP INDEX "public"."uq_enrichment_steps_callback_token_sha256"
        `);
    await queryRunner.query(`
            ALTER TABLE "enrichment_steps"
                RENAME COLUMN "callback_token_sha256" TO "callback_token"
        `);
    await queryRunner.query(`
            UPDATE "enrichment_steps" SET "callback_token" = NULL WHERE "callback_token" IS NOT NULL
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_enrichment_steps_callback_token" ON "enrichment_steps" ("callback_token")
        `);
  }
}
