import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/**
 * A person as a workspace bought them: merged fields with the source and confidence of each.
 * Person data is bought per workspace and stays in it (erasure and retention act per workspace).
 */
@Entity({ name: 'persons' })
@Index('uq_persons_workspace_email', ['workspaceId', 'email'], { unique: true, where: 'email IS NOT NULL' })
@Index('uq_persons_workspace_linkedin', ['workspaceId', 'linkedinUrl'], {
  unique: true,
  where: 'linkedin_url IS NOT NULL',
})
@Index('ix_persons_workspace_domain_name', ['workspaceId', 'companyDomain', 'fullName'])
/** A person asked by name at a company named without its domain is found by it. */
@Index('ix_persons_workspace_company_key', ['workspaceId', 'companyKey'], {
  where: 'company_key IS NOT NULL',
})
/** The retention run finds people past their retention by it. */
@Index('ix_persons_fetched', ['fetchedAt'])
export class PersonRecord {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_persons' })
  id!: string;

  @Column({ name: 'workspace_id', type: 'uuid' })
  workspaceId!: string;

  /** Normalised (lower-case) work e-mail. */
  @Column({ type: 'text', nullable: true })
  email!: string | null;

  @Column({ name: 'linkedin_url', type: 'text', nullable: true })
  linkedinUrl!: string | null;

  @Column({ name: 'full_name', type: 'text', nullable: true })
  fullName!: string | null;

  @Column({ name: 'company_domain', type: 'text', nullable: true })
  companyDomain!: string | null;

  /**
   * The company the person was asked at when it was named without a domain (`name:` and the
   * name's canonical form, `canonicalCompanyName`; rows written by earlier versions have it folded for
   * case and spacing only), so that the same question, asked again once the cache has forgotten it,
   * is answered from here; null otherwise.
   */
  @Column({ name: 'company_key', type: 'text', nullable: true })
  companyKey!: string | null;

  /** The API's field names → values. */
  @Column({ type: 'jsonb', default: () => "'{}'" })
  data!: Record<string, unknown>;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  sources!: Record<string, string>;

  /**
   * The API's field names → the confidence (0..1) the provider that gave the field's value gave it,
   * where it gave one (its e-mail addresses); the store answers a later question with it.
   */
  @Column({ type: 'jsonb', default: () => "'{}'" })
  confidence!: Record<string, number>;

  @Column({ name: 'fetched_at', type: 'timestamptz' })
  fetchedAt!: Date;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
