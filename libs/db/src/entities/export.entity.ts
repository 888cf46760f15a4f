import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { Workspace } from './workspace.entity';

export const EXPORT_FORMATS = ['csv', 'jsonl'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** Which jobs an export holds; every filter optional, all of them together. */
export interface ExportFilters {
  import_id?: string;
  batch_id?: string;
  status?: string;
  type?: string;
  /** ISO 8601. */
  created_after?: string;
  /** ISO 8601. */
  created_before?: string;
}

/**
 * A saved export (`POST /v1/exports`): the filters only. `GET /v1/exports/:id` reads the matching
 * jobs afresh each time, streamed from PostgreSQL, so nothing is stored but this row.
 */
@Entity({ name: 'exports' })
@Index('ix_exports_workspace_created', ['workspaceId', 'createdAt'])
export class ExportRecord {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_exports' })
  id!: string;

  @Column({ name: 'workspace_id', type: 'uuid' })
  workspaceId!: string;

  @ManyToOne(() => Workspace, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'workspace_id', foreignKeyConstraintName: 'fk_exports_workspace' })
  workspace?: Workspace;

  @Column({ name: 'api_key_id', type: 'uuid', nullable: true })
  apiKeyId!: string | null;

  @Column({ type: 'text' })
  format!: ExportFormat;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  filters!: ExportFilters;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
