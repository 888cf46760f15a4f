import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `person_phones.extension`: the extension dialled after a stored number (`+442079460958` ext.
 * `123`), which E.164 has no room for. Null for numbers without one, and for those stored before
 * extensions were kept (they were dropped then). Reverting drops the extensions.
 */
export class PhoneExtension1796530000000 implements MigrationInterface {
  name = 'PhoneExtension1796530000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "person_phones" ADD "extension" text
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "person_phones" DROP COLUMN "extension"
        `);
  }
}
