import { Injectable, Logger } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { InjectDataSource } from '@nestjs/typeorm';
import { findStepJob, promoteOnceDelayed, type ProviderName, stepQueuesOf } from '@sluice/queue';
import { DataSource } from 'typeorm';

/**
 * How long a callback watches a running step job for its sleep: the callback can arrive between
 * the poll that found the task unfinished (or the task's start) and the job's sleep until its next
 * poll, which is long for a provider that calls back (ASYNC_CALLBACK_POLL_INTERVAL_MS).
 */
const RUNNING_WATCH_MS = 5000;

export interface WebhookOutcome {
  event: string;
  /** What the callback did: woke the waiting step, found it already settled or running, or nothing. */
  effect: 'woken' | 'already_settled' | 'step_running' | 'not_found' | 'already_processed';
}

/**
 * Applies a stored provider callback: the step waiting for that provider's work is woken at once
 * (its delayed job promoted), and asks the provider for the result the same way its polling does —
 * the callback is a signal, the provider's result endpoint the authority. A step settles once
 * whatever number of callbacks and polls arrive (its settlement is conditional on being pending),
 * so applying an event twice changes nothing.
 */
@Injectable()
export class WebhookCompletion {
  private readonly logger = new Logger(WebhookCompletion.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly moduleRef: ModuleRef,
  ) {}

  async apply(eventId: string): Promise<WebhookOutcome> {
    const [event] = await this.dataSource.query<{ id: string; status: string; step_id: string | null }[]>(
      'SELECT id, status, step_id FROM webhook_events WHERE id = $1',
      [eventId],
    );
    if (!event) {
      return { event: eventId, effect: 'not_found' };
    }
    if (event.status !== 'received' || !event.step_id) {
      return { event: eventId, effect: 'already_processed' };
    }
    // The event's step, and every other step still waiting on the same provider task: lookups of
    // one RocketReach profile by several workspaces share its one task, and one callback tells
    // that the profile is ready for all of them (each then reads its own result).
    const waiting = await this.dataSource.query<{ id: string; provider: string }[]>(
      `SELECT id, provider FROM enrichment_steps WHERE id = $1 AND state = 'pending'
       UNION
       SELECT s.id, s.provider FROM enrichment_steps e
         JOIN enrichment_steps s ON s.provider = e.provider AND s.provider_task_id = e.provider_task_id
        WHERE e.id = $1 AND s.state = 'pending'`,
      [event.step_id],
    );
    const woken = await Promise.all(
      waiting.map(async (step) => {
        const job = await findStepJob(stepQueuesOf(this.moduleRef, step.provider as ProviderName), step.id);
        // Otherwise waiting or running: it asks the provider on its own, now.
        return job !== undefined && (await promoteOnceDelayed(job, RUNNING_WATCH_MS));
      }),
    );
    const effect: WebhookOutcome['effect'] = woken.includes(true)
      ? 'woken'
      : woken.length > 0
        ? 'step_running'
        : 'already_settled';
    await this.dataSource.query(
      `UPDATE webhook_events SET status = 'processed', processed_at = now() WHERE id = $1 AND status = 'received'`,
      [eventId],
    );
    this.logger.debug({
      msg: 'webhook applied',
      eventId,
      stepId: event.step_id,
      waiting: woken.length,
      effect,
    });
    return { event: eventId, effect };
  }
}
