import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** Where a consumer of a provider's event stream got to: it resumes after this timepoint. */
@Entity({ name: 'stream_positions' })
export class StreamPosition {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'pk_stream_positions' })
  stream!: string;

  @Column({ type: 'bigint' })
  timepoint!: string;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
