import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { KeptAnswer } from './kept-answer.entity';

/** A verifier's verdict on an address, as it answered the question (see {@link KeptAnswer}). */
@Entity({ name: 'email_verifications' })
@Index('uq_email_verifications_workspace_subject', ['workspaceId', 'subjectKey'], { unique: true })
export class EmailVerification extends KeptAnswer {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_email_verifications' })
  id!: string;

  /** The verification as the step answered it: the address, the verdict and the verifier's own. */
  @Column({ type: 'jsonb' })
  verification!: Record<string, unknown>;
}
