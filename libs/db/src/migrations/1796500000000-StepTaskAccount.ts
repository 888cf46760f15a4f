import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `enrichment_steps.provider_task_account`: the account a step's provider task was started on,
 * `platform` or the version of the workspace's own credentials. The task is the account's: it is
 * polled, and its charge recorded, on that account, whatever credentials the workspace has by then.
 */
export class StepTaskAccount1796500000000 implements MigrationInterface {
  name = 'StepTaskAccount1796500000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "enrichment_steps" ADD "provider_task_account" text
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "enrichment_steps" DROP COLUMN "provider_task_account"
        `);
  }
}
