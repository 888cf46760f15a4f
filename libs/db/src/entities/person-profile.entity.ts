import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { KeptAnswer } from './kept-answer.entity';

/** A person's profile as a provider answered a question (see {@link KeptAnswer}). */
@Entity({ name: 'person_profiles' })
@Index('uq_person_profiles_workspace_subject', ['workspaceId', 'subjectKey'], { unique: true })
export class PersonProfile extends KeptAnswer {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_person_profiles' })
  id!: string;

  /** The canonical person, as the step answered it. */
  @Column({ type: 'jsonb' })
  profile!: Record<string, unknown>;
}
