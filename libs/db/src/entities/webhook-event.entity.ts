import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export const WEBHOOK_EVENT_STATUSES = ['received', 'processed', 'unmatched', 'late'] as const;
export type WebhookEventStatus = (typeof WEBHOOK_EVENT_STATUSES)[number];

/**
 * What is kept of an event whose body is not: its size and SHA-256 (to recognise the same delivery
 * in the provider's logs or a redelivery) and, for RocketReach, the ids and states of the profiles
 * it was about. Nothing about the person.
 */
export interface WebhookEventSummary {
  bytes: number;
  sha256: string;
  profiles?: { id: number | string | null; status: string | null; profileListId: number | null }[] | null;
}

/**
 * A provider callback exactly as it arrived, stored before anything else is done with it. The
 * provider's event id is unique per provider, so a delivery repeated (senders retry the same event
 * for days) is recognised and never processed twice; the table is the durable replay memory.
 * `unmatched`: a verified event for no task Sluice knows, recorded and flagged rather than dropped,
 * without its body: it is never applied, and it may name anybody (a person erased from a workspace
 * — whose step went with the erasure — included), in a workspace it cannot be tied to.
 * `late`: an event for a step already settled, recorded without its body (it may quote a person
 * erased from the workspace) and never applied. Both keep a {@link WebhookEventSummary} instead.
 */
@Entity({ name: 'webhook_events' })
@Index('uq_webhook_events_provider_event', ['provider', 'eventId'], { unique: true })
@Index('ix_webhook_events_step', ['stepId'])
@Index('ix_webhook_events_status_received', ['status', 'receivedAt'])
/** The retention run finds raw events past their retention by it. */
@Index('ix_webhook_events_received', ['receivedAt'])
export class WebhookEvent {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_webhook_events' })
  id!: string;

  @Column({ type: 'text' })
  provider!: string;

  /** The provider's id of the event (task hash, request id, …), or a hash of the body when it has none. */
  @Column({ name: 'event_id', type: 'text' })
  eventId!: string;

  @Column({ name: 'step_id', type: 'uuid', nullable: true })
  stepId!: string | null;

  @Column({ name: 'workspace_id', type: 'uuid', nullable: true })
  workspaceId!: string | null;

  @Column({ type: 'text', default: 'received' })
  status!: WebhookEventStatus;

  /** The headers that matter to verification and tracing (never credentials). */
  @Column({ type: 'jsonb' })
  headers!: Record<string, string>;

  /** The raw body, byte for byte as text; empty for a `late` or `unmatched` event (not kept). */
  @Column({ type: 'text' })
  body!: string;

  /** For a `late` or `unmatched` event, what is kept instead of its body; null otherwise. */
  @Column({ type: 'jsonb', nullable: true })
  summary!: WebhookEventSummary | null;

  @Column({ type: 'text', nullable: true })
  error!: string | null;

  @CreateDateColumn({ name: 'received_at', type: 'timestamptz' })
  receivedAt!: Date;

  @Column({ name: 'processed_at', type: 'timestamptz', nullable: true })
  processedAt!: Date | null;
}
