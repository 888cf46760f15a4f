import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `company_firmographics`: firmographics providers answered, by question, so that the store
 * answers a firmographics question again as it does company profiles. Reverting drops them (they
 * are bought again).
 */
export class CompanyFirmographics1796410000000 implements MigrationInterface {
  name = 'CompanyFirmographics1796410000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "company_firmographics" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "workspace_id" uuid NOT NULL,
                "subject_key" text NOT NULL,
                "provider" text NOT NULL,
                "firmographics" jsonb NOT NULL,
                "fetched_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "pk_company_firmographics" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_company_firmographics_workspace_subject" ON "company_firmographics" ("workspace_id", "subject_key")
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            DROP TABLE "company_firmographics"
        `);
  }
}
