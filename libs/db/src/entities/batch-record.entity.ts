import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { Batch } from './batch.entity';
import { EnrichmentRequest } from './enrichment-request.entity';

/**
 * One record of a batch: its identifiers and the job enriching it now (`request_id`, replaced at each
 * re-enrichment). When it was last enriched is that job's `completed_at`, not a copy kept here.
 */
@Entity({ name: 'batch_records' })
@Index('ix_batch_records_request', ['requestId'])
@Index('ix_batch_records_workspace', ['workspaceId'])
export class BatchRecord {
  @PrimaryColumn({ name: 'batch_id', type: 'uuid', primaryKeyConstraintName: 'pk_batch_records' })
  batchId!: string;

  @ManyToOne(() => Batch, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'batch_id', foreignKeyConstraintName: 'fk_batch_records_batch' })
  batch?: Batch;

  /** The record's index in the list sent (so a caller can match it to its own). */
  @PrimaryColumn({ type: 'int', primaryKeyConstraintName: 'pk_batch_records' })
  index!: number;

  @Column({ name: 'workspace_id', type: 'uuid' })
  workspaceId!: string;

  @Column({ name: 'external_id', type: 'text', nullable: true })
  externalId!: string | null;

  /** The identifiers, validated and normalised. */
  @Column({ type: 'jsonb' })
  input!: Record<string, unknown>;

  @Column({ name: 'occurred_at', type: 'timestamptz', nullable: true })
  occurredAt!: Date | null;

  @Column({ name: 'request_id', type: 'uuid' })
  requestId!: string;

  @ManyToOne(() => EnrichmentRequest, { onDelete: 'NO ACTION' })
  @JoinColumn({ name: 'request_id', foreignKeyConstraintName: 'fk_batch_records_request' })
  request?: EnrichmentRequest;

  /** When the current job was enqueued (the first run, or the last re-enrichment). */
  @Column({ name: 'enqueued_at', type: 'timestamptz', default: () => 'now()' })
  enqueuedAt!: Date;
}
