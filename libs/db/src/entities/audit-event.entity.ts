import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One audited action: a read or export of person data, an export, an admin action or a credential
 * change. Append-only: the database refuses UPDATE and DELETE on this table (a trigger, see the
 * AuditEvents migration). `details` never holds a secret (no key, token or credential value).
 */
@Entity({ name: 'audit_events' })
@Index('ix_audit_events_at', ['at', 'id'])
@Index('ix_audit_events_workspace_at', ['workspaceId', 'at', 'id'])
@Index('ix_audit_events_action_at', ['action', 'at', 'id'])
export class AuditEvent {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_audit_events' })
  id!: string;

  @Column({ type: 'timestamptz', default: () => 'clock_timestamp()' })
  at!: Date;

  /** The workspace whose data or settings the action touched; null for platform-wide actions. */
  @Column({ name: 'workspace_id', type: 'uuid', nullable: true })
  workspaceId!: string | null;

  /** Who: the API key id, or `admin` for the admin token. */
  @Column({ type: 'text' })
  actor!: string;

  /** What, e.g. `job.read`, `export.download`, `api_key.create`, `credentials.put`. */
  @Column({ type: 'text' })
  action!: string;

  @Column({ name: 'target_type', type: 'text', nullable: true })
  targetType!: string | null;

  @Column({ name: 'target_id', type: 'text', nullable: true })
  targetId!: string | null;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  details!: Record<string, unknown>;

  /** The request's correlation id (x-request-id), to find its log lines. */
  @Column({ name: 'correlation_id', type: 'text', nullable: true })
  correlationId!: string | null;
}
