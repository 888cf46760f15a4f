import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { ImportRecord } from './import.entity';
import { Workspace } from './workspace.entity';

export const REQUEST_STATUSES = ['queued', 'running', 'waiting', 'completed', 'failed', 'cancelled'] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

@Entity({ name: 'enrichment_requests' })
@Index('ix_enrichment_requests_workspace_created', ['workspaceId', 'createdAt'])
@Index('ix_enrichment_requests_status', ['status'])
@Index('ix_enrichment_requests_batch', ['batchId'], { where: 'batch_id IS NOT NULL' })
@Index('ix_enrichment_requests_import', ['importId'], { where: 'import_id IS NOT NULL' })
/** Each job is retried at most once: a batch record or an import row has one latest attempt. */
@Index('ux_enrichment_requests_retry_of', ['retryOf'], { unique: true, where: 'retry_of IS NOT NULL' })
/** The retention run finds finished requests past their retention by it. */
@Index('ix_enrichment_requests_completed', ['completedAt'], { where: 'completed_at IS NOT NULL' })
/** The recovery sweep's finished jobs with a callback URL, in order of their end. */
@Index('ix_enrichment_requests_callback_completed', ['completedAt', 'id'], {
  where: 'callback_url IS NOT NULL AND completed_at IS NOT NULL',
})
export class EnrichmentRequest {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_enrichment_requests' })
  id!: string;

  @Column({ name: 'workspace_id', type: 'uuid' })
  workspaceId!: string;

  @ManyToOne(() => Workspace, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'workspace_id', foreignKeyConstraintName: 'fk_enrichment_requests_workspace' })
  workspace?: Workspace;

  @Column({ name: 'api_key_id', type: 'uuid', nullable: true })
  apiKeyId!: string | null;

  /** The CSV import (`POST /v1/imports`) the job came from, if any. */
  @Column({ name: 'import_id', type: 'uuid', nullable: true })
  importId!: string | null;

  @ManyToOne(() => ImportRecord, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'import_id', foreignKeyConstraintName: 'fk_enrichment_requests_import' })
  importRecord?: ImportRecord;

  @Column({ type: 'text' })
  type!: string;

  @Column({ type: 'jsonb' })
  input!: Record<string, unknown>;

  @Column({ type: 'text', default: 'interactive' })
  priority!: 'interactive' | 'bulk';

  @Column({ type: 'text', default: 'queued' })
  status!: RequestStatus;

  /** Most credits the request may spend; no step starts that could exceed it. Null: no cap. */
  @Column({ name: 'max_credits', type: 'numeric', precision: 12, scale: 4, nullable: true })
  maxCredits!: string | null;

  /** How the plan runs: verify, accept_catch_all, phone_type, wait_for_credits, max_age_days, fields. */
  @Column({ type: 'jsonb', default: () => "'{}'" })
  options!: Record<string, unknown>;

  /** Workspace tier at the time of the request (decides which providers it may use). */
  @Column({ type: 'text', default: 'pro' })
  tier!: 'free' | 'pro' | 'enterprise';

  @Column({ name: 'callback_url', type: 'text', nullable: true })
  callbackUrl!: string | null;

  @Column({ type: 'jsonb', nullable: true })
  result!: Record<string, unknown> | null;

  @Column({ type: 'text', nullable: true })
  error!: string | null;

  /** The batch this request enriches a record of (every run of it), if any. */
  @Column({ name: 'batch_id', type: 'uuid', nullable: true })
  batchId!: string | null;

  @Column({ name: 'correlation_id', type: 'text' })
  correlationId!: string;

  /** The job this one was last run again as (a retry), if any: `retry-failed` takes it no more. */
  @Column({ name: 'retried_as', type: 'uuid', nullable: true })
  retriedAs!: string | null;

  /**
   * For a retry, the job it runs again; null for a first attempt. A retry keeps that job's batch and
   * import and stands for it there (their progress and exports count the latest attempt, their row
   * counts first attempts only). No foreign key, as `retried_as`: a retry whose original was deleted
   * (retention) is still a retry, not a first attempt that would count its row twice.
   */
  @Column({ name: 'retry_of', type: 'uuid', nullable: true })
  retryOf!: string | null;

  /**
   * For a retry, when the job it runs again was made (the first of a chain of retries): answers
   * fetched since then are what that job paid for, fresh enough for the retry's `max_age_days`.
   * Null for a first attempt.
   */
  @Column({ name: 'first_attempt_at', type: 'timestamptz', nullable: true })
  firstAttemptAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @Column({ name: 'completed_at', type: 'timestamptz', nullable: true })
  completedAt!: Date | null;
}
