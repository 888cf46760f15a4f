import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The asynchronous provider work of steps erased with a person while it ran (see ErasedTask): the
 * worker collects what the provider charges for it into the credit ledger.
 */
export class ErasedTasks1796600000000 implements MigrationInterface {
  name = 'ErasedTasks1796600000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "erased_tasks" (
                "step_id" uuid NOT NULL,
                "workspace_id" uuid NOT NULL,
                "request_id" uuid NOT NULL,
                "provider" text NOT NULL,
                "goal" text NOT NULL,
                "operation" text NOT NULL,
                "tier" text NOT NULL,
                "provider_task_id" text NOT NULL,
                "provider_task_account" text,
                "deadline_at" TIMESTAMP WITH TIME ZONE,
                "called_back_at" TIMESTAMP WITH TIME ZONE,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "pk_erased_tasks" PRIMARY KEY ("step_id")
            )
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            DROP TABLE "erased_tasks"
        `);
  }
}
