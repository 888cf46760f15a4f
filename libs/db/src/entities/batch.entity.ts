import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { Workspace } from './workspace.entity';

/** How a batch is kept fresh: its records are enriched again once their last run is this old. */
export interface BatchSchedule {
  every_days: number;
}

/**
 * A named set of records enriched together (e.g. the contacts of recently closed-won deals). Its
 * status and progress are derived from the jobs of its records, never stored twice.
 */
@Entity({ name: 'batches' })
@Index('ix_batches_workspace_created', ['workspaceId', 'createdAt'])
export class Batch {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_batches' })
  id!: string;

  @Column({ name: 'workspace_id', type: 'uuid' })
  workspaceId!: string;

  @ManyToOne(() => Workspace, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'workspace_id', foreignKeyConstraintName: 'fk_batches_workspace' })
  workspace?: Workspace;

  @Column({ name: 'api_key_id', type: 'uuid', nullable: true })
  apiKeyId!: string | null;

  @Column({ type: 'text', nullable: true })
  name!: string | null;

  /** The fields asked of every record. */
  @Column({ type: 'jsonb' })
  fields!: string[];

  /** The jobs' options (fields included), as every job of the batch gets them. */
  @Column({ type: 'jsonb', default: () => "'{}'" })
  options!: Record<string, unknown>;

  /** How the records sent were filtered (`since_days`, `limit`), kept to show how the set was made. */
  @Column({ type: 'jsonb', default: () => "'{}'" })
  filters!: Record<string, unknown>;

  @Column({ type: 'text', default: 'bulk' })
  priority!: 'interactive' | 'bulk';

  /** The batch's budget per run, as the caller gave it. */
  @Column({ name: 'max_credits', type: 'numeric', precision: 12, scale: 4, nullable: true })
  maxCredits!: string | null;

  /** The budget's share each record's job may spend (`max_credits` / records). */
  @Column({ name: 'max_credits_per_record', type: 'numeric', precision: 12, scale: 4, nullable: true })
  maxCreditsPerRecord!: string | null;

  /** Records sent, records kept (after the filters and validation). */
  @Column({ name: 'records_received', type: 'int' })
  recordsReceived!: number;

  @Column({ name: 'record_count', type: 'int' })
  recordCount!: number;

  @Column({ type: 'jsonb', nullable: true })
  schedule!: BatchSchedule | null;

  /** Workspace tier at creation, given to the re-enrichment jobs as to the first ones. */
  @Column({ type: 'text', default: 'pro' })
  tier!: 'free' | 'pro' | 'enterprise';

  @Column({ name: 'correlation_id', type: 'text' })
  correlationId!: string;

  @Column({ name: 'last_run_at', type: 'timestamptz', nullable: true })
  lastRunAt!: Date | null;

  /** When the batch was cancelled: its unfinished jobs were cancelled and it is never re-enriched. */
  @Column({ name: 'cancelled_at', type: 'timestamptz', nullable: true })
  cancelledAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
