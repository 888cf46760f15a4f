import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { KeptAnswer } from './kept-answer.entity';

/**
 * A company's firmographics (industry, size, revenue, technologies) as a provider answered a
 * question, by domain or name (see {@link KeptAnswer}).
 */
@Entity({ name: 'company_firmographics' })
@Index('uq_company_firmographics_workspace_subject', ['workspaceId', 'subjectKey'], { unique: true })
export class CompanyFirmographics extends KeptAnswer {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_company_firmographics' })
  id!: string;

  /** The canonical firmographics, as the step answered them. */
  @Column({ type: 'jsonb' })
  firmographics!: Record<string, unknown>;
}
