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

export const IMPORT_STATUSES = ['running', 'completed', 'failed'] as const;
export type ImportStatus = (typeof IMPORT_STATUSES)[number];

/** A CSV row that was not enqueued: its line in the file, the column at fault when one is, and why. */
export interface ImportRowError {
  line: number;
  column?: string;
  message: string;
}

/**
 * A CSV upload (`POST /v1/imports`): one job per valid row, enqueued as the file streams in. The
 * counts are always complete; `errors` keeps only the first IMPORT_MAX_ERRORS rejected rows.
 */
@Entity({ name: 'imports' })
@Index('ix_imports_workspace_created', ['workspaceId', 'createdAt'])
export class ImportRecord {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_imports' })
  id!: string;

  @Column({ name: 'workspace_id', type: 'uuid' })
  workspaceId!: string;

  @ManyToOne(() => Workspace, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'workspace_id', foreignKeyConstraintName: 'fk_imports_workspace' })
  workspace?: Workspace;

  @Column({ name: 'api_key_id', type: 'uuid', nullable: true })
  apiKeyId!: string | null;

  /** The request type every row becomes (`person.email`, `company.profile`...). */
  @Column({ type: 'text' })
  type!: string;

  @Column({ type: 'text', default: 'running' })
  status!: ImportStatus;

  /** Data rows read so far (the header not counted). */
  @Column({ name: 'rows_total', type: 'integer', default: 0 })
  rowsTotal!: number;

  @Column({ name: 'rows_accepted', type: 'integer', default: 0 })
  rowsAccepted!: number;

  @Column({ name: 'rows_rejected', type: 'integer', default: 0 })
  rowsRejected!: number;

  /** The first rejected rows, in file order (capped; the counts are not). */
  @Column({ type: 'jsonb', default: () => "'[]'" })
  errors!: ImportRowError[];

  /** Why a failed import stopped (the upload broke off, too many rows...). */
  @Column({ type: 'text', nullable: true })
  error!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'completed_at', type: 'timestamptz', nullable: true })
  completedAt!: Date | null;
}
