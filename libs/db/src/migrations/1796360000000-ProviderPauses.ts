import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Operators' pauses of providers, kept in PostgreSQL so that Redis losing its data does not lift them. */
export class ProviderPauses1796360000000 implements MigrationInterface {
  name = 'ProviderPauses1796360000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "provider_pauses" (
                "provider" text NOT NULL,
                "since" TIMESTAMP WITH TIME ZONE NOT NULL,
                "reason" text NOT NULL,
                CONSTRAINT "pk_provider_pauses" PRIMARY KEY ("provider")
            )
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            DROP TABLE "provider_pauses"
        `);
  }
}
