import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
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

/** The settings a resumed import must share with the import it resumes (besides its type). */
export interface ImportResumeSettings {
  mapping: Record<string, string> | null;
  options: Record<string, unknown>;
  priority: string;
  callback_url: string | null;
}

/**
 * A CSV upload (`POST /v1/imports`): one job per valid row, enqueued as the file streams in. The
 * counts are always complete; `errors` keeps only the first IMPORT_MAX_ERRORS rejected rows.
 */
@Entity({ name: 'imports' })
@Index('ix_imports_workspace_created', ['workspaceId', 'createdAt'])
@Index('ix_imports_workspace_reference', ['workspaceId', 'reference', 'createdAt'], {
  where: 'reference IS NOT NULL',
})
@Index('ix_imports_workspace_idempotency_key', ['workspaceId', 'idempotencyKeyDigest', 'createdAt'], {
  where: 'idempotency_key_digest IS NOT NULL',
})
// One resume per import: two uploads resuming the same import at once cannot both start.
@Index('ux_imports_resumed_from', ['resumedFrom'], { unique: true, where: 'resumed_from IS NOT NULL' })
// The sweep for imports whose gateway died reads only running imports.
@Index('ix_imports_running_updated', ['updatedAt'], { where: "status = 'running'" })
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

  /** The client's label for the import (`reference`), to find it again without its id. */
  @Column({ type: 'text', nullable: true })
  reference!: string | null;

  /** Mapping, options, priority and callback URL as given: a resume must give the same. */
  @Column({ type: 'jsonb', default: () => "'{}'" })
  settings!: ImportResumeSettings;

  /** The import this one resumes: it skipped that import's committed rows. */
  @Column({ name: 'resumed_from', type: 'uuid', nullable: true })
  resumedFrom!: string | null;

  @ManyToOne(() => ImportRecord, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'resumed_from', foreignKeyConstraintName: 'fk_imports_resumed_from' })
  resumedFromImport?: ImportRecord;

  /** Data rows read so far (the header not counted). */
  @Column({ name: 'rows_total', type: 'integer', default: 0 })
  rowsTotal!: number;

  @Column({ name: 'rows_accepted', type: 'integer', default: 0 })
  rowsAccepted!: number;

  @Column({ name: 'rows_rejected', type: 'integer', default: 0 })
  rowsRejected!: number;

  /** Data rows at the start of the file skipped because the import it resumes had committed them. */
  @Column({ name: 'rows_skipped', type: 'integer', default: 0 })
  rowsSkipped!: number;

  /**
   * Data rows of the file, from its start (skipped rows included), whose outcome is stored: every
   * row read up to the last chunk written. A resume skips this many; rows after it were not written.
   */
  @Column({ name: 'rows_committed', type: 'integer', default: 0 })
  rowsCommitted!: number;

  /**
   * Hex SHA-256 of the Idempotency-Key the import was sent under, if any: a retry under the same key
   * after the upload broke off resumes it rather than importing its rows again.
   */
  @Column({ name: 'idempotency_key_digest', type: 'text', nullable: true })
  idempotencyKeyDigest!: string | null;

  /** SHA-256 of the header and the first `rows_committed` rows as parsed: a resume must read the same. */
  @Column({ name: 'rows_digest', type: 'text', nullable: true })
  rowsDigest!: string | null;

  /** Whether a failed import stopped for a reason other than its content (upload cut, gateway died). */
  @Column({ type: 'boolean', default: false })
  resumable!: boolean;

  /** The first rejected rows, in file order (capped; the counts are not). */
  @Column({ type: 'jsonb', default: () => "'[]'" })
  errors!: ImportRowError[];

  /** Why a failed import stopped (the upload broke off, too many rows...). */
  @Column({ type: 'text', nullable: true })
  error!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  /** Refreshed by every chunk written and by a timer while the upload is open: the import's heartbeat. */
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @Column({ name: 'completed_at', type: 'timestamptz', nullable: true })
  completedAt!: Date | null;
}
