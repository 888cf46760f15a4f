import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A provider's balance as its account endpoint reported it, with the reconciliation against the
 * credit ledger since the previous reading: what the provider took, what the ledger charged, and
 * the difference (drift). Top-ups (the balance rose) are recorded without a drift. A plan without a
 * credit limit is recorded `unlimited`, without a balance (and without a drift).
 */
@Entity({ name: 'credit_snapshots' })
@Check('ck_credit_snapshots_unlimited', `"unlimited" = ("balance" IS NULL)`)
@Index('ix_credit_snapshots_provider_taken', ['provider', 'takenAt'])
export class CreditSnapshot {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_credit_snapshots' })
  id!: string;

  @Column({ type: 'text' })
  provider!: string;

  /** null exactly when `unlimited`. */
  @Column({ type: 'numeric', precision: 14, scale: 4, nullable: true })
  balance!: string | null;

  /** The provider reported a plan without a credit limit (RocketReach's `'inf'`). */
  @Column({ type: 'boolean', default: false })
  unlimited!: boolean;

  /** Credits reserved by calls in flight when the balance was read. */
  @Column({ type: 'numeric', precision: 14, scale: 4, default: 0 })
  reserved!: string;

  /** Credits the provider took since the previous snapshot (null: first reading, or a top-up). */
  @Column({ name: 'provider_spent', type: 'numeric', precision: 14, scale: 4, nullable: true })
  providerSpent!: string | null;

  /** Credits the ledger charged for this provider over the same period. */
  @Column({ name: 'ledger_spent', type: 'numeric', precision: 14, scale: 4, nullable: true })
  ledgerSpent!: string | null;

  /** providerSpent - ledgerSpent: positive when the provider took more than we recorded. */
  @Column({ type: 'numeric', precision: 14, scale: 4, nullable: true })
  drift!: string | null;

  /**
   * When the plan renews, as the provider said with this reading (Snov.io's `limit_resets_in`,
   * Apollo's credit cycle); null when it says nothing. `GET /v1/credits` shows the latest one unless
   * the operator set a renewal day.
   */
  @Column({ name: 'renews_at', type: 'timestamptz', nullable: true })
  renewsAt!: Date | null;

  /** When the balance was read: the request sent (PostgreSQL's clock; the ledger interval's end). */
  @CreateDateColumn({ name: 'taken_at', type: 'timestamptz' })
  takenAt!: Date;

  /** When the provider's answer was in. The balance stands for some moment in between. */
  @Column({ name: 'answered_at', type: 'timestamptz' })
  answeredAt!: Date;
}
