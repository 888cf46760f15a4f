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

/**
 * The durable copy of an answer kept for `Idempotency-Key` replays (Redis holds the claim and the
 * fast copy): a retry after Redis lost its data replays this instead of doing the work again. Holds
 * what Redis holds, in the same form: the answer sealed with SLUICE_ENCRYPTION_KEY when one is set,
 * else in the clear, or withheld (nothing kept) when it held a secret and nothing could seal it.
 * The Idempotency-Key itself is never stored, only its SHA-256, as in the Redis key.
 */
@Entity({ name: 'idempotency_answers' })
// One answer per key and scope: a workspace's, or the operator's (no workspace).
@Index('uq_idempotency_answers_workspace_key', ['workspaceId', 'keyDigest'], {
  unique: true,
  where: 'workspace_id IS NOT NULL',
})
@Index('uq_idempotency_answers_operator_key', ['keyDigest'], { unique: true, where: 'workspace_id IS NULL' })
// The retention run deletes expired answers by this.
@Index('ix_idempotency_answers_expires', ['expiresAt'])
export class IdempotencyAnswer {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_idempotency_answers' })
  id!: string;

  /** The workspace whose call it answered; null for the operator's (the admin token's) calls. */
  @Column({ name: 'workspace_id', type: 'uuid', nullable: true })
  workspaceId!: string | null;

  @ManyToOne(() => Workspace, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'workspace_id', foreignKeyConstraintName: 'fk_idempotency_answers_workspace' })
  workspace?: Workspace;

  /** Hex SHA-256 of the Idempotency-Key. */
  @Column({ name: 'key_digest', type: 'text' })
  keyDigest!: string;

  /** Hex SHA-256 of the request (method, path, body) the answer is for. */
  @Column({ type: 'text' })
  fingerprint!: string;

  @Column({ type: 'integer' })
  status!: number;

  /** The answer's JSON text as it was sent, when kept in the clear; null when sealed, withheld or empty. */
  @Column({ type: 'text', nullable: true })
  body!: string | null;

  /** The answer sealed with SLUICE_ENCRYPTION_KEY, exactly as Redis keeps it. */
  @Column({ type: 'text', nullable: true })
  sealed!: string | null;

  /** The answer held a secret and no key was set to seal it: kept nowhere, a repeat is 409. */
  @Column({ type: 'boolean', default: false })
  withheld!: boolean;

  /**
   * False while the row only records the work a request did under the key (written in the work's
   * own transaction) and its answer is not kept yet: a gateway that stopped in between leaves it so,
   * and a retry is told the work was done instead of doing it again.
   */
  @Column({ type: 'boolean', default: true })
  answered!: boolean;

  /** What the request made, recorded with the work (`{"job_ids": [...]}`, `{"batch_id": ...}`). */
  @Column({ type: 'jsonb', nullable: true })
  made!: Record<string, unknown> | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  /** When the answer stops being replayed (IDEMPOTENCY_TTL_S after it was kept, as in Redis). */
  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;
}
