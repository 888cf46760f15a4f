import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/**
 * Whether an alert condition has fired (a threshold crossed, a failure rate high). One row per
 * condition; the monitor fires only by flipping `fired` from false in one conditional statement, so
 * however many monitors look at once, one alert goes out, and none again until the condition clears
 * (re-armed).
 */
@Entity({ name: 'alert_states' })
export class AlertState {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'pk_alert_states' })
  key!: string;

  @Column({ type: 'boolean', default: false })
  fired!: boolean;

  @Column({ name: 'alert_id', type: 'uuid', nullable: true })
  alertId!: string | null;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
