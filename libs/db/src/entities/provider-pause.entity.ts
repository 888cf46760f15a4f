import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * An operator's pause of a provider (POST /v1/admin/providers/:name/pause), kept until an operator
 * resumes it. The pause itself lives in Redis (the marker every worker reads, the paused queue);
 * this row is what puts it back there when Redis loses its data. Pauses for credits are not kept:
 * they follow from the balances, read again after such a loss. A pause is the deployment's, not a
 * workspace's: there is one row per provider at most. Whoever writes it and the pause in Redis holds
 * the provider's pause lock across both writes (`lockProviderPause`).
 */
@Entity({ name: 'provider_pauses' })
export class ProviderPauseRow {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'pk_provider_pauses' })
  provider!: string;

  @Column({ type: 'timestamptz' })
  since!: Date;

  @Column({ type: 'text' })
  reason!: string;
}
