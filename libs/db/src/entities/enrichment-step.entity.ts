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
import { EnrichmentRequest } from './enrichment-request.entity';

export const STEP_STATES = ['pending', 'completed', 'failed', 'skipped'] as const;
export type StepState = (typeof STEP_STATES)[number];

@Entity({ name: 'enrichment_steps' })
@Index('uq_enrichment_steps_request_seq', ['requestId', 'seq'], { unique: true })
// Usage and data-quality windows: of a workspace, and of every workspace (see ReportIndexes1796550000000).
@Index('ix_enrichment_steps_workspace_completed', ['workspaceId', 'completedAt'])
@Index('ix_enrichment_steps_completed', ['completedAt'], { where: 'completed_at IS NOT NULL' })
// The recovery sweep's pending steps, in order of creation.
@Index('ix_enrichment_steps_pending_created', ['createdAt', 'id'], { where: "state = 'pending'" })
@Index('uq_enrichment_steps_callback_token_sha256', ['callbackTokenSha256'], { unique: true })
@Index('ix_enrichment_steps_provider_task', ['provider', 'providerTaskId'], {
  where: 'provider_task_id IS NOT NULL',
})
@Index('ix_enrichment_steps_pending_deadline', ['deadlineAt'], {
  where: "state = 'pending' AND deadline_at IS NOT NULL",
})
export class EnrichmentStep {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_enrichment_steps' })
  id!: string;

  @Column({ name: 'request_id', type: 'uuid' })
  requestId!: string;

  @ManyToOne(() => EnrichmentRequest, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'request_id', foreignKeyConstraintName: 'fk_enrichment_steps_request' })
  request?: EnrichmentRequest;

  @Column({ name: 'workspace_id', type: 'uuid' })
  workspaceId!: string;

  /** Position of the step in its plan. */
  @Column({ type: 'int' })
  seq!: number;

  @Column({ type: 'text' })
  provider!: string;

  /** The goal of the plan this step serves (e.g. `email`, `phone`, `verify`); a waterfall is one goal. */
  @Column({ type: 'text', default: 'main' })
  goal!: string;

  /** Normalised-input key of the provider call (cache and coalescing). */
  @Column({ name: 'cache_key', type: 'text', nullable: true })
  cacheKey!: string | null;

  /** Whether the answer came from the cache or the store rather than a provider call. */
  @Column({ type: 'boolean', default: false })
  cached!: boolean;

  @Column({ type: 'text' })
  operation!: string;

  @Column({ type: 'text', default: 'pending' })
  state!: StepState;

  /** Why the step ended as it did (e.g. `not_found`, `company dissolved`). */
  @Column({ type: 'text', nullable: true })
  reason!: string | null;

  @Column({ type: 'int', default: 0 })
  attempts!: number;

  @Column({ name: 'latency_ms', type: 'int', nullable: true })
  latencyMs!: number | null;

  @Column({ type: 'numeric', precision: 12, scale: 4, default: 0 })
  credits!: string;

  @Column({ type: 'text', nullable: true })
  error!: string | null;

  /** A provider's task id while the step waits for asynchronous work. */
  /**
   * SHA-256 (hex) of the callback token given to the provider, for steps made before tokens were
   * derived from the step's id (see CallbackTokens in @sluice/queue); null for every newer step. The
   * token itself is never stored.
   */
  @Column({ name: 'callback_token_sha256', type: 'text', nullable: true })
  callbackTokenSha256!: string | null;

  @Column({ name: 'provider_task_id', type: 'text', nullable: true })
  providerTaskId!: string | null;

  /**
   * The account the task was started on: `platform`, or the version of the workspace's own
   * credentials then (null: started before this was kept). It is polled and charged on that account.
   */
  @Column({ name: 'provider_task_account', type: 'text', nullable: true })
  providerTaskAccount!: string | null;

  @Column({ name: 'deadline_at', type: 'timestamptz', nullable: true })
  deadlineAt!: Date | null;

  @Column({ type: 'jsonb', nullable: true })
  output!: Record<string, unknown> | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @Column({ name: 'completed_at', type: 'timestamptz', nullable: true })
  completedAt!: Date | null;
}
