import { type MigrationInterface, type QueryRunner } from 'typeorm';

export class CompaniesStream1795394102494 implements MigrationInterface {
  name = 'CompaniesStream1795394102494';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "stream_positions" (
                "stream" text NOT NULL,
                "timepoint" bigint NOT NULL,
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "pk_stream_positions" PRIMARY KEY ("stream")
            )
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            DROP TABLE "stream_positions"
        `);
  }
}
