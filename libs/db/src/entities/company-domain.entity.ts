import { Column, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/** A company's web domain as a provider resolved it, per workspace. */
@Entity({ name: 'company_domains' })
@Index('uq_company_domains_workspace_company', ['workspaceId', 'companyKey'], { unique: true })
@Index('ix_company_domains_workspace_domain', ['workspaceId', 'domain'])
@Index('ix_company_domains_company_number', ['companyNumber'], { where: 'company_number IS NOT NULL' })
export class CompanyDomain {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_company_domains' })
  id!: string;

  @Column({ name: 'workspace_id', type: 'uuid' })
  workspaceId!: string;

  /**
   * `number:` and the company number when known, else `name:` and the name's canonical form
   * (`canonicalCompanyName`; rows written by earlier versions have it folded for case and spacing only).
   */
  @Column({ name: 'company_key', type: 'text' })
  companyKey!: string;

  @Column({ name: 'company_number', type: 'text', nullable: true })
  companyNumber!: string | null;

  @Column({ name: 'company_name', type: 'text', nullable: true })
  companyName!: string | null;

  /** Registrable domain. */
  @Column({ type: 'text' })
  domain!: string;

  @Column({ type: 'text' })
  provider!: string;

  @UpdateDateColumn({ name: 'fetched_at', type: 'timestamptz' })
  fetchedAt!: Date;
}
