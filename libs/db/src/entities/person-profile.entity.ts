import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A person's profile as a provider answered a question (the lookup's cache key): kept to answer the
 * same question again for STORE_FRESH_DAYS without buying it twice, once the Redis cache has
 * forgotten it. The newest answer per question and provider.
 */
@Entity({ name: 'person_profiles' })
@Index('uq_person_profiles_workspace_subject', ['workspaceId', 'subjectKey'], { unique: true })
export class PersonProfile {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_person_profiles' })
  id!: string;

  @Column({ name: 'workspace_id', type: 'uuid' })
  workspaceId!: string;

  /** The normalised identifiers the profile was found for, at its provider (the lookup's cache key). */
  @Column({ name: 'subject_key', type: 'text' })
  subjectKey!: string;

  @Column({ type: 'text' })
  provider!: string;

  /** The canonical person, as the step answered it. */
  @Column({ type: 'jsonb' })
  profile!: Record<string, unknown>;

  @Column({ name: 'fetched_at', type: 'timestamptz', default: () => 'now()' })
  fetchedAt!: Date;
}
