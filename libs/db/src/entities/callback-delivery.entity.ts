import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** One attempt to deliver a job's result to its `callback_url`. */
@Entity({ name: 'callback_deliveries' })
@Index('ix_callback_deliveries_request', ['requestId', 'createdAt'])
@Index('ix_callback_deliveries_workspace_created', ['workspaceId', 'createdAt'])
export class CallbackDelivery {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_callback_deliveries' })
  id!: string;

  @Column({ name: 'workspace_id', type: 'uuid' })
  workspaceId!: string;

  @Column({ name: 'request_id', type: 'uuid' })
  requestId!: string;

  /** The `webhook-id` sent: the same for every attempt of one message. */
  @Column({ name: 'webhook_id', type: 'text' })
  webhookId!: string;

  @Column({ type: 'text' })
  url!: string;

  @Column({ type: 'int' })
  attempt!: number;

  /** HTTP status answered, or null when no answer came (refused, timed out, unreachable). */
  @Column({ type: 'int', nullable: true })
  status!: number | null;

  @Column({ type: 'text', nullable: true })
  error!: string | null;

  @Column({ name: 'latency_ms', type: 'int', nullable: true })
  latencyMs!: number | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
