import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `ix_enrichment_steps_provider_task`: finds the steps waiting on a provider's task by its id. A
 * RocketReach callback names only the profile it is about, and its step was looked up by reading
 * every step ever kept (a sequential scan per callback, growing with the table).
 */
export class StepProviderTask1796490000000 implements MigrationInterface {
  name = 'StepProviderTask1796490000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE INDEX "ix_enrichment_steps_provider_task" ON "enrichment_steps" ("provider", "provider_task_id")
            WHERE provider_task_id IS NOT NULL
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            DROP INDEX "public"."ix_enrichment_steps_provider_task"
        `);
  }
}
