import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * `charge`: credits of the platform's provider accounts. `workspace_charge`: credits a call spent at a
 * workspace's own account (its own credentials): recorded as the workspace's spend, never reconciled
 * against, forecast from or counted towards the platform's balances and quotas, which read `charge` only.
 */
export const LEDGER_KINDS = ['charge', 'refund', 'adjustment', 'workspace_charge'] as const;
export type LedgerKind = (typeof LEDGER_KINDS)[number];

/**
 * Credits spent at providers, one row per charge. `idempotency_key` (the step and the phase of its
 * call) is unique, so a retried or duplicated step can never be charged twice in the ledger.
 * Provider-reported balances are snapshots that this ledger is reconciled against.
 */
@Entity({ name: 'credit_ledger' })
@Index('uq_credit_ledger_idempotency_key', ['idempotencyKey'], { unique: true })
@Index('ix_credit_ledger_provider_created', ['provider', 'createdAt'])
@Index('ix_credit_ledger_workspace_created', ['workspaceId', 'createdAt'])
// Every workspace's charges over a window (GET /v1/credits, the dashboard).
@Index('ix_credit_ledger_created', ['createdAt'])
export class CreditLedgerEntry {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_credit_ledger' })
  id!: string;

  @Column({ type: 'text' })
  provider!: string;

  @Column({ name: 'workspace_id', type: 'uuid', nullable: true })
  workspaceId!: string | null;

  @Column({ name: 'request_id', type: 'uuid', nullable: true })
  requestId!: string | null;

  @Column({ name: 'step_id', type: 'uuid', nullable: true })
  stepId!: string | null;

  @Column({ type: 'text', default: 'charge' })
  kind!: LedgerKind;

  @Column({ type: 'numeric', precision: 12, scale: 4 })
  credits!: string;

  @Column({ name: 'idempotency_key', type: 'text' })
  idempotencyKey!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
