import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/**
 * A workspace's own credentials at one provider, used instead of the platform's for its calls.
 * `ciphertext` is sealed (AES-256-GCM) under the master key `key_id` names and bound to the
 * workspace and provider; `fingerprint` is a short non-secret hint for display (e.g. `…3f9a`).
 */
@Entity({ name: 'workspace_provider_credentials' })
@Index('ix_workspace_provider_credentials_key', ['keyId'])
export class WorkspaceProviderCredential {
  @PrimaryColumn({
    name: 'workspace_id',
    type: 'uuid',
    primaryKeyConstraintName: 'pk_workspace_provider_credentials',
  })
  workspaceId!: string;

  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'pk_workspace_provider_credentials' })
  provider!: string;

  @Column({ type: 'text' })
  ciphertext!: string;

  @Column({ name: 'key_id', type: 'text' })
  keyId!: string;

  @Column({ type: 'text' })
  fingerprint!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
