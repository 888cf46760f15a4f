import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export const CALL_OUTCOMES = ['hit', 'miss', 'error'] as const;
export type CallOutcome = (typeof CALL_OUTCOMES)[number];

/** One row per HTTP call to a provider: what it cost, how long it took, how it ended. */
@Entity({ name: 'provider_calls' })
@Index('ix_provider_calls_provider_created', ['provider', 'createdAt'])
@Index('ix_provider_calls_workspace_created', ['workspaceId', 'createdAt'])
@Index('ix_provider_calls_step', ['stepId'])
/** The retention run finds call logs past their retention by it. */
@Index('ix_provider_calls_created', ['createdAt'])
export class ProviderCall {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_provider_calls' })
  id!: string;

  @Column({ name: 'workspace_id', type: 'uuid', nullable: true })
  workspaceId!: string | null;

  @Column({ name: 'request_id', type: 'uuid', nullable: true })
  requestId!: string | null;

  @Column({ name: 'step_id', type: 'uuid', nullable: true })
  stepId!: string | null;

  @Column({ type: 'text' })
  provider!: string;

  @Column({ type: 'text' })
  operation!: string;

  /** The provider's path template, e.g. `GET /company/{company_number}`. */
  @Column({ type: 'text' })
  endpoint!: string;

  @Column({ name: 'http_status', type: 'int', nullable: true })
  httpStatus!: number | null;

  @Column({ type: 'text' })
  outcome!: CallOutcome;

  @Column({ name: 'error_kind', type: 'text', nullable: true })
  errorKind!: string | null;

  @Column({ name: 'latency_ms', type: 'int' })
  latencyMs!: number;

  @Column({ name: 'credits_charged', type: 'numeric', precision: 12, scale: 4, default: 0 })
  creditsCharged!: string;

  /** Made on a workspace's own account at the provider (its stored credentials), not the platform's. */
  @Column({ name: 'own_account', type: 'boolean', default: false })
  ownAccount!: boolean;

  /** The provider's own id of the request (e.g. RocketReach's `RR-Request-ID`), for support tickets. */
  @Column({ name: 'provider_request_id', type: 'text', nullable: true })
  providerRequestId!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
