import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export type AlertSeverityLevel = 'info' | 'warning' | 'critical';

/** Where an alert went: per channel, delivered (with when) or the last error. */
export type AlertDeliveries = Record<string, { ok: boolean; at: string; attempts: number; error?: string }>;

/** An alert raised by the credit monitor, as it was sent to people. */
@Entity({ name: 'alerts' })
@Index('ix_alerts_created', ['createdAt'])
@Index('ix_alerts_workspace_created', ['workspaceId', 'createdAt'])
export class Alert {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_alerts' })
  id!: string;

  /** What kind: `credits.threshold`, `credits.drift`, `forecast.exhaustion`, `provider.failure_rate`... */
  @Column({ type: 'text' })
  kind!: string;

  @Column({ type: 'text' })
  severity!: AlertSeverityLevel;

  @Column({ type: 'text', nullable: true })
  provider!: string | null;

  /** Set for alerts about one workspace (its quota); null for the platform's providers. */
  @Column({ name: 'workspace_id', type: 'uuid', nullable: true })
  workspaceId!: string | null;

  @Column({ type: 'text' })
  title!: string;

  @Column({ type: 'text' })
  text!: string;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  details!: Record<string, unknown>;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  deliveries!: AlertDeliveries;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
