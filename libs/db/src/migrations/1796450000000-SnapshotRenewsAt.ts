import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `credit_snapshots.renews_at`: the renewal a provider reported with a balance reading, so that
 * `GET /v1/credits` can show the renewal the credit monitor's alerts use when no renewal day is
 * configured. Earlier readings have none (the next reading brings it).
 */
export class SnapshotRenewsAt1796450000000 implements MigrationInterface {
  name = 'SnapshotRenewsAt1796450000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "credit_snapshots" ADD "renews_at" TIMESTAMP WITH TIME ZONE
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "credit_snapshots" DROP COLUMN "renews_at"
        `);
  }
}
