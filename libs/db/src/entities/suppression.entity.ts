import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** The kinds of identifier a person can be suppressed by. */
export const SUPPRESSION_KINDS = ['email', 'linkedin_url'] as const;
export type SuppressionKind = (typeof SUPPRESSION_KINDS)[number];

/**
 * A person who was erased and must never be enriched again in that workspace. Holds only the SHA-256
 * of the normalised identifier (lower-cased e-mail, canonical LinkedIn URL), never the identifier
 * itself, so the suppression list is no copy of the data it suppresses.
 */
@Entity({ name: 'suppressions' })
// The hash before the kind: lookups ask by workspace and hash, whatever the kind.
@Index('uq_suppressions_workspace_hash_kind', ['workspaceId', 'identifierHash', 'kind'], { unique: true })
export class Suppression {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_suppressions' })
  id!: string;

  @Column({ name: 'workspace_id', type: 'uuid' })
  workspaceId!: string;

  @Column({ type: 'text' })
  kind!: SuppressionKind;

  /** Hex SHA-256 of the normalised identifier. */
  @Column({ name: 'identifier_hash', type: 'text' })
  identifierHash!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
