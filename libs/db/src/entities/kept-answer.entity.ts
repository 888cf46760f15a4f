import { Column } from 'typeorm';

/**
 * The columns of an answer kept whole by question, to serve the same question again for
 * STORE_FRESH_DAYS once the Redis cache has forgotten it: the newest per question. Each kind of
 * answer has its table (its own retention period), with its id and the answer's own column.
 */
export abstract class KeptAnswer {
  @Column({ name: 'workspace_id', type: 'uuid' })
  workspaceId!: string;

  /** The normalised identifiers asked, at the provider, for the operation (the lookup's cache key). */
  @Column({ name: 'subject_key', type: 'text' })
  subjectKey!: string;

  @Column({ type: 'text' })
  provider!: string;

  @Column({ name: 'fetched_at', type: 'timestamptz', default: () => 'now()' })
  fetchedAt!: Date;
}
