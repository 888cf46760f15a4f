import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A company's firmographics (industry, size, revenue, technologies) as a provider answered a
 * question (the lookup's cache key: the domain or name asked): kept to answer the same question
 * again for STORE_FRESH_DAYS without buying it twice, once the Redis cache has forgotten it.
 */
@Entity({ name: 'company_firmographics' })
@Index('uq_company_firmographics_workspace_subject', ['workspaceId', 'subjectKey'], { unique: true })
export class CompanyFirmographics {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_company_firmographics' })
  id!: string;

  @Column({ name: 'workspace_id', type: 'uuid' })
  workspaceId!: string;

  /** The normalised identifiers asked, at the provider (the lookup's cache key). */
  @Column({ name: 'subject_key', type: 'text' })
  subjectKey!: string;

  @Column({ type: 'text' })
  provider!: string;

  /** The canonical firmographics, as the step answered them. */
  @Column({ type: 'jsonb' })
  firmographics!: Record<string, unknown>;

  @Column({ name: 'fetched_at', type: 'timestamptz', default: () => 'now()' })
  fetchedAt!: Date;
}
