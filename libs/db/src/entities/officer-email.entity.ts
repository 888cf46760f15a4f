import { Column, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/** An officer's work e-mail as a workspace bought it. */
@Entity({ name: 'officer_emails' })
@Index('uq_officer_emails_workspace_officer', ['workspaceId', 'companyNumber', 'officerKey'], {
  unique: true,
})
@Index('ix_officer_emails_workspace_email', ['workspaceId', 'email'])
export class OfficerEmail {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_officer_emails' })
  id!: string;

  @Column({ name: 'workspace_id', type: 'uuid' })
  workspaceId!: string;

  @Column({ name: 'company_number', type: 'text' })
  companyNumber!: string;

  @Column({ name: 'officer_key', type: 'text' })
  officerKey!: string;

  @Column({ type: 'text' })
  email!: string;

  /** valid, catch_all, risky, invalid, unknown; null when not verified. */
  @Column({ type: 'text', nullable: true })
  verdict!: string | null;

  @Column({ type: 'text' })
  provider!: string;

  @UpdateDateColumn({ name: 'fetched_at', type: 'timestamptz' })
  fetchedAt!: Date;
}
