import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { PipelineConfig } from '@sluice/config';
import { EnrichmentRequest, EnrichmentStep, ErasedTask, type QuotaPolicy } from '@sluice/db';
import {
  acceptEmail,
  normalizeDomain,
  acceptPhones,
  cacheKeyOf,
  suppressionHashesOf,
  type FoundEmail,
  type FoundPhone,
  GOALS,
  type Goal,
  type GoalKey,
  type Person,
  type RequestOptions,
} from '@sluice/enrichment';
import { countsAgainstCircuit, ProviderError, type RequestGate, type Revealed } from '@sluice/providers';
import {
  JOB_NAMES,
  providerQueueName,
  quotaResetAt,
  providerOfQueue,
  type ProviderName,
  type ProviderStepPayload,
  type RateDecision,
  type RateLimitRule,
} from '@sluice/queue';
import { DelayedError, type Job, UnrecoverableError, Worker } from 'bullmq';
import { WorkerMetrics } from '../ops/worker-metrics';
import { qualityOf } from '../ops/quality-metrics';
import { type CallContext, ProviderCallLog } from '../steps/provider-call-log';
import { NamesErasedPersonError, StepLedger, type StepSettlement } from '../steps/step-ledger.service';
import { answersNotBefore } from './answer-age';
import { CreditGate } from './credit-gate';
import { Orchestrator } from './orchestrator';
import { PausedStepReroute } from './paused-reroute';
import { type PaidAnswer, PipelineGuards, ResultCache } from './pipeline-redis';
import { nextPollDelayMs } from './poll-delay';
import { ProviderCatalog } from './provider-catalog';
import { catchAllProbeDomain } from './catch-all-probe';
import { ProviderInvoker, type StepOutcome } from './provider-invoker';
import { StoredResults } from './stored-results';
import { UnreadableCredentialsError, type WorkspaceAccount, WorkspaceAccounts } from './workspace-accounts';
import { WorkspaceQuotas } from './workspace-quotas';

/** How long a step that found an identical call in flight waits at least before it looks at the cache again. */
const COALESCE_WAIT_MS = 150;
/** The longest a step waiting for another's call (or a domain's catch-all probe) waits before it looks again. */
const PROBE_WAIT_MAX_MS = 2000;

/**
 * How long a step that waits for another's call waits before it looks again, having waited
 * `waitedMs`: soon for a quick call, and for one that takes its time (asynchronous work, minutes)
 * at most every PROBE_WAIT_MAX_MS. Each look is a take of the step, with its reads of PostgreSQL
 * and Redis: 150 ms apart, the steps waiting on a Snov.io search took it hundreds of times.
 */
function lookAgainIn(waitedMs: number): number {
  return Math.min(PROBE_WAIT_MAX_MS, Math.max(COALESCE_WAIT_MS, Math.round(waitedMs / 2)));
}
/**
 * How long a step held by its workspace's used-up quota (policy `hold`) sleeps at most before it
 * looks again. Raising or removing the quota wakes it at once (the gateway promotes its job), and
 * it sleeps no later than the month's reset; this only bounds a wake-up that was missed (a raise
 * landing while the step was being held) and how long a cancelled step's job lingers.
 */
const QUOTA_HOLD_RECHECK_MS = 15 * 60_000;
/** Held steps wake at the month's reset spread over this long, not all in the same instant. */
const QUOTA_RESET_SPREAD_MS = 60_000;
/**
 * How long a step whose credits are held by calls in flight waits before it tries again: a quarter
 * of what it has waited so far, within these bounds.
 */
const RESERVATION_WAIT_MIN_MS = 100;
const RESERVATION_WAIT_MAX_MS = 5000;
/** How long a step waiting for credits (its queue paused) sleeps before it checks again. */
const CREDIT_WAIT_MS = 1000;
/** How often a platform-account step on the own accounts' queue looks again at a paused provider. */
const OWN_QUEUE_CREDIT_RECHECK_MS = 30_000;
/**
 * The key of the rate windows a step's calls count in: the platform's account at the provider, or
 * the workspace's own account there, which has its own limits.
 */
function rateKeyOf(
  provider: ProviderName,
  request: EnrichmentRequest,
  account: WorkspaceAccount | null,
): string {
  return account ? `${provider}:workspace:${request.workspaceId}` : provider;
}

/**
 * Whether the job is on the provider's platform queue, the one its credit pause and rate limit hold,
 * rather than on its own-accounts queue (see `ownAccountQueueName`).
 */
function onPlatformQueue(job: Job, provider: ProviderName): boolean {
  return job.queueName === providerQueueName(provider);
}

/** How long what the step's take read (the request's status, whether its workspace erased anybody) is trusted. */
const TAKE_TRUSTED_MS = 1000;
/**
 * How long a request a call makes beyond those its slots were taken for (a listing's next page)
 * waits for a slot in the provider's window before the call stops there (see `requestGate`).
 */
const EXTRA_REQUEST_WAIT_MS = 1000;
/** What a step's call may take beyond its provider's HTTP timeout (see `stepTimeoutOf`). */
const STEP_TIMEOUT_SLACK_MS = 5000;

class StepTimeoutError extends Error {}

/** A charge recorded for a call whose answer never came or could not be read. */
type UnreadablePaid = Extract<PaidAnswer, { status: 'unreadable' }>;

/**
 * Whether a check on a provider's asynchronous task failed for a reason that passes, so that the
 * task is asked about again (until its deadline) rather than given up: an outage, a timeout, and
 * an answer that cannot be read (a proxy's HTML page, a body cut off), which says nothing of the
 * task — it runs on at the provider and is charged when it finishes. Given up at once, the task's
 * charge was left out of the ledger, its answer lost, and the waterfall paid the next provider for
 * the same question.
 */
function isTransientPollError(error: ProviderError): boolean {
  return error.retryable || error.kind === 'invalid_response';
}

/**
 * What a failed call was charged without an answer to show for it, or null: a paid call that
 * timed out (ours or the provider client's timeout) or whose connection broke after the request was
 * sent (it may have reached the provider), at its price; or a final failure after a charged exchange
 * (`invalid_response`), at what the call log says it cost.
 */
function chargedWithoutAnswer(
  error: unknown,
  provider: string,
  price: number,
  loggedCharge: () => number,
): UnreadablePaid | null {
  const timedOut =
    error instanceof StepTimeoutError || (error instanceof ProviderError && error.kind === 'timeout');
  const maybeDelivered = timedOut || (error instanceof ProviderError && error.maybeDelivered);
  if (price > 0 && maybeDelivered) {
    return {
      status: 'unreadable',
      credits: price,
      kind: error instanceof ProviderError ? error.kind : 'timeout',
      error: `${message(error)} (${provider} may have charged for the call, so it counts as charged and is not made again)`,
    };
  }
  if (error instanceof ProviderError && !error.retryable) {
    const credits = loggedCharge();
    return credits > 0 ? { status: 'unreadable', credits, kind: error.kind, error: message(error) } : null;
  }
  return null;
}

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    work,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new StepTimeoutError(`step took longer than ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

type Settled = 'settled' | 'already';

/**
 * Runs one provider step, for every provider queue. In order: answer from the cache or from what
 * this step already paid for; skip when the provider's circuit is open or the request's budget
 * cannot pay; coalesce onto an identical call in flight; take a slot of the provider's shared rate
 * window; reserve the credits; call; charge what the provider charged and release the rest; store
 * and settle; advance the request to its next step. Asynchronous provider work is awaited by
 * delaying the job (it holds no worker slot while it waits) and asking for the result.
 *
 * On a workspace's own credentials (its own account at the provider) the call is the workspace's
 * spend, not the platform's: no platform credits are reserved or charged, the workspace's platform
 * quota does not apply, its rate window is its own, and an out-of-credits or 429 answer holds back
 * only this step (never the platform's queue): the step fails over to the next provider. What it
 * spent is still recorded, on the step and in the ledger as `workspace_charge`.
 */
/**
 * The identifiers a person can be erased by (e-mail, LinkedIn URL) that an answer names: an e-mail
 * found or verified, a profile's e-mails and LinkedIn URL.
 */
function identifiersIn(output: Record<string, unknown>): Record<string, unknown>[] {
  const person = output.person as Partial<Person> | undefined;
  return [
    { email: output.email },
    { linkedin_url: person?.linkedinUrl },
    ...(person?.emails ?? []).map((found) => ({ email: found.email })),
  ];
}

/** The suppression hashes of the people an answer names (see {@link identifiersIn}). */
function namesIn(output: Record<string, unknown>): string[] {
  return identifiersIn(output).flatMap((found) => suppressionHashesOf(found).map((h) => h.hash));
}

/** The step a provider call is made for, for the provider call log (and the callback URL's token). */
function callContext(
  request: EnrichmentRequest,
  step: EnrichmentStep,
  account: WorkspaceAccount | null,
): CallContext {
  return {
    workspaceId: request.workspaceId,
    requestId: request.id,
    stepId: step.id,
    operation: step.operation,
    ownAccount: account !== null,
  };
}

/** How a task started on the platform's account is recorded (`provider_task_account`). */
const PLATFORM_ACCOUNT = 'platform';

/** The account a task is started on, as the step and the paid record keep it. */
function taskAccountTag(account: WorkspaceAccount | null): string {
  return account ? account.version : PLATFORM_ACCOUNT;
}

/**
 * The account a started task is polled and charged on: the one it was started on (`recorded`),
 * not the one the workspace's credentials name now. Stored or removed since, they would move the
 * task to the other account: a task started on the platform's account, polled with the workspace's
 * key, was recorded as the workspace's spend while the platform's account paid (and a real
 * provider knows a task only on the account that started it). Credentials replaced by others (a key
 * rotated) are the workspace's account still: it is asked with them, and a provider that does not
 * know the task there says so. `removed`: started on the workspace's credentials, which it no longer
 * has. Unrecorded (a task started before this was kept): the credentials now, as before.
 */
function taskAccountOf(
  recorded: string | null | undefined,
  now: WorkspaceAccount | null,
): { account: WorkspaceAccount | null } | { removed: true } {
  if (recorded === null || recorded === undefined) {
    return { account: now };
  }
  if (recorded === PLATFORM_ACCOUNT) {
    return { account: null };
  }
  return now ? { account: now } : { removed: true };
}

/** What a run kept of a call it paid for that has ended (not asynchronous work still running). */
type PaidResult = Exclude<PaidAnswer, { status: 'pending' }>;

/** What a kept paid call charged in all: the call, and the start of its asynchronous work if any. */
function paidCredits(paid: PaidResult): number {
  return paid.status === 'unreadable' ? paid.credits : paid.credits + (paid.startedCredits ?? 0);
}

/** The half-open circuit probe a run of a step holds, if any (see `run`). */
interface HeldProbe {
  held: { provider: ProviderName; token: string } | null;
}

@Injectable()
export class StepRunner {
  private readonly logger = new Logger(StepRunner.name);

  constructor(
    private readonly ledger: StepLedger,
    private readonly orchestrator: Orchestrator,
    private readonly invoker: ProviderInvoker,
    private readonly catalog: ProviderCatalog,
    private readonly guards: PipelineGuards,
    private readonly cache: ResultCache,
    private readonly gate: CreditGate,
    private readonly callLog: ProviderCallLog,
    private readonly stored: StoredResults,
    private readonly metrics: WorkerMetrics,
    private readonly config: PipelineConfig,
    private readonly quotas: WorkspaceQuotas,
    private readonly accounts: WorkspaceAccounts,
    private readonly reroute: PausedStepReroute,
  ) {}

  /** Gives the catch-all probe of the step's domain back (see {@link catchAllProbeDomain}), if held. */
  private async releaseProbe(stepId: string, workspaceId: string, domain: string | null): Promise<void> {
    if (domain) {
      // Any run of the step (claims are `step:<id>:<run>`). Only tried: an unreleased probe expires.
      await this.afterCall(stepId, 'give the catch-all probe back', () =>
        this.cache.releaseCatchAllProbe(workspaceId, domain, `step:${stepId}:`),
      );
    }
  }

  /**
   * What an e-mail or verification answer says of its domain's mailbox server, remembered: a
   * catch-all domain accepts every address, so later searches there that refuse catch-all pay for
   * nothing; one whose server told a finder this address is valid or invalid is not catch-all.
   */
  private async rememberDomain(
    stepId: string,
    workspaceId: string,
    goal: Goal,
    outcome: StepOutcome,
  ): Promise<void> {
    if (outcome.status !== 'hit' || (goal.key !== 'email' && goal.key !== 'verify')) {
      return;
    }
    const told = outcome.output.verdict;
    const email = outcome.output.email;
    // "Not catch-all" only from finders, whose colleagues wait on it (see the probe): a verification
    // (email.verify, the busiest request) would pay a Redis write for it on every valid address.
    const says = told === 'catch_all' || (goal.key === 'email' && (told === 'valid' || told === 'invalid'));
    if (!says || typeof email !== 'string') {
      return;
    }
    const domain = normalizeDomain(email.split('@')[1] ?? '');
    if (domain) {
      await this.afterCall(stepId, 'remember what the domain accepts', () =>
        this.cache.rememberCatchAll(workspaceId, domain, told === 'catch_all'),
      );
    }
  }

  /**
   * A slot in the windows of each call the step makes (see `ProviderCatalog.callRulesFor`), taken in
   * turn; the first refusal stops there. A slot taken before a later call's refusal stays counted: a
   * window may then count a call that was not made, never miss one that was.
   */
  private async acquireSlots(key: string, calls: readonly RateLimitRule[][]): Promise<RateDecision> {
    let decision: RateDecision = { allowed: true, retryAfterMs: 0, rule: null };
    for (const rules of calls) {
      decision = await this.guards.limiter.acquire(key, rules);
      if (!decision.allowed) {
        return decision;
      }
    }
    return decision;
  }

  /**
   * How long a step's call may run: STEP_TIMEOUT_MS, or, at a provider whose HTTP timeout leaves it
   * too little (the e-mail verifier's, a minute of SMTP), that timeout and 5 s besides. A step cut
   * off while its provider still works has paid for an answer it cannot use: the call counts as
   * charged and is not made again. The reservations and the in-flight claim made for the call last
   * as long.
   */
  private stepTimeoutOf(provider: ProviderName): number {
    return Math.max(this.config.stepTimeoutMs, this.invoker.timeoutOf(provider) + STEP_TIMEOUT_SLACK_MS);
  }

  /**
   * Records what the provider charged for a step cancelled meanwhile (see StepLedger.chargeSettled),
   * and counts what that recorded in the spend metric, as a settlement counts its own charge.
   */
  private async chargeSettled(
    step: Pick<EnrichmentStep, 'id' | 'workspaceId' | 'provider'>,
    credits: number,
    kind: 'charge' | 'workspace_charge',
  ): Promise<void> {
    const recorded = await this.ledger.chargeSettled(step, credits, kind);
    if (recorded > 0) {
      this.metrics.credits.inc({ provider: step.provider }, recorded);
    }
  }

  /**
   * Gives back a step's reservation: of the provider's credits and of the workspace's quota (none
   * was taken for a call on the workspace's own account).
   */
  private async releaseCredits(
    workspaceId: string,
    provider: ProviderName,
    stepId: string,
    account: WorkspaceAccount | null,
  ): Promise<void> {
    if (account) {
      return;
    }
    await this.guards.wallet.release(provider, stepId);
    await this.quotas.release(workspaceId, provider, stepId);
  }

  /**
   * Charges what the provider charged: to its balance and to the workspace's quota. A call on the
   * workspace's own account charged the workspace's account: the platform's is untouched (the
   * settlement records it as the workspace's spend).
   */
  private async commitCredits(
    workspaceId: string,
    provider: ProviderName,
    stepId: string,
    charged: number,
    account: WorkspaceAccount | null,
  ): Promise<void> {
    if (account) {
      return;
    }
    await this.guards.wallet.commit(provider, stepId, charged);
    await this.quotas.commit(workspaceId, provider, stepId, charged);
  }

  async run(
    job: Job<ProviderStepPayload>,
    worker: Worker,
    token: string | undefined,
  ): Promise<{ settled: string }> {
    if (job.name !== JOB_NAMES.providerStep) {
      throw new UnrecoverableError(`provider queues have no handler for job '${job.name}'`);
    }
    // Provider calls made by this run are written with its settlement, or when it ends without one.
    this.callLog.begin(job.data.stepId);
    const probe: HeldProbe = { held: null };
    try {
      return await this.runStep(job, worker, token, probe);
    } finally {
      // A half-open circuit's probe whose outcome was not recorded (no call made: over budget, a
      // claim or a rate slot to wait for, a cancellation; or an answer that says nothing of the
      // provider's health, such as a 429) frees its slot, so the next step probes now rather than
      // a cool-down later, skipping the provider meanwhile. Once recorded, the slot is gone already.
      if (probe.held !== null) {
        const { provider, token: probeToken } = probe.held;
        await this.guards.circuits.releaseProbe(provider, probeToken).catch((error: unknown) =>
          // Not released: the slot expires by itself.
          this.logger.warn({ msg: 'could not free the circuit probe slot', provider, error: String(error) }),
        );
      }
      await this.callLog.flush(job.data.stepId);
    }
  }

  private async runStep(
    job: Job<ProviderStepPayload>,
    worker: Worker,
    token: string | undefined,
    probe: HeldProbe,
  ): Promise<{ settled: string }> {
    const readAt = Date.now();
    // BullMQ counts failed runs only: runs that waited (DelayedError, RateLimitError) are not attempts.
    const loaded = await this.ledger.loadPending(job.data.stepId, job.attemptsMade + 1);
    if (!loaded) {
      await this.forgetCancelledHold(job);
      return { settled: await this.collectCancelledTask(job, token) };
    }
    const { step, request } = loaded;
    const provider = step.provider as ProviderName;
    // A chain's officer goals exist only once its officers are known, and a budget counts what the
    // request spent: their steps are read up front. Any other step is put first to the request's
    // own identifiers (see below).
    const stepsFirst = step.goal.includes(':') || request.maxCredits !== null;
    let steps = stepsFirst ? await this.stepsOf(request.id) : [];
    const goal = this.orchestrator.goalsFor(request, steps).find((candidate) => candidate.id === step.goal);
    // The workspace's own account at this provider, if it stored credentials (read below).
    let account: WorkspaceAccount | null = null;
    // The domain whose catch-all probe this step may hold (set once its goal is known; see the guards).
    let probeDomain: string | null = null;
    // `revealed`: what the paid answer gave besides what was asked, stored whatever the verdict.
    const settle = async (settlement: StepSettlement, revealed?: Revealed): Promise<Settled> => {
      const {
        settled: done,
        after: planned,
        lateCharge,
      } = await this.ledger.settle(
        step,
        { ...settlement, ledgerKind: settlement.ledgerKind ?? (account ? 'workspace_charge' : 'charge') },
        async (manager, settled) => {
          if (settlement.reason === 'suppressed') {
            // In the settlement's transaction: the receiver stores a callback's body only while the
            // step is pending (it locks the step's row to check), so none stored before is missed
            // here and none is stored after.
            await this.ledger.forgetCallbacks(step, manager);
          }
          // An answer this step paid for goes to the store. One from the cache or the store does
          // not: it was stored when it was paid for, and writing it again would make it look
          // fetched now, by this step's provider — younger than it is at each reuse, and, read from
          // the store, never aging out of it. A chain's officer answer is recorded all the same: that
          // this company's officer has that address is the chain's own finding (but not as a new
          // fetch of the address: see StoredResults.write).
          const paidHere = settlement.cached !== true;
          if (
            (paidHere || goal?.officer !== undefined) &&
            settlement.output &&
            settlement.state === 'completed' &&
            settlement.reason === null
          ) {
            await this.stored.write(manager, request, settled, settlement.output, goal, !paidHere);
          }
          if (revealed && paidHere) {
            await this.stored.writeRevealed(manager, request.workspaceId, settled, revealed);
          }
        },
        // The next step is planned in the transaction that settles this one.
        (manager, locked) => this.orchestrator.advanceIn(manager, request.id, request.workspaceId, locked),
      );
      // Whatever the step ended with, what it learnt of the domain is written by now (see finish).
      await this.releaseProbe(step.id, request.workspaceId, probeDomain);
      // Settled in PostgreSQL, by this run or (a cancellation) before it, with what it was charged:
      // the paid answer kept for retries is no longer needed.
      await this.cache.forgetPaid(step.id);
      if (lateCharge > 0) {
        // The charge of a call on the wire when the step was cancelled: spend all the same.
        this.metrics.credits.inc({ provider }, lateCharge);
      }
      if (done) {
        this.metrics.steps.inc({
          provider,
          operation: step.operation,
          state: settlement.state,
          reason: settlement.reason ?? 'accepted',
        });
        if (settlement.credits > 0) {
          this.metrics.credits.inc({ provider }, settlement.credits);
        }
        if (settlement.state === 'completed') {
          const quality = qualityOf(settlement.output, step.operation);
          if (quality.verdict !== null) {
            this.metrics.emailVerifications.inc({ provider, verdict: quality.verdict });
          }
          for (const phone of quality.phones) {
            this.metrics.phonesFound.inc({ provider, kind: phone.kind, valid: String(phone.valid) });
          }
        }
      }
      await this.orchestrator.proceed(planned, request.id, request.workspaceId, job.data.correlationId);
      return done ? 'settled' : 'already';
    };

    if (request.status === 'cancelled' || !goal) {
      const reason = goal ? 'cancelled' : 'unknown goal';
      // A run that paid for an answer and stopped before settling it (killed, say) kept that answer:
      // the step is skipped all the same, with what the provider charged for it.
      const paid = await this.cache.paid(step.id);
      if (paid && paid.status !== 'pending') {
        account = await this.accounts.of(request.workspaceId, provider);
        return {
          settled: await this.chargeUnused(request, step, paid, account, (credits) =>
            settle({ state: 'skipped', reason, latencyMs: null, credits }),
          ),
        };
      }
      return { settled: await settle({ state: 'skipped', reason, latencyMs: null, credits: 0 }) };
    }
    // Cached per workspace for a few seconds: one small query per workspace, not per step.
    try {
      account = await this.accounts.of(request.workspaceId, provider);
    } catch (error) {
      // Another replica may hold the key (a rotation under way): tried again while attempts last.
      // Then the step fails saying why, and the waterfall moves on; retried for ever, it kept its
      // request running with nothing said (the recovery sweep gave the job back each time).
      if (!(error instanceof UnreadableCredentialsError) || job.attemptsMade + 1 < (job.opts.attempts ?? 1)) {
        throw error;
      }
      this.logger.error({
        msg: 'stored credentials cannot be opened; the step fails',
        provider,
        workspaceId: request.workspaceId,
        stepId: step.id,
        error: error.message,
      });
      return {
        settled: await settle({
          state: 'failed',
          reason: 'credentials_unreadable',
          error: `${error.message.replace(/\.$/, '')}; or store them again (PUT /v1/providers/${provider}/credentials)`,
          latencyMs: null,
          credits: 0,
        }),
      };
    }
    const options = request.options as RequestOptions;
    let input = this.orchestrator.goalInput(request, steps, goal);
    if (
      !stepsFirst &&
      step.cacheKey &&
      step.cacheKey !== cacheKeyOf(provider, step.operation, this.orchestrator.cacheInput(goal, input))
    ) {
      // The request's identifiers alone do not make the question this step was planned for (its
      // cache key): earlier goals' answers went into it (a profile's name or domain, the e-mail a
      // goal found, the register's company name). The steps are read and the question built as the
      // planner built it, so the call, the cache and the store all see that question.
      steps = await this.stepsOf(request.id);
      input = this.orchestrator.goalInput(request, steps, goal);
    }
    const cacheKey = step.cacheKey ?? `${provider}:${step.operation}:${step.id}`;
    // Claims name the step and this run of it; releases match any run of the step.
    const owner = `step:${step.id}:`;
    const runOwner = `${owner}${token ?? randomUUID()}`;
    const cost = this.catalog.costOf(provider, goal.capability);
    const started = Date.now();
    const context = callContext(request, step, account);
    probeDomain = catchAllProbeDomain(goal, options, cost, input);
    const finish = async (outcome: StepOutcome, credits: number, cached: boolean): Promise<Settled> => {
      if (outcome.status === 'pending') {
        throw new Error('a pending outcome cannot settle a step');
      }
      // The answer names a person erased from the workspace (asked for by name, say): what was
      // paid is recorded, nothing of the answer is kept, cached or returned, and the request stops
      // here (see the orchestrator). Its stored callbacks go with the settlement.
      const settleSuppressed = async (): Promise<Settled> => {
        const suppressed = await settle({
          state: 'failed',
          reason: 'suppressed',
          error: 'the answer names a person erased from this workspace: it was not kept',
          latencyMs: cached ? 0 : Date.now() - started,
          credits,
          cached,
        });
        if (suppressed === 'already') {
          // Settled meanwhile (a cancellation): what its callbacks quote goes all the same, and so
          // does the paid answer kept for a retry (only a settlement of this run forgets it).
          await this.ledger.forgetCallbacks(step);
          await this.cache.forgetPaid(step.id);
        }
        return suppressed;
      };
      if (
        outcome.status === 'hit' &&
        (loaded.workspaceSuppresses || Date.now() - readAt >= TAKE_TRUSTED_MS) &&
        (await this.ledger.isSuppressed(request.workspaceId, identifiersIn(outcome.output)))
      ) {
        return settleSuppressed();
      }
      // Two independent writes, side by side: while Redis is away each waits out its retry.
      await Promise.all([
        cached
          ? null
          : this.afterCall(step.id, 'cache the answer', () =>
              this.cache.set(request.workspaceId, cacheKey, step.operation, outcome),
            ),
        this.rememberDomain(step.id, request.workspaceId, goal, outcome),
      ]);
      const latencyMs = cached ? 0 : Date.now() - started;
      if (outcome.status === 'miss') {
        // The provider answered and found nothing: the step failed to meet its goal (not an error).
        return settle(
          {
            state: 'failed',
            reason: 'not_found',
            error: outcome.reason,
            latencyMs,
            credits,
            cached,
          },
          outcome.revealed,
        );
      }
      const verdict = this.accept(goal, options, outcome.output);
      try {
        return await settle(
          {
            state: 'completed',
            reason: verdict.rejection,
            latencyMs,
            credits,
            cached,
            output: verdict.rejection ? { ...outcome.output, accepted: false } : verdict.output,
            // Checked again in the settlement's transaction, under the workspace's erasure lock: the
            // check above may predate an erasure that commits before this settlement would.
            names: namesIn(outcome.output),
          },
          outcome.revealed,
        );
      } catch (error) {
        if (!(error instanceof NamesErasedPersonError)) {
          throw error;
        }
        // Erased meanwhile: the erasure's sweep of the cache may have run before the answer was
        // cached above, so it goes here.
        await this.afterCall(step.id, 'forget the cached answer', () =>
          this.cache.forget(request.workspaceId, cacheKey),
        );
        return settleSuppressed();
      }
    };

    // 1. Answers that cost nothing: the store, the cache, or what this very step already paid for.
    // The caller's max_age_days refuses older cached and stored answers; not what this step paid for.
    const notBefore = answersNotBefore(options, request.firstAttemptAt ?? request.createdAt);
    const [kept, cachedAnswer] = await Promise.all([
      this.cache.paid(step.id),
      step.providerTaskId ? null : this.cache.get(request.workspaceId, cacheKey, notBefore),
    ]);
    // A paid call kept as out (see 4.) whose task PostgreSQL has: the call was answered and started
    // the task, and the run stopped before Redis heard of it (Redis away a moment). The task is
    // awaited, not settled as a call that never answered: its result is read (free) rather than
    // thrown away and bought again from the next provider. No provider charges to start a task.
    const paid =
      kept?.status === 'unreadable' && kept.inFlightOf !== undefined && step.providerTaskId !== null
        ? null
        : kept;
    if (
      paid?.status === 'unreadable' &&
      paid.inFlightOf !== undefined &&
      (await this.cache.claimHolder(request.workspaceId, cacheKey)) === paid.inFlightOf
    ) {
      // A run of this step is making its paid call and still holds its claim: it may be alive (a
      // stalled job taken again), and then it settles the step with what the call gives. Its claim
      // outlasts the step's timeout, by which that run has ended one way or the other. This run
      // looks again less and less often (see lookAgainIn), not every COALESCE_WAIT_MS: a killed
      // worker's steps were each taken hundreds of times until their claims expired.
      await job.moveToDelayed(Date.now() + lookAgainIn(Date.now() - step.createdAt.getTime()), token);
      throw new DelayedError();
    }
    if (paid?.status === 'unreadable') {
      // A run was charged for an answer it could not read and ended before its settlement (killed,
      // say), or ended while its paid call was out (its claim gone, see above): that charge is
      // settled now, as that run would have, and the provider is not asked (and paid) again. The
      // commits are idempotent per step, as below.
      await this.commitCredits(request.workspaceId, provider, step.id, paid.credits, account);
      await this.cache.unclaim(request.workspaceId, cacheKey, owner);
      return {
        settled: await settle({
          state: 'failed',
          reason: paid.kind,
          error: paid.error,
          latencyMs: null,
          credits: paid.credits,
        }),
      };
    }
    if (paid && paid.status !== 'pending') {
      // A run that paid and then died (or failed before settling) may have charged the provider's
      // balance and not the workspace's quota, or neither: they are two Redis writes, on keys that
      // cannot share a script (their slots differ). Both commits are idempotent per step, so they
      // are made again here, and only the one that never landed changes anything.
      const credits = paid.credits + (paid.startedCredits ?? 0);
      await this.commitCredits(request.workspaceId, provider, step.id, credits, account);
      await this.cache.unclaim(request.workspaceId, cacheKey, owner);
      return { settled: await finish(paid, credits, false) };
    }
    if (!step.providerTaskId && !paid) {
      const stored = cachedAnswer
        ? null
        : await this.stored.fresh(request.workspaceId, goal, input, notBefore, {
            question: this.orchestrator.cacheInput(goal, input),
            phoneType: options.phone_type ?? 'any',
          });
      // Another provider's stored answer that the goal refuses (an address found invalid, a
      // catch-all one the request does not accept) does not stand for this provider's: the
      // waterfall moves on past a refused answer to providers that may know better, so this one is
      // asked rather than answered with the refusal again.
      const refusedElsewhere =
        stored?.status === 'hit' &&
        typeof stored.output.found_by === 'string' &&
        stored.output.found_by !== provider &&
        this.accept(goal, options, stored.output).rejection !== null;
      const cached = cachedAnswer ?? (refusedElsewhere ? null : stored);
      if (cached) {
        return { settled: await finish(cached, 0, true) };
      }
    }

    // 2. Asynchronous work already started: ask for its result (free), or wait without a slot.
    const taskId = step.providerTaskId ?? (paid?.status === 'pending' ? paid.taskId : null);
    const recordedAccount =
      step.providerTaskAccount ?? (paid?.status === 'pending' ? paid.account : undefined) ?? null;
    if (taskId && !step.providerTaskId) {
      // Redis heard of the task and PostgreSQL did not (away when it started): it learns it now, for
      // the callbacks matched by task and the sweep of tasks past their deadline.
      await this.ledger.markWaiting(
        step.id,
        taskId,
        new Date(Date.now() + this.config.asyncDeadlineMs),
        recordedAccount,
      );
    }
    if (taskId) {
      const on = taskAccountOf(recordedAccount, account);
      if ('removed' in on) {
        // Only those credentials could read the task's result. It is the workspace's account's
        // work, and may finish and charge there: its price counts as charged (an upper bound, as
        // for a task past its deadline), the workspace's spend; the waterfall moves on.
        const credits = (paid?.credits ?? 0) + this.catalog.costOf(provider, goal.capability).credits;
        await this.cache.unclaim(request.workspaceId, cacheKey, owner);
        return {
          settled: await settle({
            state: 'failed',
            reason: 'credentials_changed',
            error: `${provider} task ${taskId} was started on this workspace's credentials, since removed: only they can read its result; it may still finish and charge that account, so it counts as charged`,
            latencyMs: null,
            credits,
            ledgerKind: 'workspace_charge',
          }),
        };
      }
      account = on.account;
      return this.awaitTask(
        job,
        token,
        worker,
        step,
        request,
        provider,
        goal,
        taskId,
        paid?.credits ?? 0,
        finish,
        settle,
        owner,
        cacheKey,
        account,
      );
    }

    // 3. Guards: what the domain accepts, circuit, budget, identical call in flight, credits, rate
    // window. An e-mail goal that refuses catch-all pays nothing at a domain found catch-all since
    // this step was planned (the planner then skips the other paid finders, `catch_all_domain`);
    // at a domain not yet known either way the first paid finder call goes alone and the others
    // wait for what it learns: people of one company enriched side by side would otherwise each pay
    // for a catch-all address before the first answer could tell. Its claim expires with the step's
    // timeout, so a lost or slow one holds nobody for long.
    if (probeDomain) {
      const known = await this.cache.catchAllOf(request.workspaceId, probeDomain);
      if (known === true) {
        return {
          settled: await settle({
            state: 'skipped',
            reason: 'catch_all_domain',
            latencyMs: null,
            credits: 0,
          }),
        };
      }
      const probe =
        known === null
          ? await this.cache.claimCatchAllProbe(
              request.workspaceId,
              probeDomain,
              runOwner,
              owner,
              this.stepTimeoutOf(provider),
            )
          : null;
      if (probe && !probe.claimed) {
        await job.moveToDelayed(Date.now() + lookAgainIn(probe.heldForMs), token);
        throw new DelayedError();
      }
    }
    // A probe's slot lasts as long as its call may, so a slow probe is not joined by a second one.
    const permit = await this.guards.circuits.tryAcquire(provider, this.stepTimeoutOf(provider));
    if (permit.probe !== undefined) {
      probe.held = { provider, token: permit.probe };
    }
    if (!permit.allowed) {
      return {
        settled: await settle({ state: 'skipped', reason: 'circuit_open', latencyMs: null, credits: 0 }),
      };
    }
    if (request.maxCredits !== null && cost.credits > 0) {
      const spent = steps.reduce((sum, s) => sum + Number(s.credits), 0);
      if (spent + cost.credits > Number(request.maxCredits)) {
        return {
          settled: await settle({ state: 'skipped', reason: 'over_budget', latencyMs: null, credits: 0 }),
        };
      }
    }
    const claimTtl = this.stepTimeoutOf(provider) + 5000;
    const claim = await this.cache.claim(request.workspaceId, cacheKey, runOwner, claimTtl, notBefore);
    if (!claim.claimed) {
      // Waited since the step was made, at most: it is taken soon after.
      await job.moveToDelayed(Date.now() + lookAgainIn(Date.now() - step.createdAt.getTime()), token);
      throw new DelayedError();
    }
    // The cache was read before the claim was taken: an identical call that finished in between
    // cached its answer and then released its claim, so this step found the cache empty and the
    // claim free. The claim read the cache again (same age rule): what is there is free.
    const answeredMeanwhile = claim.cached;
    if (answeredMeanwhile) {
      await this.cache.unclaim(request.workspaceId, cacheKey, owner);
      return { settled: await finish(answeredMeanwhile, 0, true) };
    }
    if (claim.failedCall && cost.credits > 0) {
      // The identical call this step waited on was paid for and failed without an answer (it timed
      // out, or its connection broke once sent): making it again would pay again for what the
      // provider may already have charged. This step fails over as that one did, charged nothing.
      await this.cache.unclaim(request.workspaceId, cacheKey, owner);
      return {
        settled: await settle({
          state: 'failed',
          reason: claim.failedCall.kind,
          error: `an identical call in flight failed after ${provider} may have charged for it, so it is not made again: ${claim.failedCall.error}`,
          latencyMs: null,
          credits: 0,
        }),
      };
    }
    if (cost.credits > 0 && !account) {
      const quota = await this.quotas.reserve(
        request.workspaceId,
        provider,
        step.id,
        cost.credits,
        this.config.asyncDeadlineMs + this.stepTimeoutOf(provider),
        job.data.quotaHeldSince !== undefined,
      );
      if (!quota.ok) {
        await this.cache.unclaim(request.workspaceId, cacheKey, owner);
        if (quota.balance >= quota.needed) {
          // The allowance pays; only the workspace's steps in flight hold it, and many miss for nothing.
          return this.awaitReservations(job, token, provider, options, settle, { by: 'quota', ...quota });
        }
        if (quota.policy === 'hold') {
          return this.holdForQuota(job, token, step, request.workspaceId, provider, quota.limit);
        }
        return {
          settled: await settle({
            state: 'skipped',
            reason: 'quota_exceeded',
            error: `The workspace's monthly quota at ${provider} (${quota.limit} credits) is used up.`,
            latencyMs: null,
            credits: 0,
          }),
        };
      }
      const reservation = await this.guards.wallet.reserve(
        provider,
        step.id,
        cost.credits,
        this.config.asyncDeadlineMs + this.stepTimeoutOf(provider),
      );
      if (!reservation.ok) {
        await this.quotas.release(request.workspaceId, provider, step.id);
        await this.cache.unclaim(request.workspaceId, cacheKey, owner);
        if (reservation.balance >= reservation.needed) {
          // The balance pays; only calls in flight hold it. They settle soon, and many for nothing.
          return this.awaitReservations(job, token, provider, options, settle, {
            by: 'credits',
            balance: reservation.balance,
          });
        }
        return this.outOfCredits(
          job,
          token,
          provider,
          options,
          settle,
          'balance cannot pay for the next call',
        );
      }
      if (job.data.creditsWaitSince !== undefined || job.data.quotaWaitSince !== undefined) {
        // Its waits are over: a later one (after a retry) is measured afresh.
        const { creditsWaitSince: _credits, quotaWaitSince: _quota, ...data } = job.data;
        await job.updateData(data);
      }
    }
    if (job.data.quotaHeldSince !== undefined) {
      // Its quota holds it no longer (raised, removed, reset, or a call on the workspace's own account).
      await this.ledger.clearHeld(step.id);
      await this.quotas.forgetHold(request.workspaceId, provider, step.id);
      const { quotaHeldSince: _held, ...data } = job.data;
      await job.updateData(data);
    }
    // The rate slot is taken once the credits are held: a step that waits for credits takes none
    // (each slot is a call the window counts, made or not). A workspace's own account has its own
    // limits at the provider: its own window.
    const calls = this.catalog.callRulesFor(
      provider,
      request.tier,
      goal.capability,
      this.invoker.callsBeforeNext(provider, account),
    );
    const slot = await this.acquireSlots(rateKeyOf(provider, request, account), calls);
    if (!slot.allowed) {
      await this.releaseCredits(request.workspaceId, provider, step.id, account);
      await this.cache.unclaim(request.workspaceId, cacheKey, owner);
      if (
        account ||
        !onPlatformQueue(job, provider) ||
        this.catalog.limitsOnlySomeCalls(provider, slot.rule)
      ) {
        // Only this tier's share of the provider, or this operation's budget, is used up: this job
        // waits, the provider's other calls (other tiers, other operations) go on. So does a job on
        // the own accounts' queue that calls on the platform's account (its workspace removed its
        // credentials after it was enqueued): that queue's other jobs use their own windows.
        await job.moveToDelayed(Date.now() + slot.retryAfterMs, token);
        throw new DelayedError();
      }
      await worker.rateLimit(slot.retryAfterMs);
      throw Worker.RateLimitError();
    }
    // A cancellation that arrived while this job waited stops the spend here, before the call; and
    // another step (any replica) may have paused this provider since: no further call reaches it.
    // And a person erased since the request was accepted is never paid for (defence in depth: the
    // gateway refuses them at job creation). A workspace that had erased nobody when the step was
    // taken, under a second ago, has nobody to check for (as with the status read above).
    const [cancelled, pause, suppressed] = await Promise.all([
      this.isCancelled(request, readAt),
      this.gate.pauseOf(provider),
      cost.credits > 0 && (loaded.workspaceSuppresses || Date.now() - readAt >= TAKE_TRUSTED_MS)
        ? this.ledger.isSuppressed(request.workspaceId, [
            request.input,
            { email: input.email ?? input.person.email, linkedin_url: input.person.linkedinUrl },
          ])
        : false,
    ]);
    // An operator's pause stops every call, free ones too (see awaitOperatorResume); a pause for
    // credits stops the paid calls on the platform's account.
    const paused = pause !== null && (pause.manual === true || (cost.credits > 0 && !account));
    // The step ends without its call (or before the call's next request): nothing was paid for.
    const stopUncalled = async (why: 'suppressed' | 'cancelled' | 'paused'): Promise<{ settled: string }> => {
      await this.releaseCredits(request.workspaceId, provider, step.id, account);
      await this.cache.unclaim(request.workspaceId, cacheKey, owner);
      if (why === 'paused' && (await this.gate.pauseOf(provider))?.manual === true) {
        return this.awaitOperatorResume(job, token, provider);
      }
      if (why === 'paused' && !account) {
        return this.outOfCredits(job, token, provider, options, settle, 'the provider is paused for credits');
      }
      // A workspace's own account stops only for an operator's pause (see isPausedFor), here one
      // lifted in the instant since it stopped the call: skipped, as before such pauses waited.
      const reason = why === 'paused' ? 'paused_by_operator' : why;
      return { settled: await settle({ state: 'skipped', reason, latencyMs: null, credits: 0 }) };
    };
    if (suppressed) {
      return stopUncalled('suppressed');
    }
    if (cancelled) {
      return stopUncalled('cancelled');
    }
    if (paused) {
      return stopUncalled('paused');
    }

    // 4. The call. A paid one is kept as charged before it goes out: a run that dies while it is
    // out (a worker killed, its host lost) leaves the next run of the step a charge to settle, as
    // for a call that timed out, rather than a call to make and pay for again. The call's answer or
    // failure replaces it.
    if (cost.credits > 0) {
      await this.cache.rememberPaid(step.id, {
        status: 'unreadable',
        credits: cost.credits,
        kind: 'timeout',
        error: `The run making this call to ${provider} ended before its answer came (${provider} may have charged for the call, so it counts as charged and is not made again)`,
        inFlightOf: runOwner,
      });
    }
    // A paid call may take more than one request (RocketReach's free person search, then its paid
    // lookup): a cancellation or a pause that arrives while the first is out stops the call before
    // the next is sent, as the check above stops it before the first.
    const stop: { reason: 'cancelled' | 'paused' | null } = { reason: null };
    const stopBefore =
      cost.credits > 0
        ? async (): Promise<boolean> => {
            const [cancelledNow, pausedNow] = await Promise.all([
              this.cache.isCancelled(request.id),
              this.isPausedFor(provider, account),
            ]);
            stop.reason = cancelledNow ? 'cancelled' : pausedNow ? 'paused' : null;
            return stop.reason !== null;
          }
        : undefined;
    let outcome: StepOutcome;
    try {
      outcome = await withTimeout(
        this.callLog.around(context, () =>
          this.invoker.call(
            provider,
            goal.capability,
            input,
            account,
            this.requestGate(request, provider, account, calls.length, stopBefore),
          ),
        ),
        this.stepTimeoutOf(provider),
      );
    } catch (error) {
      if (stop.reason !== null) {
        // Stopped before a further request of the call was sent: nothing was paid for.
        await this.cache.forgetPaid(step.id);
        return stopUncalled(stop.reason);
      }
      // A provider can charge for an answer that then cannot be read (a 2xx its cost rule charged,
      // whose body the adapter refused: `invalid_response`). That spend is real: it is charged to
      // the wallet and the quota and recorded on the failed step, not released. Only for a final
      // failure: a retryable one is retried (its reservation released) and not settled here.
      // As for an answer (below), the charge is kept as paid first, so that a run that dies before
      // the settlement leaves the next one a charge to settle rather than a call to make (and pay
      // for) again; and Redis's part is only tried, so that its failing cannot stop the settlement.
      //
      // A paid call that timed out is the other charge whose answer never came: the request went
      // out, and a provider charges when it has done the work, whether or not we are still there to
      // read it. Calling again would pay again, so it is not retried: the call counts as charged at
      // its price (an upper bound: the next balance reading corrects the wallet, and the credit
      // monitor's drift check compares the ledger with the balances), and the waterfall moves on.
      // So does a paid call whose connection broke once the request was sent (a reset, a socket
      // closed, an answer cut off): the provider may have done the work and charged, as for a
      // timeout. One that failed before anything was sent (refused, no such host) is retried.
      const unreadable = chargedWithoutAnswer(error, provider, cost.credits, () =>
        this.callLog.chargedFor(step.id),
      );
      const charged = unreadable?.credits ?? 0;
      if (unreadable) {
        await this.afterCall(step.id, 'keep the paid answer', () =>
          this.cache.rememberPaid(step.id, unreadable),
        );
        await this.afterCall(step.id, 'charge the wallet', () =>
          this.commitCredits(request.workspaceId, provider, step.id, charged, account),
        );
        // Before the claim goes: identical steps waiting on it fail over too, not call again.
        await this.afterCall(step.id, 'remember the failed paid call', () =>
          this.cache.rememberFailedCall(
            request.workspaceId,
            cacheKey,
            { kind: unreadable.kind, error: unreadable.error },
            claimTtl,
          ),
        );
        // An unreleased claim expires by itself (its TTL).
        await this.afterCall(step.id, 'release the claim', () =>
          this.cache.unclaim(request.workspaceId, cacheKey, owner),
        );
      } else {
        // Nothing was charged: the call may be made again (a retry), and nothing is to be settled.
        await this.cache.forgetPaid(step.id);
        await this.releaseCredits(request.workspaceId, provider, step.id, account);
        await this.cache.unclaim(request.workspaceId, cacheKey, owner);
      }
      await this.releaseProbe(step.id, request.workspaceId, probeDomain);
      return this.failed(
        job,
        token,
        worker,
        error,
        step,
        provider,
        options,
        settle,
        started,
        account,
        unreadable,
      );
    }
    // The provider has answered, and may have charged: PostgreSQL learns what a later run needs (the
    // task started, or the step settled) whatever Redis does meanwhile. Redis may be away, or come
    // back empty, and with it the paid answer kept there for retries: a run that stopped at a Redis
    // error would leave the step as if never called, and the sweep's new run would call (and pay)
    // again. So Redis's part before a settlement or a task's sleep (circuit, task, paid answer,
    // wallet, cache) is only tried (see afterCall), and a task started goes to PostgreSQL as well.
    // Sent together (one round trip on the pipelined client): an answer on the platform's account
    // also ends a probe of the provider's credits, if one is on.
    await Promise.all([
      this.afterCall(step.id, 'record the success on the circuit', () =>
        this.guards.circuits.recordSuccess(provider),
      ),
      account
        ? undefined
        : this.afterCall(step.id, 'end a probe of its credits', () => this.gate.probeAnswered(provider)),
    ]);
    if (outcome.status === 'pending') {
      // What the provider said of its next poll is for this sleep only, not for a later run.
      const { pollAfterMs, ...started } = outcome;
      // The task goes to both stores, Redis first: either one is enough for the next run to await
      // the task rather than settle the call as one that never answered (see 1.), so a moment
      // without Redis, or without PostgreSQL, loses neither the task nor what it is paid. Without
      // Redis the run ends once PostgreSQL has the task (its sleep needs Redis), as it ends when
      // PostgreSQL refuses it.
      const redisMissed = await this.cache
        .rememberPaid(step.id, { ...started, account: taskAccountTag(account) })
        .then(
          () => null,
          (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
        );
      await this.ledger.markWaiting(
        step.id,
        outcome.taskId,
        new Date(Date.now() + this.config.asyncDeadlineMs),
        taskAccountTag(account),
      );
      if (redisMissed !== null) {
        throw redisMissed;
      }
      await this.cache.extendClaim(request.workspaceId, cacheKey, this.config.asyncDeadlineMs);
      return this.sleepOnTask(
        job,
        token,
        request.workspaceId,
        provider,
        step.id,
        cost.credits,
        account,
        this.nextPollOf(provider, pollAfterMs, this.config.asyncDeadlineMs),
      );
    }
    // What the ledger charges: the adapter's count, or the price an operator set for the capability.
    const charged = { ...outcome, credits: this.catalog.charged(provider, goal.capability, outcome) };
    await this.afterCall(step.id, 'keep the paid answer', () => this.cache.rememberPaid(step.id, charged));
    // Both commits are idempotent per step: trying again repeats only the one that did not land.
    await this.afterCall(
      step.id,
      'charge the wallet',
      () => this.commitCredits(request.workspaceId, provider, step.id, charged.credits, account),
      3,
    );
    const result = await finish(charged, charged.credits, false);
    await this.cache.unclaim(request.workspaceId, cacheKey, owner);
    return { settled: result };
  }

  /**
   * Redis's part of a paid answer, tried but not required: the step is then settled in PostgreSQL
   * (the durable record: step, ledger, call log) whether or not Redis took it. Not a job error
   * swallowed: the job goes on to its settlement, and a settlement that fails still fails the job.
   * A write is tried `tries` times, 100 ms then 400 ms apart, so a blip (one refused command, a
   * failover's first seconds) does not lose it. What is lost when Redis stays away: the cached
   * answer (asked again by a later request), and a wallet charge (the provider's wallet overstates
   * the balance until its next reading, the workspace's quota until it is set from the ledger
   * again; their reservations expire by themselves).
   */
  private async afterCall(
    stepId: string,
    what: string,
    write: () => Promise<unknown>,
    tries = 1,
  ): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        await write();
        return;
      } catch (error) {
        if (attempt >= tries) {
          this.logger.warn({
            msg: `could not ${what} in Redis; settling the step anyway`,
            stepId,
            attempts: attempt,
            error: message(error),
          });
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, attempt === 1 ? 100 : 400));
      }
    }
  }

  private async awaitTask(
    job: Job<ProviderStepPayload>,
    token: string | undefined,
    worker: Worker,
    step: EnrichmentStep,
    request: EnrichmentRequest,
    provider: ProviderName,
    goal: Goal,
    taskId: string,
    startedCredits: number,
    finish: (outcome: StepOutcome, credits: number, cached: boolean) => Promise<Settled>,
    settle: (settlement: StepSettlement) => Promise<Settled>,
    owner: string,
    cacheKey: string,
    account: WorkspaceAccount | null,
  ): Promise<{ settled: string }> {
    const reserved = this.catalog.costOf(provider, goal.capability).credits;
    /**
     * Waits for the next poll (or `delayMs`: a rate window's wait, or the wait the provider asked
     * for), the task's credits held meanwhile.
     */
    const sleep = (delayMs?: number): Promise<never> =>
      this.sleepOnTask(job, token, request.workspaceId, provider, step.id, reserved, account, delayMs);
    // A provider paused for credits is not asked either, even for work it started: the job waits.
    if (reserved > 0 && (await this.isPausedFor(provider, account))) {
      return sleep();
    }
    const slot = await this.pollSlot(request, provider, account);
    if (!slot.allowed) {
      return sleep(slot.retryAfterMs);
    }
    /**
     * The task's deadline passed: the step fails (`timeout`) and its claim is released. The task is
     * the provider's and may still finish, and charge, after we stopped asking: its reservation is
     * charged, not released (an upper bound, as for a paid call that timed out), so that the
     * ledger, the wallet and the quota do not leave out a charge that the waterfall's next provider
     * would then add to.
     */
    const pastDeadline = async (lastPoll: string): Promise<{ settled: string }> => {
      const credits = startedCredits + reserved;
      await this.commitCredits(request.workspaceId, provider, step.id, credits, account);
      await this.cache.unclaim(request.workspaceId, cacheKey, owner);
      const charge = reserved > 0 ? `; it may still finish and charge, so it counts as charged` : '';
      return {
        settled: await settle({
          state: 'failed',
          reason: 'timeout',
          error: `${provider} did not finish task ${taskId} before its deadline${lastPoll}${charge}`,
          latencyMs: null,
          credits,
        }),
      };
    };
    let outcome: StepOutcome;
    try {
      outcome = await this.askForResult(request, step, provider, goal, taskId, account, slot.gate);
    } catch (error) {
      if (!(error instanceof ProviderError)) {
        throw error;
      }
      const deadline = step.deadlineAt?.getTime() ?? Date.now() + this.config.asyncDeadlineMs;
      const transient = isTransientPollError(error);
      if (transient && Date.now() <= deadline) {
        const waitMs = this.pollRetryDelay(provider, error);
        if (waitMs !== undefined && !account && onPlatformQueue(job, provider)) {
          // The platform's account is at the provider's limit (calls made outside Sluice count there
          // too): the queue's other polls and calls would each draw a 429 as well. They wait as long,
          // as after a call's 429 (see `failed`).
          await worker.rateLimit(waitMs);
        }
        return sleep(waitMs);
      }
      if (transient) {
        // The deadline holds whatever the polls answer: a result endpoint that keeps failing (an
        // outage, a body that stalls to the timeout, one never readable) would otherwise be polled
        // for ever.
        return pastDeadline(` (last poll: ${error.message})`);
      }
      // The task ended without an answer: forget it, so that a later run starts a new one.
      await this.ledger.clearWaiting(step.id);
      await this.cache.forgetPaid(step.id);
      await this.releaseCredits(request.workspaceId, provider, step.id, account);
      await this.cache.unclaim(request.workspaceId, cacheKey, owner);
      if (error.kind === 'out_of_credits' && !account) {
        // The task ended for lack of credits, perhaps before a top-up: pause only if the balance
        // still cannot pay; otherwise the step starts a new task.
        if (!(await this.gate.isPaused(provider)) && (await this.gate.canPayNow(provider))) {
          await job.moveToDelayed(Date.now() + CREDIT_WAIT_MS / 10, token);
          throw new DelayedError();
        }
        await this.guards.wallet.setBalance(provider, 0);
        return this.outOfCredits(job, token, provider, request.options, settle, error.message);
      }
      return {
        settled: await settle({
          state: 'failed',
          reason: error.kind,
          error: error.message,
          latencyMs: null,
          credits: startedCredits,
        }),
      };
    }
    if (outcome.status === 'pending') {
      const deadline = step.deadlineAt?.getTime() ?? Date.now() + this.config.asyncDeadlineMs;
      if (Date.now() > deadline) {
        return pastDeadline('');
      }
      return sleep(this.nextPollOf(provider, outcome.pollAfterMs, deadline - Date.now()));
    }
    const charged = { ...outcome, credits: this.catalog.charged(provider, goal.capability, outcome) };
    const credits = startedCredits + charged.credits;
    await this.cache.rememberPaid(step.id, { ...charged, startedCredits });
    await this.commitCredits(request.workspaceId, provider, step.id, credits, account);
    const result = await finish(charged, credits, false);
    await this.cache.unclaim(request.workspaceId, cacheKey, owner);
    return { settled: result };
  }

  /**
   * Puts a step whose provider works on its task to sleep until its next poll. Its reservations (of
   * the provider's credits and of the workspace's quota) are first held for the sleep, the poll and
   * a deadline's slack beyond: they were made with a TTL for one call, and a step that outlives it —
   * polls far apart, a queue backlog or a pause keeping its job from running — would otherwise see
   * them expire while the provider still works, and other calls spend the credits its answer is
   * then charged against (a quota passed, a balance overspent). One that expired already is made
   * again (`credits`; 0: only an existing one is kept).
   */
  private async sleepOnTask(
    job: Job<ProviderStepPayload>,
    token: string | undefined,
    workspaceId: string,
    provider: ProviderName,
    stepId: string,
    credits: number,
    account: WorkspaceAccount | null,
    /**
     * Until when, when not the poll interval: a rate window's wait for a slot to poll in, or the
     * wait the provider asked for before the next poll.
     */
    delayMs: number = this.pollIntervalOf(provider),
  ): Promise<never> {
    if (!account) {
      const ttlMs = delayMs + this.stepTimeoutOf(provider) + this.config.asyncDeadlineMs;
      await this.guards.wallet.renew(provider, stepId, credits, ttlMs);
      await this.quotas.renew(workspaceId, provider, stepId, credits, ttlMs);
    }
    await job.moveToDelayed(Date.now() + delayMs, token);
    throw new DelayedError();
  }

  /**
   * How long a step waiting for its provider's task sleeps before it polls: the provider's poll
   * interval, or, when the provider was given a callback URL, `ASYNC_CALLBACK_POLL_INTERVAL_MS` if
   * longer. The callback wakes the step at once (see WebhookCompletion); each poll is a call the
   * provider counts against its limits, taken from the calls it could answer (Snov.io's 60 a
   * minute), so a step that will be called back polls only to catch a callback that never comes.
   */
  private pollIntervalOf(provider: ProviderName): number {
    const pollMs = this.catalog.of(provider).pollIntervalMs;
    return this.invoker.callsBack(provider)
      ? Math.max(pollMs, this.config.asyncCallbackPollIntervalMs)
      : pollMs;
  }

  /**
   * How long a step sleeps before its next poll when the provider answered that its task is not
   * done: the poll interval, or the wait the provider asked for if longer, up to the task's
   * deadline (see `nextPollDelayMs`).
   */
  private nextPollOf(
    provider: ProviderName,
    pollAfterMs: number | undefined,
    untilDeadlineMs: number,
  ): number {
    return nextPollDelayMs(this.pollIntervalOf(provider), pollAfterMs, untilDeadlineMs);
  }

  /**
   * How long a poll that failed for a reason that passes waits before the next: the poll interval,
   * or, when the provider answered 429 (calls made outside Sluice on the same account, a provider
   * that counts differently), the wait it asked for (a minute when it named none). Polling sooner
   * would only draw more 429s.
   */
  private pollRetryDelay(provider: ProviderName, error: ProviderError): number | undefined {
    return error.kind === 'rate_limited'
      ? Math.max(this.pollIntervalOf(provider), error.retryAfterMs ?? 60_000)
      : undefined;
  }

  /**
   * A slot for a poll of a started task's result (and for a token the adapter fetches first): a poll
   * is a call the provider counts against its limits like any other (Snov.io's 60 a minute,
   * RocketReach's 10 a second), in the window the task's start counted in. A poll that finds no
   * slot waits in its delayed job, holding no worker, until the window has one.
   */
  private async pollSlot(
    request: EnrichmentRequest,
    provider: ProviderName,
    account: WorkspaceAccount | null,
  ): Promise<RateDecision & { gate: RequestGate }> {
    const calls = this.catalog.pollRulesFor(
      provider,
      request.tier,
      this.invoker.callsBeforeNext(provider, account),
    );
    const decision = await this.acquireSlots(rateKeyOf(provider, request, account), calls);
    return { ...decision, gate: this.requestGate(request, provider, account, calls.length) };
  }

  /**
   * The gate each HTTP request of one call passes (see `RequestGate`). The first `prepaid` pass at
   * once: their slots were taken before the call. Each further one — a listing's next page
   * (Companies House serves 100 officers a page), a token fetched again after a 401 and the request
   * repeated — takes a slot of the provider's window first, as a call of no operation: the provider
   * counts it like any other, and Companies House bans keys that keep passing its limit. It waits
   * up to EXTRA_REQUEST_WAIT_MS for one; past that the call stops before that request is sent, as
   * if the provider had answered 429 (`rate_limited`, with the window's wait), and the step backs
   * off without counting an attempt. With `stopBefore` (a paid call), every request after the
   * first asks it first, and one it answers true is not sent: the call stops there.
   */
  private requestGate(
    request: EnrichmentRequest,
    provider: ProviderName,
    account: WorkspaceAccount | null,
    prepaid: number,
    stopBefore?: () => Promise<boolean>,
  ): RequestGate {
    let sent = 0;
    return async () => {
      sent += 1;
      if (sent > 1 && stopBefore && (await stopBefore())) {
        throw new Error(`the call to ${provider} was stopped before its next request was sent`);
      }
      if (sent <= prepaid) {
        return;
      }
      let waited = 0;
      for (;;) {
        const slot = await this.acquireSlots(
          rateKeyOf(provider, request, account),
          this.catalog.pollRulesFor(provider, request.tier),
        );
        if (slot.allowed) {
          return;
        }
        if (waited + slot.retryAfterMs > EXTRA_REQUEST_WAIT_MS) {
          throw new ProviderError({
            provider,
            kind: 'rate_limited',
            message: `${provider}'s rate window (${slot.rule ?? 'its limit'}) has no room for a further request of this call; it is made again after ${slot.retryAfterMs} ms`,
            retryAfterMs: slot.retryAfterMs,
          });
        }
        waited += slot.retryAfterMs;
        await new Promise((resolve) => setTimeout(resolve, slot.retryAfterMs));
      }
    };
  }

  /** Asks the provider for the outcome of the step's asynchronous work (free), its calls logged for the step. */
  private askForResult(
    request: EnrichmentRequest,
    step: EnrichmentStep,
    provider: ProviderName,
    goal: Goal,
    taskId: string,
    account: WorkspaceAccount | null,
    gate: RequestGate,
  ): Promise<StepOutcome> {
    return this.callLog.around(callContext(request, step, account), () =>
      this.invoker.complete(provider, goal.capability, taskId, account, gate),
    );
  }

  /**
   * The answer a run paid for and kept (see `ResultCache.rememberPaid`) for a step skipped without
   * it: its request was cancelled (or its goal is gone) after that run paid and before it settled
   * the step (killed, say, or cancelled in between). The answer is not delivered, but the provider
   * charged for it. As for the work of a cancelled task (see `collectCancelledTask`): the charge goes
   * into the wallet and the quota (idempotent per step, as for a retried paid step: a commit the
   * run made is not made twice), then onto the step and into the ledger (`record`); the answer is
   * cached for identical requests unless it names a person erased from the workspace (then nothing
   * of it is kept, and the callbacks that quote it go); and what the run kept is forgotten.
   */
  private async chargeUnused<T>(
    request: EnrichmentRequest,
    step: EnrichmentStep,
    paid: PaidResult,
    account: WorkspaceAccount | null,
    record: (credits: number) => Promise<T>,
  ): Promise<T> {
    const provider = step.provider as ProviderName;
    const cacheKey = step.cacheKey ?? `${provider}:${step.operation}:${step.id}`;
    const credits = paidCredits(paid);
    await this.commitCredits(request.workspaceId, provider, step.id, credits, account);
    const recorded = await record(credits);
    if (paid.status !== 'unreadable') {
      await this.cacheUnlessErased(request, step, cacheKey, paid);
    }
    await this.cache.unclaim(request.workspaceId, cacheKey, `step:${step.id}:`);
    await this.cache.forgetPaid(step.id);
    return recorded;
  }

  /**
   * A step its quota held that was settled meanwhile (cancelled): the cancel removes its record of
   * the hold; if Redis was away then, it goes now, at the step's next look.
   */
  private async forgetCancelledHold(job: Job<ProviderStepPayload>): Promise<void> {
    if (job.data.quotaHeldSince === undefined) {
      return;
    }
    const provider = providerOfQueue(job.queueName);
    if (provider) {
      await this.quotas.forgetHold(job.data.workspaceId, provider, job.data.stepId);
    }
  }

  /**
   * A step cancelled (its job, batch or import, or by the companies stream) while its provider's
   * asynchronous work ran: the cancellation skipped the step, but the provider charges for that work
   * when it finishes, asked or not. Once the provider has called back for it (finished, and charged),
   * its result is asked for (free) and what it charged goes on the skipped step and into the ledger,
   * the wallet and the quota; the paid answer is cached for identical requests, unless it names a
   * person erased from the workspace (then nothing of it is kept, as in a settlement). Until then the job
   * waits, up to the task's deadline, without asking the provider: a provider that finishes work
   * only when asked is not made to finish (and charge for) a cancelled search. Past the deadline
   * without a callback, the task's price counts as charged (it may still finish). The step stays
   * skipped, and its request cancelled.
   */
  private async collectCancelledTask(
    job: Job<ProviderStepPayload>,
    token: string | undefined,
  ): Promise<Settled> {
    const kept = await this.cache.paid(job.data.stepId);
    const left = await this.ledger.skippedUncharged(job.data.stepId, kept !== null);
    if (!left) {
      if (kept) {
        // The step is settled with its charge, or gone (erased): what a run kept for it is not needed.
        await this.cache.forgetPaid(job.data.stepId);
      }
      const erased = await this.ledger.erasedTask(job.data.stepId);
      return erased ? this.collectErasedTask(job, token, erased) : 'already';
    }
    const { step, request } = left;
    const provider = step.provider as ProviderName;
    const current = await this.accounts.of(request.workspaceId, provider);
    // The task's work is charged on the account that started it (see taskAccountOf).
    const on = taskAccountOf(
      step.providerTaskAccount ?? (kept?.status === 'pending' ? kept.account : undefined),
      current,
    );
    const account = 'removed' in on ? current : on.account;
    if (kept && kept.status !== 'pending') {
      // A run paid for an answer (or for asynchronous work that has finished) and stopped before it
      // settled the step, which was cancelled meanwhile: its charge is recorded now.
      await this.chargeUnused(request, step, kept, account, (credits) =>
        this.chargeSettled(step, credits, account ? 'workspace_charge' : 'charge'),
      );
      return 'already';
    }
    if (!step.providerTaskId) {
      return 'already';
    }
    const taskId = step.providerTaskId;
    const cacheKey = step.cacheKey ?? `${provider}:${step.operation}:${step.id}`;
    const owner = `step:${step.id}:`;
    const done = async (): Promise<Settled> => {
      await this.releaseCredits(request.workspaceId, provider, step.id, account);
      await this.cache.unclaim(request.workspaceId, cacheKey, owner);
      await this.cache.forgetPaid(step.id);
      return 'already';
    };
    // Its reservation is kept while it lasts (none is made again: the step no longer runs).
    const wait = (delayMs?: number): Promise<never> =>
      this.sleepOnTask(job, token, request.workspaceId, provider, step.id, 0, account, delayMs);
    // Read only when there is a charge to count: a job woken while its provider works reads no steps.
    const goalOf = async () =>
      this.orchestrator
        .goalsFor(request, await this.stepsOf(request.id))
        .find((candidate) => candidate.id === step.goal);
    const started = kept?.credits ?? 0;
    const charge = async (credits: number): Promise<void> => {
      await this.commitCredits(request.workspaceId, provider, step.id, credits, account);
      await this.chargeSettled(step, credits, account ? 'workspace_charge' : 'charge');
    };
    const deadline = step.deadlineAt?.getTime() ?? 0;
    const removed = 'removed' in on;
    if (removed || Date.now() > deadline) {
      // No callback came before the deadline, or the task was started on the workspace's
      // credentials, since removed (nothing can read what it charged that account), yet the task
      // is the provider's and may still finish and charge: its price counts as charged (an upper
      // bound), as for a step that was not cancelled (see pastDeadline in awaitTask), so the
      // ledger, the wallet and the quota do not leave out a charge the provider may make. On
      // removed credentials, the workspace's spend: none of the platform's wallet or quota.
      const goal = await goalOf();
      if (goal) {
        const credits = started + this.catalog.costOf(provider, goal.capability).credits;
        await (removed ? this.chargeSettled(step, credits, 'workspace_charge') : charge(credits));
      }
      return done();
    }
    // A provider given a callback URL is asked only once it has called back (its polls would only
    // take slots of its rate window); one given none is polled, as the step would have been: it
    // never calls back, and the deadline's upper bound would charge a miss it did not charge for.
    if (this.invoker.callsBack(provider) && !(await this.ledger.calledBack(step.id))) {
      return wait();
    }
    const goal = await goalOf();
    if (!goal) {
      return done();
    }
    const slot = await this.pollSlot(request, provider, account);
    if (!slot.allowed) {
      return wait(slot.retryAfterMs);
    }
    let outcome: StepOutcome;
    try {
      outcome = await this.askForResult(request, step, provider, goal, taskId, account, slot.gate);
    } catch (error) {
      if (!(error instanceof ProviderError)) {
        throw error;
      }
      return isTransientPollError(error) ? wait(this.pollRetryDelay(provider, error)) : done();
    }
    if (outcome.status === 'pending') {
      return wait();
    }
    await charge(started + this.catalog.charged(provider, goal.capability, outcome));
    await this.cacheUnlessErased(request, step, cacheKey, outcome);
    return done();
  }

  /**
   * A step erased with a person (`DELETE /v1/persons`) while its provider's asynchronous work ran
   * (see ErasedTask): the provider charges for that work when it finishes, step or not. It is
   * collected as a cancelled task's is (see `collectCancelledTask`), from what the erasure kept of
   * the step: once the provider has called back (at once for one given no callback URL), its result
   * is asked for (free) and what it charged goes into the ledger with the step's ids, and into the
   * wallet and the quota; past the deadline, or on credentials removed since, the task's price
   * counts as charged. Nothing of the answer is kept: it is about the erased person.
   */
  private async collectErasedTask(
    job: Job<ProviderStepPayload>,
    token: string | undefined,
    erased: ErasedTask,
  ): Promise<Settled> {
    const provider = erased.provider as ProviderName;
    const goalKey = erased.goal.split(':')[0] as GoalKey;
    const capability = GOALS[goalKey]?.capability;
    if (!capability) {
      await this.ledger.forgetErased(erased.stepId);
      return 'already';
    }
    const current = await this.accounts.of(erased.workspaceId, provider);
    const on = taskAccountOf(erased.providerTaskAccount, current);
    const removed = 'removed' in on;
    const account = removed ? current : on.account;
    const kind = account || removed ? 'workspace_charge' : 'charge';
    // What is left of the step and its request: their ids, for the rate limits and the call log.
    const request = Object.assign(new EnrichmentRequest(), {
      id: erased.requestId,
      workspaceId: erased.workspaceId,
      tier: erased.tier,
    });
    const step = Object.assign(new EnrichmentStep(), {
      id: erased.stepId,
      requestId: erased.requestId,
      workspaceId: erased.workspaceId,
      provider,
      goal: erased.goal,
      operation: erased.operation,
    });
    const charge = async (credits: number): Promise<Settled> => {
      if (!removed) {
        await this.commitCredits(erased.workspaceId, provider, step.id, credits, account);
      }
      const recorded = await this.ledger.chargeErased(erased, credits, kind);
      if (recorded > 0) {
        this.metrics.credits.inc({ provider }, recorded);
      }
      await this.releaseCredits(erased.workspaceId, provider, step.id, account);
      return 'already';
    };
    const wait = (delayMs?: number): Promise<never> =>
      this.sleepOnTask(job, token, erased.workspaceId, provider, step.id, 0, account, delayMs);
    if (removed || Date.now() > (erased.deadlineAt?.getTime() ?? 0)) {
      return charge(this.catalog.costOf(provider, capability).credits);
    }
    if (this.invoker.callsBack(provider) && erased.calledBackAt === null) {
      return wait();
    }
    const slot = await this.pollSlot(request, provider, account);
    if (!slot.allowed) {
      return wait(slot.retryAfterMs);
    }
    let outcome: StepOutcome;
    try {
      outcome = await this.callLog.around(callContext(request, step, account), () =>
        this.invoker.complete(provider, capability, erased.providerTaskId, account, slot.gate),
      );
    } catch (error) {
      if (!(error instanceof ProviderError)) {
        throw error;
      }
      return isTransientPollError(error) ? wait(this.pollRetryDelay(provider, error)) : charge(0);
    }
    if (outcome.status === 'pending') {
      return wait();
    }
    return charge(this.catalog.charged(provider, capability, outcome));
  }

  /**
   * Caches the paid answer of a step that will not use it (cancelled), by the same rule as a
   * settlement: nothing of an answer naming a person erased from the workspace is cached, and the
   * callbacks that quote it go. Written under the workspace's erasure lock (see `unlessErased`),
   * since an erasure sweeps the cache only after it commits.
   */
  private async cacheUnlessErased(
    request: EnrichmentRequest,
    step: EnrichmentStep,
    cacheKey: string,
    outcome: Exclude<StepOutcome, { status: 'pending' }>,
  ): Promise<void> {
    const names = outcome.status === 'hit' ? namesIn(outcome.output) : [];
    const suppressed = await this.ledger.unlessErased(request.workspaceId, names, () =>
      this.cache.set(request.workspaceId, cacheKey, step.operation, outcome),
    );
    if (suppressed) {
      await this.ledger.forgetCallbacks(step);
    }
  }

  /** A provider error: back off on 429, pause on credits, retry transient errors, fall through otherwise. */
  private async failed(
    job: Job<ProviderStepPayload>,
    token: string | undefined,
    worker: Worker,
    error: unknown,
    step: EnrichmentStep,
    provider: ProviderName,
    options: RequestOptions,
    settle: (settlement: StepSettlement) => Promise<Settled>,
    started: number,
    account: WorkspaceAccount | null,
    /** What the provider charged for the failed call (already committed): recorded on the step. */
    unreadable: UnreadablePaid | null = null,
  ): Promise<{ settled: string }> {
    const charged = unreadable?.credits ?? 0;
    const timedOut = error instanceof StepTimeoutError;
    if (!(error instanceof ProviderError) && !timedOut) {
      throw error; // e.g. PostgreSQL away: BullMQ retries with backoff
    }
    const kind = timedOut ? 'timeout' : error.kind;
    const latencyMs =
      (error instanceof ProviderError ? error.call?.latencyMs : undefined) ?? Date.now() - started;
    if (error instanceof ProviderError && kind === 'rate_limited' && account) {
      // The workspace's own account is at its limit: only this step waits, not the provider's queue.
      await job.moveToDelayed(Date.now() + (error.retryAfterMs ?? 60_000), token);
      throw new DelayedError();
    }
    if (error instanceof ProviderError && kind === 'out_of_credits' && account) {
      // The workspace's own account ran dry: the platform's balance and queue are not concerned.
      return {
        settled: await settle({
          state: 'failed',
          reason: 'out_of_credits',
          error: `the workspace's own ${provider} account is out of credits`,
          latencyMs,
          credits: 0,
        }),
      };
    }
    if (error instanceof ProviderError && kind === 'rate_limited') {
      const waitMs = error.retryAfterMs ?? 60_000;
      this.logger.warn({
        msg: 'provider rate limit reached; backing off',
        provider,
        waitMs,
        stepId: step.id,
      });
      if (!onPlatformQueue(job, provider)) {
        // On the own accounts' queue (credentials removed since): only this job waits, as above.
        await job.moveToDelayed(Date.now() + waitMs, token);
        throw new DelayedError();
      }
      await worker.rateLimit(waitMs);
      throw Worker.RateLimitError();
    }
    if (kind === 'out_of_credits') {
      await this.guards.wallet.setBalance(provider, 0);
      return this.outOfCredits(job, token, provider, options, settle, 'the provider answered out of credits');
    }
    if (kind === 'not_found') {
      await Promise.all([
        this.guards.circuits.recordSuccess(provider),
        account ? undefined : this.gate.probeAnswered(provider),
      ]);
      return {
        settled: await settle({
          state: 'failed',
          reason: 'not_found',
          error: message(error),
          latencyMs,
          credits: charged,
        }),
      };
    }
    if (account && (kind === 'unauthorized' || kind === 'forbidden') && charged === 0) {
      // The workspace's own credentials were refused. The adapter's hint names the platform's
      // settings (APOLLO_API_KEY, say), which the workspace can neither see nor change: the step
      // says what the workspace can do instead.
      return {
        settled: await settle({
          state: 'failed',
          reason: kind,
          error: `${provider} refused the workspace's own credentials (HTTP ${kind === 'unauthorized' ? 401 : 403}): store working ones with PUT /v1/providers/${provider}/credentials, or remove them (DELETE) to use the platform's account`,
          latencyMs,
          credits: 0,
        }),
      };
    }
    const detail = unreadable?.error ?? message(error);
    if (countsAgainstCircuit(kind)) {
      await this.guards.circuits.recordFailure(provider);
    }
    const transient = timedOut || error.retryable;
    if (transient) {
      const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      const open = (await this.guards.circuits.state(provider)) === 'open';
      // A call charged without an answer (see the call's catch) is not tried again.
      if (!lastAttempt && !open && charged === 0) {
        throw error instanceof Error ? error : new Error(detail);
      }
    }
    this.logger.warn({ msg: 'step failed; the waterfall moves on', provider, kind, stepId: step.id });
    return {
      settled: await settle({ state: 'failed', reason: kind, error: detail, latencyMs, credits: charged }),
    };
  }

  /**
   * The provider's balance (or, `held.by` 'quota', the workspace's monthly quota at it) pays for the
   * call, but reservations of calls in flight leave too little of it. Those calls settle within seconds
   * (asynchronous ones by their deadline) and often charge nothing (a miss is free at most
   * providers), so the step waits for them whatever `wait_for_credits` or the quota's policy says —
   * those are about a balance or an allowance that cannot pay — and the provider is not paused. The
   * job is delayed (no worker slot held, no attempt spent), first briefly, then longer the longer it
   * has waited. No reservation outlives ASYNC_DEADLINE_MS + STEP_TIMEOUT_MS: a step that has waited
   * longer than that is skipped as `out_of_credits` (unless it waits for credits) or, for a quota,
   * `quota_exceeded` (unless the quota holds).
   */
  private async awaitReservations(
    job: Job<ProviderStepPayload>,
    token: string | undefined,
    provider: ProviderName,
    options: RequestOptions,
    settle: (settlement: StepSettlement) => Promise<Settled>,
    held:
      | { by: 'credits'; balance: number }
      | { by: 'quota'; balance: number; limit: number; policy: QuotaPolicy },
  ): Promise<{ settled: string }> {
    const now = Date.now();
    const field = held.by === 'quota' ? 'quotaWaitSince' : 'creditsWaitSince';
    const since = job.data[field] ?? now;
    const waited = now - since;
    const longest = this.config.asyncDeadlineMs + this.stepTimeoutOf(provider);
    const waitsAnyway =
      held.by === 'quota'
        ? held.policy === 'hold'
        : (options.wait_for_credits ?? this.config.waitForCreditsDefault);
    if (waited > longest && !waitsAnyway) {
      return {
        settled: await settle(
          held.by === 'quota'
            ? {
                state: 'skipped',
                reason: 'quota_exceeded',
                error: `The workspace's monthly quota at ${provider} (${held.limit} credits, ${held.balance} left) was held by its calls in flight for ${waited} ms.`,
                latencyMs: null,
                credits: 0,
              }
            : {
                state: 'skipped',
                reason: 'out_of_credits',
                error: `${provider}'s balance (${held.balance}) was held by calls in flight for ${waited} ms`,
                latencyMs: null,
                credits: 0,
              },
        ),
      };
    }
    // The provider's credits are reserved once the quota is: a step waiting for them no longer
    // waits for its quota.
    const quotaWaitOver = held.by === 'credits' && job.data.quotaWaitSince !== undefined;
    if (job.data[field] === undefined || quotaWaitOver) {
      const { quotaWaitSince: _over, ...rest } = job.data;
      await job.updateData({ ...(quotaWaitOver ? rest : job.data), [field]: since });
    }
    const delay = Math.min(RESERVATION_WAIT_MAX_MS, Math.max(RESERVATION_WAIT_MIN_MS, waited / 4));
    // Jittered, so that steps refused together do not all come back together.
    await job.moveToDelayed(now + Math.round(delay * (0.75 + Math.random() / 2)), token);
    throw new DelayedError();
  }

  /**
   * The workspace's quota at the provider is used up and its policy is `hold`: the step waits, its
   * job delayed (no worker slot, no attempt spent, no polling) until the quota resets at the turn of
   * the month, or until the quota is raised or removed (which wakes it: see `wakeQuotaHolds`),
   * looking again at the latest every QUOTA_HOLD_RECHECK_MS. Its status says so meanwhile (reason
   * `quota_held`, and until when), and cancelling its job ends the wait.
   */
  private async holdForQuota(
    job: Job<ProviderStepPayload>,
    token: string | undefined,
    step: EnrichmentStep,
    workspaceId: string,
    provider: ProviderName,
    limit: number,
  ): Promise<never> {
    const now = Date.now();
    const resetAt = quotaResetAt(now);
    await this.quotas.recordHold(workspaceId, provider, step.id);
    const marked = await this.ledger.markHeld(
      step.id,
      `The workspace's monthly quota at ${provider} (${limit} credits) is used up: the step waits until it resets on ${new Date(resetAt).toISOString()}, or until the quota is raised or removed. Cancel the job to stop waiting.`,
    );
    if (!marked) {
      // Cancelled since it was taken, before its hold showed: the cancel could not tell that it was
      // held, so its record goes here. The job ends at its next look, which finds it settled.
      await this.quotas.forgetHold(workspaceId, provider, step.id);
    }
    if (job.data.quotaHeldSince === undefined) {
      const { quotaWaitSince: _waited, ...data } = job.data;
      await job.updateData({ ...data, quotaHeldSince: now });
    }
    const wakeAt = Math.min(
      resetAt + Math.round(Math.random() * QUOTA_RESET_SPREAD_MS),
      now + QUOTA_HOLD_RECHECK_MS,
    );
    await job.moveToDelayed(wakeAt, token);
    throw new DelayedError();
  }

  /**
   * An operator paused the provider, and this step was taken all the same: its queue was resumed
   * some other way than by the admin API (Bull Board's resume, or its "resume all"), or the step
   * was taken as the pause landed. No call goes out, paid or free, and the step is not skipped: it
   * waits for the operator's resume, as the steps still in the paused queue do. The provider's
   * queues are paused again from the pause kept in PostgreSQL, and the job is delayed; once due, it
   * joins the paused queue's waiting jobs.
   */
  private async awaitOperatorResume(
    job: Job<ProviderStepPayload>,
    token: string | undefined,
    provider: ProviderName,
  ): Promise<never> {
    await this.gate.keepOperatorPause(provider);
    await job.moveToDelayed(Date.now() + CREDIT_WAIT_MS, token);
    throw new DelayedError();
  }

  private async outOfCredits(
    job: Job<ProviderStepPayload>,
    token: string | undefined,
    provider: ProviderName,
    options: RequestOptions,
    settle: (settlement: StepSettlement) => Promise<Settled>,
    reason: string,
  ): Promise<{ settled: string }> {
    if (await this.gate.pause(provider, reason)) {
      // The steps queued behind this one would wait in the paused queue: those that may not wait
      // go on to the next provider now.
      this.reroute.start(provider);
    }
    if (options.wait_for_credits ?? this.config.waitForCreditsDefault) {
      // The queue is paused: the delayed job joins the paused jobs and runs once credits are back.
      // On the own accounts' queue, which the pause leaves running (its workspace removed its
      // credentials after it was enqueued), it looks again now and then instead.
      const wait = onPlatformQueue(job, provider) ? CREDIT_WAIT_MS : OWN_QUEUE_CREDIT_RECHECK_MS;
      await job.moveToDelayed(Date.now() + wait, token);
      throw new DelayedError();
    }
    return {
      settled: await settle({ state: 'skipped', reason: 'out_of_credits', latencyMs: null, credits: 0 }),
    };
  }

  /** Whether a goal accepts an answer (and the part it accepts), with the reason when it does not. */
  private accept(
    goal: Goal,
    options: RequestOptions,
    output: Record<string, unknown>,
  ): { rejection: string | null; output: Record<string, unknown> } {
    if (goal.key === 'email') {
      const verdict = acceptEmail(output as unknown as FoundEmail, {
        acceptCatchAll: options.accept_catch_all ?? false,
      });
      return { rejection: verdict.accepted ? null : `rejected: ${verdict.reason ?? 'not accepted'}`, output };
    }
    if (goal.key === 'phone') {
      const phones = (output.phones as FoundPhone[]) ?? [];
      const verdict = acceptPhones(phones, options.phone_type ?? 'any');
      return verdict.accepted.length > 0
        ? { rejection: null, output: { ...output, phones: verdict.accepted } }
        : { rejection: `rejected: ${verdict.rejected[0]?.reason ?? 'no acceptable number'}`, output };
    }
    return { rejection: null, output };
  }

  /**
   * Whether a paid call to `provider` must wait: any pause on the platform's credentials; only an
   * operator's pause on the workspace's own account (a pause for credits is the platform's).
   */
  private async isPausedFor(provider: ProviderName, account: WorkspaceAccount | null): Promise<boolean> {
    if (!account) {
      return this.gate.isPaused(provider);
    }
    return (await this.gate.pauseOf(provider))?.manual === true;
  }

  private stepsOf(requestId: string): Promise<EnrichmentStep[]> {
    return this.ledger.stepsOf(requestId);
  }

  /**
   * Whether the request was cancelled since it was read at `readAt`: the gateway's marker in Redis,
   * else the status read (trusted while younger than a second; re-read after).
   */
  private async isCancelled(request: EnrichmentRequest, readAt: number): Promise<boolean> {
    if (await this.cache.isCancelled(request.id)) {
      return true; // the gateway marks a cancellation in Redis the moment it commits it
    }
    if (Date.now() - readAt < TAKE_TRUSTED_MS) {
      return request.status === 'cancelled';
    }
    return (await this.ledger.requestStatus(request.id, request.workspaceId)) === 'cancelled';
  }
}
