import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Webhook events not applied (`late`, `unmatched`) keep a summary instead of their body: a body for
 * no known task may name a person erased from a workspace. The bodies of such events already
 * stored are replaced by their summary (size and SHA-256); down cannot bring them back.
 */
export class WebhookEventSummaries1796340000000 implements MigrationInterface {
  name = 'WebhookEventSummaries1796340000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "webhook_events"
            ADD "summary" jsonb
        `);
    await queryRunner.query(`
            UPDATE "webhook_events"
               SET "summary" = jsonb_build_object(
                     'bytes', octet_length("body"),
                     'sha256', encode(sha256(convert_to("body", 'UTF8')), 'hex')),
                   "body" = ''
             WHERE "status" IN ('late', 'unmatched')
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "webhook_events" DROP COLUMN "summary"
        `);
  }
}
