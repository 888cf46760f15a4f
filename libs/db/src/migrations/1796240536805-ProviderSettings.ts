import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Operators' overrides of provider settings, edited through the admin API and applied live. */
export class ProviderSettings1796240536805 implements MigrationInterface {
  name = 'ProviderSettings1796240536805';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "provider_settings" (
                "provider" text NOT NULL,
                "overrides" jsonb NOT NULL DEFAULT '{}',
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_by" text NOT NULL,
                CONSTRAINT "pk_provider_settings" PRIMARY KEY ("provider")
            )
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            DROP TABLE "provider_settings"
        `);
  }
}
