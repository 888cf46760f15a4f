import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `provider_calls.own_account`: whether the call was made on a workspace's own account at the
 * provider (its stored credentials) rather than the platform's. A workspace's bad key is its own
 * affair: its refused calls must not raise the platform's failure-rate alert. Earlier rows are the
 * platform's (a constant default: PostgreSQL adds the column without rewriting the table).
 */
export class ProviderCallOwnAccount1796470000000 implements MigrationInterface {
  name = 'ProviderCallOwnAccount1796470000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "provider_calls" ADD "own_account" boolean NOT NULL DEFAULT false
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "provider_calls" DROP COLUMN "own_account"
        `);
  }
}
