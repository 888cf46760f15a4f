import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `persons.company_key`: the company a person was asked at when the question named it without a
 * domain, so that the store answers that question again once the Redis cache has forgotten it (it
 * answered only questions by domain or LinkedIn URL). People stored before keep none: asked again
 * by company name, they are bought once more and stored with it.
 */
export class PersonCompanyKey1796430000000 implements MigrationInterface {
  name = 'PersonCompanyKey1796430000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "persons" ADD "company_key" text
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_persons_workspace_company_key" ON "persons" ("workspace_id", "company_key")
            WHERE company_key IS NOT NULL
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            DROP INDEX "public"."ix_persons_workspace_company_key"
        `);
    await queryRunner.query(`
            ALTER TABLE "persons" DROP COLUMN "company_key"
        `);
  }
}
