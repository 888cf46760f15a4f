import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** Phone numbers found for a person, in E.164 with their type and who found them. */
@Entity({ name: 'person_phones' })
@Index('uq_person_phones_workspace_subject_number', ['workspaceId', 'subjectKey', 'number'], { unique: true })
@Index('ix_person_phones_workspace_number', ['workspaceId', 'number'])
export class PersonPhone {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_person_phones' })
  id!: string;

  @Column({ name: 'workspace_id', type: 'uuid' })
  workspaceId!: string;

  /** The normalised identifiers the number was found for (the lookup's cache key). */
  @Column({ name: 'subject_key', type: 'text' })
  subjectKey!: string;

  /** E.164. */
  @Column({ type: 'text' })
  number!: string;

  /** The extension dialled after the number (digits), which E.164 has no room for; null when none. */
  @Column({ type: 'text', nullable: true })
  extension!: string | null;

  /** The provider's kind (mobile, direct, office, unknown). */
  @Column({ type: 'text' })
  kind!: string;

  /** What libphonenumber says the number is (mobile, landline, unknown). */
  @Column({ name: 'line_type', type: 'text' })
  lineType!: string;

  @Column({ type: 'text', nullable: true })
  country!: string | null;

  @Column({ type: 'text' })
  provider!: string;

  @CreateDateColumn({ name: 'fetched_at', type: 'timestamptz' })
  fetchedAt!: Date;
}
