import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** What happens to work beyond a quota: refused (`402`, or the step skipped), or held until it fits. */
export type QuotaPolicy = 'refuse' | 'hold';

/** A workspace's monthly credit quota at one provider (calendar month, UTC). */
@Entity({ name: 'workspace_quotas' })
export class WorkspaceQuota {
  @PrimaryColumn({ name: 'workspace_id', type: 'uuid', primaryKeyConstraintName: 'pk_workspace_quotas' })
  workspaceId!: string;

  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'pk_workspace_quotas' })
  provider!: string;

  @Column({ name: 'monthly_credits', type: 'numeric', precision: 14, scale: 4 })
  monthlyCredits!: string;

  @Column({ type: 'text', default: 'refuse' })
  policy!: QuotaPolicy;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
