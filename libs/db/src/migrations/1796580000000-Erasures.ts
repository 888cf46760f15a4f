import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `erasures`: one row per `DELETE /v1/persons`, with its status, what it erased and a heartbeat, so
 * that an erasure outlasting its request can be followed (`GET /v1/erasures/:id`). The person is
 * named by the kind and hash of their suppression only. Reverting drops the records (the erasures
 * and suppressions themselves stay done).
 */
export class Erasures1796580000000 implements MigrationInterface {
  name = 'Erasures1796580000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "erasures" (
                "id" uuid NOT NULL,
                "workspace_id" uuid NOT NULL,
                "kind" text NOT NULL,
                "identifier_hash" text NOT NULL,
                "status" text NOT NULL DEFAULT 'running',
                "suppressed" jsonb NOT NULL DEFAULT '[]',
                "erased" jsonb,
                "error" text,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "finished_at" TIMESTAMP WITH TIME ZONE,
                "heartbeat_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "pk_erasures" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_erasures_workspace_created" ON "erasures" ("workspace_id", "created_at", "id")
        `);
    await queryRunner.query(`
            ALTER TABLE "erasures"
            ADD CONSTRAINT "fk_erasures_workspace" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            DROP TABLE "erasures"
        `);
  }
}
