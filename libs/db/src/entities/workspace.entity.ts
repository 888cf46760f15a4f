import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export const WORKSPACE_TIERS = ['free', 'standard', 'premium'] as const;

/** A workspace's own API request limits; a missing one is the gateway's default. */
export interface WorkspaceRateLimits {
  per_minute?: number;
  per_hour?: number;
  per_day?: number;
}
export type WorkspaceTier = (typeof WORKSPACE_TIERS)[number];

@Entity({ name: 'workspaces' })
@Index('uq_workspaces_slug', ['slug'], { unique: true })
export class Workspace {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_workspaces' })
  id!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text' })
  slug!: string;

  @Column({ type: 'text', default: 'standard' })
  tier!: WorkspaceTier;

  @Column({ name: 'rate_limits', type: 'jsonb', nullable: true })
  rateLimits!: WorkspaceRateLimits | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
