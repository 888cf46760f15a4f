import { Column, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/** Officers from the public register; public data, shared by every workspace like `companies`. */
@Entity({ name: 'company_officers' })
@Index('uq_company_officers_company_officer', ['companyNumber', 'officerKey'], { unique: true })
export class CompanyOfficerRecord {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_company_officers' })
  id!: string;

  @Column({ name: 'company_number', type: 'text' })
  companyNumber!: string;

  /** Stable within the company: the register's officer id when given, else name + appointment date. */
  @Column({ name: 'officer_key', type: 'text' })
  officerKey!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text', nullable: true })
  role!: string | null;

  @Column({ name: 'appointed_on', type: 'date', nullable: true })
  appointedOn!: string | null;

  @Column({ name: 'resigned_on', type: 'date', nullable: true })
  resignedOn!: string | null;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  details!: Record<string, unknown>;

  @UpdateDateColumn({ name: 'fetched_at', type: 'timestamptz' })
  fetchedAt!: Date;
}
