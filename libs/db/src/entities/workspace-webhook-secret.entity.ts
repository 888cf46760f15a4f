import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A workspace's secret for signing the callbacks Sluice sends it (Standard Webhooks, `whsec_…`),
 * sealed with the deployment's encryption key: Sluice must read it back to sign, so it is
 * encrypted rather than hashed. A rotated-out secret keeps signing beside the new one until
 * `expires_at`, so receivers can switch without losing a delivery.
 */
@Entity({ name: 'workspace_webhook_secrets' })
@Index('ix_workspace_webhook_secrets_workspace', ['workspaceId'])
export class WorkspaceWebhookSecret {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_workspace_webhook_secrets' })
  id!: string;

  @Column({ name: 'workspace_id', type: 'uuid' })
  workspaceId!: string;

  @Column({ name: 'secret_sealed', type: 'text' })
  secretSealed!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  /** Null for the current secret; set when a rotation retires it. */
  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true })
  expiresAt!: Date | null;
}
