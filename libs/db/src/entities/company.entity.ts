import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export interface CompanyAddressColumn {
  line1: string | null;
  line2: string | null;
  locality: string | null;
  region: string | null;
  postalCode: string | null;
  country: string | null;
}

/**
 * Companies as the public register describes them. Register data is public and identical for every
 * workspace, so one row per company number serves all; what a workspace asked for is recorded on
 * its own requests.
 */
@Entity({ name: 'companies' })
@Index('uq_companies_company_number', ['companyNumber'], { unique: true })
@Index('ix_companies_status', ['status'])
export class CompanyRecord {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_companies' })
  id!: string;

  @Column({ name: 'company_number', type: 'text' })
  companyNumber!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text' })
  status!: string;

  @Column({ name: 'status_detail', type: 'text', nullable: true })
  statusDetail!: string | null;

  @Column({ type: 'text', nullable: true })
  type!: string | null;

  @Column({ type: 'text', nullable: true })
  jurisdiction!: string | null;

  @Column({ name: 'incorporated_on', type: 'date', nullable: true })
  incorporatedOn!: string | null;

  @Column({ name: 'dissolved_on', type: 'date', nullable: true })
  dissolvedOn!: string | null;

  @Column({ name: 'sic_codes', type: 'text', array: true, default: () => "'{}'" })
  sicCodes!: string[];

  @Column({ name: 'registered_address', type: 'jsonb', nullable: true })
  registeredAddress!: CompanyAddressColumn | null;

  @Column({ type: 'text', nullable: true })
  domain!: string | null;

  @Column({ type: 'text' })
  source!: string;

  /** The provider's payload as received. */
  @Column({ type: 'jsonb' })
  raw!: Record<string, unknown>;

  @Column({ name: 'fetched_at', type: 'timestamptz' })
  fetchedAt!: Date;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
