import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/**
 * An operator's overrides of one provider's settings (enabled, priority, minimum tier, rate limits,
 * poll interval), edited through the admin API. A field absent from `overrides` keeps the
 * environment's value; running workers reload these rows live.
 */
@Entity({ name: 'provider_settings' })
export class ProviderSettingsRow {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'pk_provider_settings' })
  provider!: string;

  /** camelCase field names as the pipeline reads them; validated before every write. */
  @Column({ type: 'jsonb', default: () => "'{}'" })
  overrides!: Record<string, unknown>;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  /** Who wrote the row last (the admin API records `admin`, or the X-Admin-User header when sent). */
  @Column({ name: 'updated_by', type: 'text' })
  updatedBy!: string;
}
