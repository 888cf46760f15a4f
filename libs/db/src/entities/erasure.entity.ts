import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import type { SuppressionKind } from './suppression.entity';
import { Workspace } from './workspace.entity';

export const ERASURE_STATUSES = ['running', 'completed', 'failed'] as const;
export type ErasureStatus = (typeof ERASURE_STATUSES)[number];

/**
 * One erasure of a person (`DELETE /v1/persons`), so that a client that stopped waiting learns how
 * it ended (`GET /v1/erasures/:id`). Names the person only by the kind and hash their suppression is
 * stored under, never by the identifier: the record outlives the erasure. A running erasure's
 * gateway refreshes `heartbeat_at`; one left unrefreshed for ERASURE_STALE_AFTER_MS is read as
 * failed (its gateway stopped).
 */
@Entity({ name: 'erasures' })
// Every read is a workspace's: one erasure by id, or its erasures newest first.
@Index('ix_erasures_workspace_created', ['workspaceId', 'createdAt', 'id'])
// Each erasure reads what earlier ones of its workspace left in Redis: few rows, if any.
@Index('ix_erasures_pending_cache', ['workspaceId'], { where: '"pending_cache" IS NOT NULL' })
export class ErasureRecord {
  /** Chosen by the gateway, so that the row and the suppression commit together under it. */
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_erasures' })
  id!: string;

  @Column({ name: 'workspace_id', type: 'uuid' })
  workspaceId!: string;

  @ManyToOne(() => Workspace, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'workspace_id', foreignKeyConstraintName: 'fk_erasures_workspace' })
  workspace?: Workspace;

  /** The kind of identifier the erasure was asked by. */
  @Column({ type: 'text' })
  kind!: SuppressionKind;

  /** Hex SHA-256 of the normalised identifier, as its suppression stores it. */
  @Column({ name: 'identifier_hash', type: 'text' })
  identifierHash!: string;

  @Column({ type: 'text', default: 'running' })
  status!: ErasureStatus;

  /** The suppressions recorded (the person's other identifiers too), by kind. */
  @Column({ type: 'jsonb', default: () => "'[]'" })
  suppressed!: { kind: SuppressionKind }[];

  /** Rows and entries erased, per table or store, once the erasure completed. */
  @Column({ type: 'jsonb', nullable: true })
  erased!: Record<string, number> | null;

  /** Why a failed erasure stopped. */
  @Column({ type: 'text', nullable: true })
  error!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt!: Date | null;

  /**
   * What Redis still holds of the steps the erasure deleted, until it is removed: their cache keys
   * (hashes of the questions, naming nobody) and ids. Written with the deletions, in their
   * transaction, and cleared once Redis is cleaned: those entries need not name the person (a phone
   * number, a profile), so once the steps are gone nothing else leads to them, and an erasure that
   * failed after its deletions (Redis refusing it, the gateway dying) is finished by the next
   * erasure of the workspace (a repeat of its DELETE), which removes them too.
   */
  @Column({ name: 'pending_cache', type: 'jsonb', nullable: true })
  pendingCache!: { cache_keys: string[]; step_ids: string[] } | null;

  /** Refreshed on a timer by the gateway running the erasure. */
  @Column({ name: 'heartbeat_at', type: 'timestamptz', default: () => 'now()' })
  heartbeatAt!: Date;
}
