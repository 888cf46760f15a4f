import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `person_profiles`: profiles providers answered, by question, so that the store answers a profile
 * question again as it does e-mails and phones. Reverting drops them (they are bought again).
 */
export class PersonProfiles1796400000000 implements MigrationInterface {
  name = 'PersonProfiles1796400000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "person_profiles" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "workspace_id" uuid NOT NULL,
                "subject_key" text NOT NULL,
                "provider" text NOT NULL,
                "profile" jsonb NOT NULL,
                "fetched_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "pk_person_profiles" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_person_profiles_workspace_subject" ON "person_profiles" ("workspace_id", "subject_key")
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            DROP TABLE "person_profiles"
        `);
  }
}
