import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/**
 * Asynchronous provider work of a step erased with a person (`DELETE /v1/persons`) while it ran:
 * the provider charges for that work when it finishes, step or not. What the worker needs to
 * collect that charge into the credit ledger, and nothing about the person: ids, the provider's
 * task and the goal asked. The worker deletes the row once the charge is recorded.
 */
@Entity({ name: 'erased_tasks' })
export class ErasedTask {
  @PrimaryColumn({ name: 'step_id', type: 'uuid', primaryKeyConstraintName: 'pk_erased_tasks' })
  stepId!: string;

  @Column({ name: 'workspace_id', type: 'uuid' })
  workspaceId!: string;

  @Column({ name: 'request_id', type: 'uuid' })
  requestId!: string;

  @Column({ type: 'text' })
  provider!: string;

  @Column({ type: 'text' })
  goal!: string;

  @Column({ type: 'text' })
  operation!: string;

  /** The erased request's tier (its rate limits). */
  @Column({ type: 'text' })
  tier!: 'free' | 'pro' | 'enterprise';

  @Column({ name: 'provider_task_id', type: 'text' })
  providerTaskId!: string;

  /** As on the step: `platform`, the version of the workspace's credentials, or null (not known). */
  @Column({ name: 'provider_task_account', type: 'text', nullable: true })
  providerTaskAccount!: string | null;

  @Column({ name: 'deadline_at', type: 'timestamptz', nullable: true })
  deadlineAt!: Date | null;

  /** When the provider called back for the work (it finished it, and charged for it). */
  @Column({ name: 'called_back_at', type: 'timestamptz', nullable: true })
  calledBackAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
