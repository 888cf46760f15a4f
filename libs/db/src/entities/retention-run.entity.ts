import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** How a retention run went. */
export type RetentionRunStatus = 'running' | 'finished' | 'failed';

/**
 * One row per retention run (nightly, or started by an operator): when it ran, the rows it deleted
 * per kind of data (`deleted`, e.g. `{"persons": 12, "provider_calls": 3000}`) and its error, if any.
 */
@Entity({ name: 'retention_runs' })
@Index('ix_retention_runs_started', ['startedAt'])
export class RetentionRun {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_retention_runs' })
  id!: string;

  /** `schedule` (the nightly job scheduler) or `manual` (an operator). */
  @Column({ type: 'text' })
  trigger!: string;

  @Column({ type: 'text', default: 'running' })
  status!: RetentionRunStatus;

  @Column({ name: 'started_at', type: 'timestamptz', default: () => 'now()' })
  startedAt!: Date;

  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt!: Date | null;

  /** Rows deleted per table. */
  @Column({ type: 'jsonb', default: () => "'{}'" })
  deleted!: Record<string, number>;

  @Column({ name: 'total_deleted', type: 'bigint', default: 0 })
  totalDeleted!: string;

  @Column({ type: 'text', nullable: true })
  error!: string | null;
}
