import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Per-workspace API rate limits, and API key scopes renamed to the public set (`enrich`,
 * `jobs:read`, `export`, `admin`): `jobs:write` becomes `enrich`, and each workspace's first key
 * (`default`) holds every scope, as it did in effect before scopes were checked.
 */
export class ApiLimits1796229405598 implements MigrationInterface {
  name = 'ApiLimits1796229405598';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "workspaces"
            ADD "rate_limits" jsonb
        `);
    await queryRunner.query(
      `UPDATE "api_keys" SET "scopes" = array_replace("scopes", 'jobs:write', 'enrich')`,
    );
    await queryRunner.query(
      `UPDATE "api_keys" SET "scopes" = ARRAY['enrich', 'jobs:read', 'export', 'admin'] WHERE "name" = 'default'`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `UPDATE "api_keys" SET "scopes" = array_replace("scopes", 'enrich', 'jobs:write')`,
    );
    await queryRunner.query(`
            ALTER TABLE "workspaces" DROP COLUMN "rate_limits"
        `);
  }
}
