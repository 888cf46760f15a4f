import { randomUUID } from 'node:crypto';
import { type BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { InjectDataSource } from '@nestjs/typeorm';
import { PipelineConfig } from '@sluice/config';
import {
  holdLease,
  type ProviderName,
  type ProviderStepPayload,
  releaseLease,
  stepQueuesOf,
} from '@sluice/queue';
import type { Job, JobType } from 'bullmq';
import { DataSource } from 'typeorm';
import type { RequestWithSteps } from '../steps/rows';
import { StepLedger } from '../steps/step-ledger.service';
import { catchAllProbeDomain } from './catch-all-probe';
import { CreditGate } from './credit-gate';
import { Orchestrator } from './orchestrator';
import { PipelineGuards, ResultCache } from './pipeline-redis';
import { ProviderCatalog } from './provider-catalog';
import { WorkspaceQuotas } from './workspace-quotas';

/** Jobs read from a list at a time. */
const PAGE = 500;
/** How long one sweep of a provider may hold its lease (renewed page by page). */
const LEASE_MS = 60_000;
/** The lists of a paused queue where steps that have not called their provider yet sit. */
const WAITING_LISTS: readonly JobType[] = ['waiting', 'prioritized', 'delayed'];

/**
 * Moves on the steps queued to a provider paused for credits whose requests do not wait for
 * credits (`wait_for_credits` false, the default): each is settled `skipped` / `out_of_credits`
 * and its request goes on to the next provider, as it would have if it had run after the pause.
 * Without this they sat in the paused queue until the provider's credits came back, perhaps at its
 * renewal weeks later: only a step that happened to run found the pause and fell through.
 *
 * Only steps that have not called the provider: none with a task at the provider (it is working on
 * it, and the step polls it) or a paid answer kept for a retry (its next run settles that charge).
 * The step is settled before its job is removed; a job that runs meanwhile finds the step settled
 * and does nothing. Operators' pauses hold their steps: that is what an operator's pause is for.
 * One replica sweeps a provider at a time (a Redis lease); the worker sweeps when it pauses a
 * provider and at each credit sync while the pause lasts (jobs queued since, or a pause the credit
 * monitor made).
 */
@Injectable()
export class PausedStepReroute implements BeforeApplicationShutdown {
  private readonly logger = new Logger(PausedStepReroute.name);
  private readonly owner = randomUUID();
  /** Sweeps started in the background, awaited at shutdown while Redis and PostgreSQL are open. */
  private readonly running = new Set<Promise<unknown>>();

  constructor(
    private readonly moduleRef: ModuleRef,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly ledger: StepLedger,
    private readonly orchestrator: Orchestrator,
    private readonly guards: PipelineGuards,
    private readonly cache: ResultCache,
    private readonly gate: CreditGate,
    private readonly quotas: WorkspaceQuotas,
    private readonly config: PipelineConfig,
    private readonly catalog: ProviderCatalog,
  ) {}

  /** Starts a sweep of `provider` in the background (a pause just made: the step that made it goes on). */
  start(provider: ProviderName): void {
    const sweep = this.sweep(provider)
      .catch((error: unknown) =>
        this.logger.warn({
          msg: 'could not move on the steps of a paused provider',
          provider,
          error: String(error),
        }),
      )
      .finally(() => this.running.delete(sweep));
    this.running.add(sweep);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all(this.running);
  }

  /** Reroutes what waits on `provider` while it is paused for credits; returns how many steps moved on. */
  async sweep(provider: ProviderName): Promise<number> {
    const pause = await this.gate.pauseOf(provider);
    if (!pause || pause.manual) {
      return 0;
    }
    const lease = `${this.guards.prefix}:lease:reroute:${provider}`;
    if (!(await holdLease(this.guards.redis, lease, this.owner, LEASE_MS))) {
      return 0; // another replica is at it
    }
    let moved = 0;
    try {
      const queue = stepQueuesOf(this.moduleRef, provider).platform;
      for (const list of WAITING_LISTS) {
        // A page's rerouted jobs leave the list, so the next page starts after those kept.
        let kept = 0;
        for (;;) {
          const jobs = (await queue.getJobs(
            [list],
            kept,
            kept + PAGE - 1,
            true,
          )) as Job<ProviderStepPayload>[];
          if (jobs.length === 0) {
            break;
          }
          const rerouted = await this.reroutePage(provider, jobs);
          moved += rerouted;
          kept += jobs.length - rerouted;
          if (!(await this.gate.isPaused(provider)) || jobs.length < PAGE) {
            break;
          }
          await holdLease(this.guards.redis, lease, this.owner, LEASE_MS);
        }
      }
    } finally {
      await releaseLease(this.guards.redis, lease, this.owner).catch(() => undefined);
    }
    if (moved > 0) {
      this.logger.log({
        msg: 'steps queued to a provider paused for credits moved on',
        provider,
        steps: moved,
      });
    }
    return moved;
  }

  /** The domain whose catch-all probe the step of `goalId` may hold, by the step runner's rule. */
  private probeDomainOf(provider: ProviderName, locked: RequestWithSteps, goalId: string): string | null {
    const goal = this.orchestrator.goalsFor(locked.request, locked.steps).find((g) => g.id === goalId);
    return goal
      ? catchAllProbeDomain(
          goal,
          locked.request.options,
          this.catalog.costOf(provider, goal.capability),
          this.orchestrator.goalInput(locked.request, locked.steps, goal),
        )
      : null;
  }

  /** Reroutes the page's steps that may be; returns how many of its jobs left the queue. */
  private async reroutePage(provider: ProviderName, jobs: Job<ProviderStepPayload>[]): Promise<number> {
    const byStep = new Map(jobs.filter((job) => job.data?.stepId).map((job) => [job.data.stepId, job]));
    if (byStep.size === 0) {
      return 0;
    }
    const movable = await this.dataSource.query<
      { id: string; request_id: string; workspace_id: string; goal: string; cache_key: string | null }[]
    >(
      `SELECT s.id, s.request_id, s.workspace_id, s.goal, s.cache_key
         FROM enrichment_steps s JOIN enrichment_requests r ON r.id = s.request_id
        WHERE s.id = ANY($1::uuid[]) AND s.provider = $2 AND s.state = 'pending'
          AND s.provider_task_id IS NULL
          AND NOT coalesce((r.options->>'wait_for_credits')::boolean, $3)`,
      [[...byStep.keys()], provider, this.config.waitForCreditsDefault],
    );
    let left = 0;
    for (const step of movable) {
      const job = byStep.get(step.id) as Job<ProviderStepPayload>;
      if (await this.cache.paid(step.id)) {
        continue; // a charge to settle: its own run does that
      }
      let probeDomain: string | null = null;
      const { settled, after } = await this.ledger.settle(
        { id: step.id, requestId: step.request_id, workspaceId: step.workspace_id },
        { state: 'skipped', reason: 'out_of_credits', latencyMs: null, credits: 0 },
        undefined,
        (manager, locked) => {
          probeDomain = this.probeDomainOf(provider, locked, step.goal);
          return this.orchestrator.advanceIn(manager, step.request_id, step.workspace_id, locked);
        },
      );
      // Whatever a run before the pause held for it, as its own settlement gives back: credits and
      // quota (a step delayed for a rate slot may hold them), its claim on the call (identical
      // requests wait on it) and its domain's catch-all probe (every e-mail search there waits on
      // it). Each is given back only if this step holds it.
      const owner = `step:${step.id}:`;
      await this.guards.wallet.release(provider, step.id);
      await this.quotas.release(step.workspace_id, provider, step.id);
      if (step.cache_key) {
        await this.cache.unclaim(step.workspace_id, step.cache_key, owner);
      }
      if (probeDomain) {
        await this.cache.releaseCatchAllProbe(step.workspace_id, probeDomain, owner);
      }
      try {
        await job.remove();
        left += 1;
      } catch {
        // Taken by a worker meanwhile (the queue resumed): that run finds the step settled.
      }
      if (settled) {
        await this.orchestrator.proceed(after, step.request_id, step.workspace_id, job.data.correlationId);
      }
    }
    return left;
  }
}
