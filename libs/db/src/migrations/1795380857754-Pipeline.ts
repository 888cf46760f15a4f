import { type MigrationInterface, type QueryRunner } from 'typeorm';

export class Pipeline1795380857754 implements MigrationInterface {
  name = 'Pipeline1795380857754';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "company_domains" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "workspace_id" uuid NOT NULL,
                "company_key" text NOT NULL,
                "company_number" text,
                "company_name" text,
                "domain" text NOT NULL,
                "provider" text NOT NULL,
                "fetched_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "pk_company_domains" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_company_domains_company_number" ON "company_domains" ("company_number")
            WHERE company_number IS NOT NULL
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_company_domains_workspace_domain" ON "company_domains" ("workspace_id", "domain")
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_company_domains_workspace_company" ON "company_domains" ("workspace_id", "company_key")
        `);
    await queryRunner.query(`
            CREATE TABLE "company_officers" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "company_number" text NOT NULL,
                "officer_key" text NOT NULL,
                "name" text NOT NULL,
                "role" text,
                "appointed_on" date,
                "resigned_on" date,
                "details" jsonb NOT NULL DEFAULT '{}',
                "fetched_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "pk_company_officers" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_company_officers_company_officer" ON "company_officers" ("company_number", "officer_key")
        `);
    await queryRunner.query(`
            CREATE TABLE "credit_ledger" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "provider" text NOT NULL,
                "workspace_id" uuid,
                "request_id" uuid,
                "step_id" uuid,
                "kind" text NOT NULL DEFAULT 'charge',
                "credits" numeric(12, 4) NOT NULL,
                "idempotency_key" text NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "pk_credit_ledger" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_credit_ledger_workspace_created" ON "credit_ledger" ("workspace_id", "created_at")
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_credit_ledger_provider_created" ON "credit_ledger" ("provider", "created_at")
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_credit_ledger_idempotency_key" ON "credit_ledger" ("idempotency_key")
        `);
    await queryRunner.query(`
            CREATE TABLE "officer_emails" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "workspace_id" uuid NOT NULL,
                "company_number" text NOT NULL,
                "officer_key" text NOT NULL,
                "email" text NOT NULL,
                "verdict" text,
                "provider" text NOT NULL,
                "fetched_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "pk_officer_emails" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_officer_emails_workspace_email" ON "officer_emails" ("workspace_id", "email")
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_officer_emails_workspace_officer" ON "officer_emails" ("workspace_id", "company_number", "officer_key")
        `);
    await queryRunner.query(`
            CREATE TABLE "person_phones" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "workspace_id" uuid NOT NULL,
                "subject_key" text NOT NULL,
                "number" text NOT NULL,
                "kind" text NOT NULL,
                "line_type" text NOT NULL,
                "country" text,
                "provider" text NOT NULL,
                "fetched_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "pk_person_phones" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_person_phones_workspace_number" ON "person_phones" ("workspace_id", "number")
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_person_phones_workspace_subject_number" ON "person_phones" ("workspace_id", "subject_key", "number")
        `);
    await queryRunner.query(`
            CREATE TABLE "persons" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "workspace_id" uuid NOT NULL,
                "email" text,
                "linkedin_url" text,
                "full_name" text,
                "company_domain" text,
                "data" jsonb NOT NULL DEFAULT '{}',
                "sources" jsonb NOT NULL DEFAULT '{}',
                "confidence" jsonb NOT NULL DEFAULT '{}',
                "fetched_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "pk_persons" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_persons_workspace_domain_name" ON "persons" ("workspace_id", "company_domain", "full_name")
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_persons_workspace_linkedin" ON "persons" ("workspace_id", "linkedin_url")
            WHERE linkedin_url IS NOT NULL
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_persons_workspace_email" ON "persons" ("workspace_id", "email")
            WHERE email IS NOT NULL
        `);
    await queryRunner.query(`
            ALTER TABLE "enrichment_requests"
            ADD "max_credits" numeric(12, 4)
        `);
    await queryRunner.query(`
            ALTER TABLE "enrichment_requests"
            ADD "options" jsonb NOT NULL DEFAULT '{}'
        `);
    await queryRunner.query(`
            ALTER TABLE "enrichment_requests"
            ADD "tier" text NOT NULL DEFAULT 'pro'
        `);
    await queryRunner.query(`
            ALTER TABLE "enrichment_steps"
            ADD "goal" text NOT NULL DEFAULT 'main'
        `);
    await queryRunner.query(`
            ALTER TABLE "enrichment_steps"
            ADD "cache_key" text
        `);
    await queryRunner.query(`
            ALTER TABLE "enrichment_steps"
            ADD "cached" boolean NOT NULL DEFAULT false
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "enrichment_steps" DROP COLUMN "cached"
        `);
    await queryRunner.query(`
            ALTER TABLE "enrichment_steps" DROP COLUMN "cache_key"
        `);
    await queryRunner.query(`
            ALTER TABLE "enrichment_steps" DROP COLUMN "goal"
        `);
    await queryRunner.query(`
            ALTER TABLE "enrichment_requests" DROP COLUMN "tier"
        `);
    await queryRunner.query(`
            ALTER TABLE "enrichment_requests" DROP COLUMN "options"
        `);
    await queryRunner.query(`
            ALTER TABLE "enrichment_requests" DROP COLUMN "max_credits"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."uq_persons_workspace_email"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."uq_persons_workspace_linkedin"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."ix_persons_workspace_domain_name"
        `);
    await queryRunner.query(`
            DROP TABLE "persons"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."uq_person_phones_workspace_subject_number"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."ix_person_phones_workspace_number"
        `);
    await queryRunner.query(`
            DROP TABLE "person_phones"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."uq_officer_emails_workspace_officer"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."ix_officer_emails_workspace_email"
        `);
    await queryRunner.query(`
            DROP TABLE "officer_emails"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."uq_credit_ledger_idempotency_key"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."ix_credit_ledger_provider_created"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."ix_credit_ledger_workspace_created"
        `);
    await queryRunner.query(`
            DROP TABLE "credit_ledger"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."uq_company_officers_company_officer"
        `);
    await queryRunner.query(`
            DROP TABLE "company_officers"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."uq_company_domains_workspace_company"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."ix_company_domains_workspace_domain"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."ix_company_domains_company_number"
        `);
    await queryRunner.query(`
            DROP TABLE "company_domains"
        `);
  }
}
