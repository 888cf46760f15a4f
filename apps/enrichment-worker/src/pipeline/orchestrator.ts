import { getQueueToken } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  CallbackConfig,
  PipelineConfig,
  ProvidersConfig,
  SANDBOX_NOTICE,
  sandboxedProviders,
} from '@sluice/config';
import {
  EnrichmentRequest,
  EnrichmentStep,
  isUniqueViolation,
  preparedSql,
  queryPrepared,
  roundCredits,
} from '@sluice/db';
import {
  cacheKeyOf,
  chainStopReason,
  chargesForRejected,
  chooseStats,
  requestSegments,
  statsKey,
  emailConfidence,
  emailFields,
  goalsOf,
  acceptedWorkEmail,
  acceptPhones,
  isSupportedRequestType,
  namesPerson,
  mergeAnswers,
  personConfidence,
  personFields,
  phoneFields,
  expectedCostPerSuccess,
  selectProviders,
  suppressionHashesIn,
  type FoundEmail,
  type FoundPhone,
  type Goal,
  type Person,
  type PersonQuery,
  type Firmographics,
  firmographicsFields,
  type ProviderAnswer,
  type ProviderCandidate,
  type ProviderStats,
  type ProviderStatsTable,
  type StatsChoice,
  type RequestInput,
  type RequestOptions,
  type SkipReason,
  type UnresolvedGoal,
} from '@sluice/enrichment';
import { personInputProblem, ROCKETREACH_ATTRIBUTION, servesGoal } from '@sluice/providers';
import {
  callbackJobOptions,
  JOB_NAMES,
  JOB_PRIORITY,
  addStepJob,
  stepQueuesOf,
  publishJobChanged,
  QUEUE_NAMES,
  type ProviderName,
  type ProviderStepPayload,
} from '@sluice/queue';
import type { Queue } from 'bullmq';
import { DataSource, type EntityManager } from 'typeorm';
import { insertSteps, loadRequestWithSteps, type NewStep, type RequestWithSteps } from '../steps/rows';
import { CreditGate } from './credit-gate';
import { PipelineGuards, ResultCache } from './pipeline-redis';
import { ProviderCatalog } from './provider-catalog';
import { firmographicsQuestion, type GoalInput } from './provider-invoker';
import { WorkspaceAccounts } from './workspace-accounts';

const TERMINAL = ['completed', 'failed', 'cancelled'] as const;

/**
 * Why a provider was not asked, or could not answer, that passes without changing the request: its
 * credits, its circuit, the workspace's monthly quota at it, an operator's pause, its rate window.
 */
const PASSING_REASONS: ReadonlySet<string> = new Set([
  'out_of_credits',
  'circuit_open',
  'quota_exceeded',
  'paused_by_operator',
  'rate_limited',
]);

/** Capabilities that look a person up: each provider's PERSON_INPUT_RULES decide whether it can. */
const PERSON_CAPABILITIES: ReadonlySet<string> = new Set(['find_work_email', 'find_phone', 'lookup_person']);

/**
 * A phone search's identifiers completed from the person's profile: the phone providers search by
 * name, and most of them at a company domain, so a person the caller knew only by a LinkedIn URL or
 * an e-mail is searched under the name (and company) the profile gave, and a person the caller
 * named at a company without its domain is searched at the domain the profile gave; the
 * identifiers the caller gave are kept as given (`named`: the caller named the person, whose name
 * is never replaced by the profile's).
 */
function withProfile(query: PersonQuery, profile: Person, named: boolean): PersonQuery {
  const pick = (given: string | undefined, found: string | null): string | undefined =>
    given ?? (found || undefined);
  return {
    ...query,
    ...(named
      ? {}
      : {
          firstName: profile.firstName || undefined,
          lastName: profile.lastName || undefined,
          fullName: profile.fullName || undefined,
        }),
    domain: pick(query.domain, profile.companyDomain),
    companyName: pick(query.companyName, profile.companyName),
    linkedinUrl: pick(query.linkedinUrl, profile.linkedinUrl),
  };
}

/**
 * An answer's provider: the step's, or, for an answer read from the store, the provider that found
 * it (`found_by`).
 */
function sourceOf(step: EnrichmentStep): string {
  return typeof step.output?.found_by === 'string' ? step.output.found_by : step.provider;
}

/** A step's answer without the store's `found_by` mark (the result names it as `source`). */
function withoutFoundBy(output: Record<string, unknown>): Record<string, unknown> {
  const { found_by: _storedBy, ...answer } = output;
  return answer;
}

/** The request's accepted profile and the provider that gave it; null when there is none (yet). */
function acceptedProfile(steps: readonly EnrichmentStep[]): { person: Person; provider: string } | null {
  const step = steps.find((candidate) => candidate.goal === 'profile' && accepted(candidate));
  const person = step?.output?.person as Person | undefined;
  return step && person ? { person, provider: sourceOf(step) } : null;
}

/**
 * A number of the result with the provider that found it. An answer stored before extensions were
 * kept has none: `extension` is null there too, so a reader always finds it.
 */
function resultPhone(phone: FoundPhone, source: string): Record<string, unknown> {
  return { ...phone, extension: phone.extension ?? null, source };
}

/**
 * The numbers of the request's accepted profile that its phone goal accepts (mobile only when it
 * asks for mobile), with the provider that gave them; null when there are none. A profile lookup
 * (RocketReach's, for one) often returns the person's phones: buying them again from a phone
 * provider would pay twice for the same number.
 */
function profilePhones(
  request: EnrichmentRequest,
  steps: readonly EnrichmentStep[],
): { provider: string; phones: FoundPhone[] } | null {
  const profile = acceptedProfile(steps);
  const phones = profile?.person.phones ?? [];
  if (!profile || phones.length === 0) {
    return null;
  }
  const { accepted: kept } = acceptPhones(phones, (request.options as RequestOptions).phone_type ?? 'any');
  return kept.length > 0 ? { provider: profile.provider, phones: kept } : null;
}

/** What {@link Orchestrator.advanceIn} decided, and the step to enqueue once its transaction commits. */
export interface Planned {
  result: AdvanceResult;
  toEnqueue: { step: EnrichmentStep; priority: number } | null;
  /** The request finished here and has a callback URL: its result is to be delivered. */
  callback: boolean;
}

export type AdvanceResult =
  | { action: 'waiting'; goal: string }
  | { action: 'enqueued'; stepId: string; provider: string }
  | { action: 'finished'; status: string }
  | { action: 'skipped'; reason: string };

/**
 * Finishes a request that is still open, unless its result names a person erased from the
 * workspace (`$6`: the result's suppression hashes): then it fails, keeping no result (`$7`: why).
 * The steps settled before the erasure recorded its suppression, and the erasure's deletions may
 * have passed this request while it was still open: the result, built from those steps, would
 * otherwise store the person after the erasure. Asked under the workspace's erasure lock held
 * shared (`sluice_erasure_guard`), as a settlement does, in the same statement.
 */
const FINISH_SQL = preparedSql(
  `WITH guard AS (
     SELECT cardinality($6::text[]) > 0 AND sluice_erasure_guard($2::uuid, $6::text[]) AS suppressed
   )
   UPDATE enrichment_requests r
      SET status = CASE WHEN guard.suppressed THEN 'failed' ELSE $3::text END,
          result = CASE WHEN guard.suppressed THEN NULL ELSE $4::jsonb END,
          error = CASE WHEN guard.suppressed THEN $7::text ELSE $5::text END,
          completed_at = now(), updated_at = now()
     FROM guard
    WHERE r.id = $1 AND r.workspace_id IS NOT DISTINCT FROM $2 -- see WORKSPACE_BESIDE_KEY (libs/db/src/prepared.ts)
      AND r.status NOT IN ('completed', 'failed', 'cancelled')
   RETURNING guard.suppressed`,
);

/** Why a request whose result named a person erased meanwhile failed (see FINISH_SQL). */
const ERASED_RESULT_ERROR =
  'suppressed: the result names a person erased from this workspace; it was not kept';

/**
 * The work e-mail of the request's accepted profile when its e-mail goal accepts it (a catch-all
 * address only when the request allows one), with the provider that gave it; null otherwise. The
 * lookup that gave the profile was paid for the address too (Apollo's match and RocketReach's
 * lookup return it with the person): buying it again from a finder would pay twice.
 */
function profileEmail(
  request: EnrichmentRequest,
  steps: readonly EnrichmentStep[],
): { provider: string; email: FoundEmail } | null {
  const profile = acceptedProfile(steps);
  if (!profile) {
    return null;
  }
  const work = acceptedWorkEmail(profile.person.emails, {
    acceptCatchAll: (request.options as RequestOptions).accept_catch_all ?? false,
    domain: (request.input as RequestInput).domain,
  });
  return work ? { provider: profile.provider, email: work } : null;
}

/** Whether an error is the unique `(request_id, seq)` index refusing a step another planner wrote first. */
function isDuplicateStep(error: unknown): boolean {
  return isUniqueViolation(error, 'uq_enrichment_steps_request_seq');
}

/** Confidence of a verification verdict: a verifier checks the mailbox, a finder only guesses. */
const VERIFIER_CONFIDENCE = 0.95;

/** A finder's e-mail as merge input, with the confidence the provider gave the address, if any. */
function emailAnswer(provider: string, found: FoundEmail): ProviderAnswer {
  return { provider, fields: emailFields(found), confidence: emailConfidence(found) };
}

/** An accepted answer: a completed step without a rejection reason. */
function accepted(step: EnrichmentStep): boolean {
  return step.state === 'completed' && step.reason === null && step.output !== null;
}

/** The reason of an e-mail answer its request's verification found catch-all, as a finder's is. */
const VERIFIED_CATCH_ALL = 'rejected: catch_all';

/**
 * Whether `step`, an e-mail goal's answer, was since verified catch-all by the request's own
 * verification (`options.verify`) while the request does not accept catch-all: the finder gave the
 * address no verdict of its own, so it was accepted, but the verifier's verdict is the one that
 * counts. The goal is then unmet, as if the finder had said catch-all itself.
 */
function verifiedCatchAll(
  request: EnrichmentRequest,
  steps: readonly EnrichmentStep[],
  step: EnrichmentStep,
): boolean {
  if (!step.goal.startsWith('email') || (request.options as RequestOptions).accept_catch_all) {
    return false;
  }
  const address = typeof step.output?.email === 'string' ? step.output.email.toLowerCase() : null;
  const verifyGoal = `verify${step.goal.slice('email'.length)}`;
  return (
    address !== null &&
    steps.some(
      (check) =>
        check.goal === verifyGoal &&
        accepted(check) &&
        check.output?.verdict === 'catch_all' &&
        typeof check.output.email === 'string' &&
        check.output.email.toLowerCase() === address,
    )
  );
}

/** A goal's answer that stands: accepted when it came, and not refused by a verification since. */
function standing(
  request: EnrichmentRequest,
  steps: readonly EnrichmentStep[],
  goalId: string,
): EnrichmentStep | undefined {
  return steps.find(
    (step) => step.goal === goalId && accepted(step) && !verifiedCatchAll(request, steps, step),
  );
}

/**
 * What a goal lacks to be asked of any provider (then no step is planned for it, and the result
 * says this rather than "no eligible provider"), or null. An earlier goal's answer fills most of
 * these in; when it failed (a refused key, a miss), so does this one.
 */
function missingInput(goal: Goal, input: GoalInput): string | null {
  if (goal.key === 'verify' && !input.email) {
    return 'no e-mail to verify'; // the e-mail goal found none
  }
  if (goal.key === 'domain' && !input.companyName) {
    return 'no company name to search for'; // neither the caller nor the register gave one
  }
  if (goal.officer && !input.person.domain) {
    return 'no company domain'; // nowhere to search the officer's mailbox
  }
  if (goal.key === 'firmographics' && !input.person.domain && !input.companyName) {
    return 'no company domain or name'; // neither the caller nor the person's profile names the company
  }
  return null;
}

/**
 * Turns a request into its waterfalls and chains, one step at a time: for the first goal not yet
 * met it selects the next eligible provider (filters, then ordering), records the providers it
 * skipped and why, writes the step and puts it on the provider's queue. When every goal is met or
 * exhausted it merges the answers into the request's result. Two replicas advancing the same
 * request cannot plan the same step twice: a settlement plans under the request's row lock, and the
 * unique `(request_id, seq)` index refuses a duplicate from a planner without it.
 */
@Injectable()
export class Orchestrator {
  private readonly logger = new Logger(Orchestrator.name);
  private stats: { at: number; table: ProviderStatsTable } | null = null;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly moduleRef: ModuleRef,
    private readonly catalog: ProviderCatalog,
    private readonly guards: PipelineGuards,
    private readonly gate: CreditGate,
    private readonly cache: ResultCache,
    private readonly config: PipelineConfig,
    private readonly callbacks: CallbackConfig,
    private readonly accounts: WorkspaceAccounts,
    providers: ProvidersConfig,
  ) {
    this.sandboxed = new Set(sandboxedProviders(providers));
  }

  /** Providers answered by the provider sandbox: a result with their data says so, always. */
  private readonly sandboxed: ReadonlySet<string>;

  /**
   * Plans the request's next step on its own (a new request, or one the recovery sweep found). No
   * transaction or row lock: every write is one statement, and the unique `(request_id, seq)` index
   * turns a concurrent planner's duplicate into an error, after which the loser plans again from
   * what the winner wrote. (A step's settlement plans under the request lock instead, in its own
   * transaction.)
   */
  async advance(requestId: string, workspaceId: string, correlationId: string): Promise<AdvanceResult> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        const planned = await this.advanceIn(
          this.dataSource.manager,
          requestId,
          workspaceId,
          undefined,
          false,
        );
        await this.enqueue(planned, requestId, workspaceId, correlationId);
        return planned.result;
      } catch (error) {
        if (attempt >= 3 || !isDuplicateStep(error)) {
          throw error;
        }
      }
    }
  }

  /**
   * After a step's settlement: the step it planned in the settling transaction goes on its queue;
   * a settlement that planned nothing (another took the request's lock first) advances the request.
   */
  async proceed(
    planned: Planned | undefined,
    requestId: string,
    workspaceId: string,
    correlationId: string,
  ): Promise<void> {
    if (planned) {
      await this.enqueue(planned, requestId, workspaceId, correlationId);
    } else {
      await this.advance(requestId, workspaceId, correlationId);
    }
  }

  /**
   * Puts the step that {@link advanceIn} planned on its provider's queue. Runs after the transaction
   * commits, so a worker never takes a step it cannot see; the job id derives from the step, so a
   * second enqueue (a retry) is a no-op.
   */
  async enqueue(
    planned: Planned,
    requestId: string,
    workspaceId: string,
    correlationId: string,
  ): Promise<void> {
    // Committed by now: gateways streaming this job's events read it again.
    await publishJobChanged(this.guards.redis, this.guards.queuePrefix, requestId);
    if (planned.callback) {
      const queue = this.moduleRef.get<Queue>(getQueueToken(QUEUE_NAMES.callbacks), { strict: false });
      await queue.add(
        JOB_NAMES.callbackDeliver,
        { requestId, workspaceId },
        callbackJobOptions(requestId, this.callbacks),
      );
    }
    const pending = planned.toEnqueue;
    if (!pending) {
      return;
    }
    await this.enqueueStep(
      pending.step.provider as ProviderName,
      { stepId: pending.step.id, requestId, workspaceId, correlationId },
      pending.priority,
    );
  }

  /**
   * Adds a step's job where it belongs now: on the provider's own-accounts queue, which the
   * platform's credit pause and rate limit leave running, when the workspace calls the provider on
   * its own account; on the platform's queue otherwise. Also how the recovery sweep puts a lost one back.
   */
  async enqueueStep(provider: ProviderName, payload: ProviderStepPayload, priority: number): Promise<void> {
    const own = await this.accounts.hasOwn(payload.workspaceId, provider);
    const queues = stepQueuesOf(this.moduleRef, provider);
    await addStepJob(own ? queues.ownAccounts : queues.platform, payload, priority);
  }

  /**
   * Plans the request's next step with `manager`: inside a settlement's transaction under the
   * request's row lock (`locked`: the request and steps as read under it), so a step settles and the
   * next is planned in one transaction; or on its own (`lock` false, see {@link advance}).
   */
  async advanceIn(
    manager: EntityManager,
    requestId: string,
    workspaceId: string,
    locked?: RequestWithSteps,
    lock = true,
  ): Promise<Planned> {
    let toEnqueue: { step: EnrichmentStep; priority: number } | null = null;
    let callback = false;
    // Every way the plan finishes a request goes through here, so none of them misses its callback.
    const finish = async (
      request: EnrichmentRequest,
      status: 'completed' | 'failed',
      result: Record<string, unknown> | null,
      error: string | null,
    ): Promise<void> => {
      if ((await this.finish(manager, request, status, result, error)) && request.callbackUrl) {
        callback = true;
      }
    };
    const result = await (async (): Promise<AdvanceResult> => {
      const loaded = locked ?? (await loadRequestWithSteps(manager, requestId, workspaceId, lock));
      if (!loaded) {
        return { action: 'skipped', reason: 'request not found' };
      }
      const { request, steps } = loaded;
      if ((TERMINAL as readonly string[]).includes(request.status)) {
        return { action: 'skipped', reason: `request already ${request.status}` };
      }
      if (!isSupportedRequestType(request.type)) {
        await finish(request, 'failed', null, `unsupported request type ${request.type}`);
        return { action: 'finished', status: 'failed' };
      }
      const input = request.input as RequestInput;
      const goals = this.goalsFor(request, steps);
      // A person erased from the workspace (an answer named them): nothing more is asked about them.
      const erased = steps.some((step) => step.reason === 'suppressed');
      for (const goal of goals) {
        const goalSteps = steps.filter((step) => step.goal === goal.id);
        if (goalSteps.some((step) => step.state === 'pending')) {
          return { action: 'waiting', goal: goal.id };
        }
        if (erased) {
          break;
        }
        const answer = standing(request, steps, goal.id);
        // A verification stands for the address it checked: another one found since (the first
        // refused as catch-all) is verified again.
        if (answer && (goal.key !== 'verify' || this.verifies(request, steps, goal, answer))) {
          const stop =
            request.type === 'company.officer_emails' && goal.key === 'company' && answer.output
              ? chainStopReason(answer.output)
              : null;
          if (stop) {
            // Nobody at a company that no longer trades, or is striking off, is worth a credit: stop
            // before any is spent. The request has finished all the same, so its callback goes as
            // for any other.
            await finish(
              request,
              'completed',
              { ...this.result(request, goals, steps, stop), stopped: stop },
              null,
            );
            return { action: 'finished', status: 'completed' };
          }
          continue;
        }
        if (goal.key === 'phone' && profilePhones(request, steps)) {
          continue; // the person's profile already gave a number the goal accepts: none is bought
        }
        if (goal.key === 'email' && !goal.officer && profileEmail(request, steps)) {
          continue; // the person's profile already gave a work e-mail the goal accepts: none is bought
        }
        const goalInput = this.goalInput(request, steps, goal);
        if (missingInput(goal, goalInput)) {
          continue; // nothing to ask a provider with: the result says what was missing
        }
        const { next, skipped } = await this.nextProvider(request, goal, goalSteps, steps, goalInput);
        if (next) {
          // The providers skipped and the step planned, and the request marked running: one statement.
          const rows = await insertSteps(
            manager,
            requestId,
            [
              ...skipped,
              {
                request_id: requestId,
                workspace_id: workspaceId,
                seq: this.nextSeq(steps) + skipped.length,
                goal: goal.id,
                provider: next,
                operation: goal.operation,
                cache_key: cacheKeyOf(next, goal.operation, this.cacheInput(goal, goalInput)),
              },
            ],
            request.status === 'queued',
          );
          const step = rows.at(-1);
          if (!step) {
            return { action: 'skipped', reason: 'request finished meanwhile' };
          }
          steps.push(...rows);
          toEnqueue = { step, priority: JOB_PRIORITY[request.priority] };
          return { action: 'enqueued', stepId: step.id, provider: next };
        }
        if (skipped.length > 0) {
          const rows = await insertSteps(manager, requestId, skipped, false);
          if (rows.length === 0) {
            return { action: 'skipped', reason: 'request finished meanwhile' };
          }
          steps.push(...rows);
        }
        if (goal.required) {
          const last = goalSteps.at(-1);
          const message =
            last?.reason === 'not_found' && goal.key === 'company'
              ? `Company ${input.company_number ?? ''} was not found at Companies House.`
              : last?.reason === 'not_found' && goal.key === 'officers'
                ? `Company ${input.company_number ?? ''} has no officers at Companies House.`
                : (last?.error ?? `${goal.operation}: ${last?.reason ?? 'no eligible provider'}`);
          await finish(request, 'failed', this.result(request, goals, steps), message);
          return { action: 'finished', status: 'failed' };
        }
      }
      await finish(request, 'completed', this.result(request, goals, steps), null);
      return { action: 'finished', status: 'completed' };
    })();
    return {
      result,
      toEnqueue: toEnqueue as { step: EnrichmentStep; priority: number } | null,
      callback,
    };
  }

  /**
   * The request's goals; a chain's per-officer goals appear once the officers goal has its answer.
   * Unknown types have none (the caller finishes them).
   */
  goalsFor(request: EnrichmentRequest, steps: readonly EnrichmentStep[]): Goal[] {
    if (!isSupportedRequestType(request.type)) {
      return [];
    }
    const officers =
      request.type === 'company.officer_emails'
        ? (steps.find((step) => step.goal === 'officers' && accepted(step))?.output?.officers as
            Record<string, unknown>[] | undefined)
        : undefined;
    return goalsOf(request.type, request.input, request.options, {
      officers: officers ?? null,
    });
  }

  /** Whether a verification's answer checked the address its goal verifies now. */
  private verifies(
    request: EnrichmentRequest,
    steps: readonly EnrichmentStep[],
    goal: Goal,
    answer: EnrichmentStep,
  ): boolean {
    const address = this.goalInput(request, steps, goal).email;
    const checked = answer.output?.email;
    return (
      address === undefined || typeof checked !== 'string' || checked.toLowerCase() === address.toLowerCase()
    );
  }

  /**
   * What a goal's call needs: the request's identifiers plus earlier goals' accepted answers. A
   * chain's officer goal asks for that officer at the company's domain (the caller's, or the one the
   * domain goal found).
   */
  goalInput(request: EnrichmentRequest, steps: readonly EnrichmentStep[], goal?: Goal): GoalInput {
    const input = request.input as RequestInput;
    const answer = (id: string): Record<string, unknown> | null =>
      standing(request, steps, id)?.output ?? null;
    const company = answer('company');
    const officer = goal?.officer;
    if (officer) {
      const found = answer(`email:${officer.key}`);
      return {
        companyNumber: input.company_number,
        companyName: (company?.company_name as string | undefined) ?? input.company_name,
        email: found?.email as string | undefined,
        person: {
          firstName: officer.firstName,
          lastName: officer.lastName,
          domain: input.domain ?? (answer('domain')?.domain as string | undefined),
          companyName: (company?.company_name as string | undefined) ?? input.company_name,
        },
      };
    }
    const email = answer('email');
    if (goal?.key === 'firmographics') {
      // The caller's company identifiers, else the company the person's profile names.
      const person = acceptedProfile(steps)?.person;
      return {
        companyName: input.company_name ?? person?.companyName ?? undefined,
        person: { domain: input.domain ?? person?.companyDomain ?? undefined },
      };
    }
    const person: PersonQuery = {
      firstName: input.first_name,
      lastName: input.last_name,
      fullName: input.full_name,
      email: input.email,
      domain: input.domain,
      companyName: input.company_name,
      linkedinUrl: input.linkedin_url,
      phone: input.phone,
    };
    // Only for a person the caller did not name, or named without a domain.
    const named = namesPerson(input);
    const profile =
      goal?.key === 'phone' && (!named || !input.domain) ? acceptedProfile(steps)?.person : undefined;
    return {
      companyNumber: input.company_number,
      companyName: input.company_name ?? (company?.company_name as string | undefined),
      // What a verification checks: the caller's address, else the one the e-mail goal found, or
      // the profile's when the e-mail goal bought none for it.
      email: input.email ?? (email?.email as string | undefined) ?? profileEmail(request, steps)?.email.email,
      person: profile ? withProfile(person, profile, named) : person,
    };
  }

  /** The identifiers a goal's call depends on: the cache key is built from these only. */
  cacheInput(goal: Goal, input: GoalInput): Record<string, unknown> {
    switch (goal.key) {
      case 'company':
      case 'officers':
        return { company_number: input.companyNumber };
      case 'domain':
        return { company_name: input.companyName };
      case 'verify':
        return { email: input.email };
      case 'firmographics':
        return firmographicsQuestion(input.person.domain, input.companyName);
      default: {
        // One person named two ways (`first_name` + `last_name`, or `full_name`) is one question,
        // as the store already treats it (`fullName ?? first + ' ' + last`): the same key, so
        // identical calls in flight coalesce instead of each paying the provider.
        const { firstName, lastName, fullName } = input.person;
        const joined = !fullName && firstName?.trim() && lastName?.trim() ? `${firstName} ${lastName}` : null;
        return {
          first_name: joined ? undefined : firstName,
          last_name: joined ? undefined : lastName,
          full_name: joined ?? fullName,
          email: input.person.email,
          domain: input.person.domain,
          company_name: input.person.companyName,
          linkedin_url: input.person.linkedinUrl,
          phone: input.person.phone,
        };
      }
    }
  }

  private nextSeq(steps: readonly EnrichmentStep[]): number {
    return steps.reduce((max, step) => Math.max(max, step.seq + 1), 0);
  }

  /** Selects the goal's next provider, and the skipped-provider rows still to record (once each). */
  private async nextProvider(
    request: EnrichmentRequest,
    goal: Goal,
    goalSteps: readonly EnrichmentStep[],
    steps: readonly EnrichmentStep[],
    goalInput: GoalInput,
  ): Promise<{ next: ProviderName | null; skipped: NewStep[] }> {
    const options = request.options as RequestOptions;
    const stats = this.config.ordering === 'cost_per_success' ? await this.providerStats() : null;
    const segments = stats ? this.segmentsOf(request.input, steps) : [];
    // Which figures price each candidate (kept for the debug line below).
    const choices = new Map<string, StatsChoice>();
    const domain = goalInput.person.domain;
    const catchAllDomain =
      goal.key === 'email' && !options.accept_catch_all && domain
        ? await this.cache.isCatchAll(request.workspaceId, domain)
        : false;
    // What the shared guards say of each candidate, read concurrently (all Redis, all cheap).
    const relevant = this.catalog
      .candidatesFor(goal.capability)
      .filter(({ settings }) => servesGoal(settings.name, goal));
    const candidates: ProviderCandidate[] = await Promise.all(
      relevant.map(async ({ settings, cost }): Promise<ProviderCandidate> => {
        const paid = cost.credits > 0;
        // The workspace's own account at the provider, if it stored credentials: its calls go with
        // those (the platform's may be absent), spend its credits (the platform's balance says
        // nothing of them) and count in its own rate window, as the step runner makes them. A row
        // that cannot be opened counts as an account: its step fails saying why, rather than
        // quietly spending the platform's credits.
        const ownAccount = this.accounts.hasOwn(request.workspaceId, settings.name);
        // The budget of this goal's operation (and of the free call it makes first, if any): a
        // provider whose lookups are used up may still search.
        const calls = this.catalog
          .callRulesFor(settings.name, request.tier, goal.capability)
          .filter((rules) => rules.length > 0);
        // Read alongside the account lookup (cached per workspace), each read that depends on it
        // chained to it.
        const [own, snapshot, remaining, paused, circuit] = await Promise.all([
          ownAccount,
          paid
            ? ownAccount.then((isOwn) => (isOwn ? null : this.guards.wallet.snapshot(settings.name)))
            : null,
          calls.length > 0
            ? ownAccount.then((isOwn) =>
                Promise.all(
                  calls.map((rules) =>
                    this.guards.limiter.remaining(
                      isOwn ? `${settings.name}:workspace:${request.workspaceId}` : settings.name,
                      rules,
                    ),
                  ),
                ).then((lefts) => Math.min(...lefts.flatMap((left) => Object.values(left)))),
              )
            : null,
          // An operator's pause stops calls on every account, free ones too; a pause for credits is
          // the platform's and only about paid calls (a step on an own account goes on a queue the
          // pause leaves running).
          this.gate.pauseOf(settings.name),
          this.guards.circuits.state(settings.name),
        ]);
        return {
          name: settings.name,
          cost: cost.credits,
          chargedOnMiss: cost.chargedOnMiss,
          enabled: settings.enabled,
          hasCredentials: settings.hasCredentials || own,
          creditsBalance: snapshot?.balance ?? null,
          paused: paid && !own && paused !== null && paused.manual !== true,
          pausedByOperator: paused?.manual === true,
          circuit,
          rateBudgetLeft: remaining,
          minimumTier: settings.minimumTier,
          priority: settings.priority,
          stats: stats ? this.choose(choices, stats, settings.name, goal.operation, segments) : null,
          chargesForRejected: chargesForRejected(goal, options.phone_type, cost),
          lacksInput:
            PERSON_CAPABILITIES.has(goal.capability) &&
            personInputProblem(settings.name, goalInput.person) !== null,
        };
      }),
    );
    const spent = steps.reduce((sum, step) => sum + Number(step.credits), 0);
    const selection = selectProviders(candidates, {
      tier: request.tier,
      ordering: this.config.ordering,
      budgetLeft: request.maxCredits === null ? null : Number(request.maxCredits) - spent,
      tried: goalSteps.map((step) => step.provider),
      waitForCredits: options.wait_for_credits ?? this.config.waitForCreditsDefault,
      catchAllDomain,
      // The e-mail goal is planned only when the person's profile gave no work address it accepts
      // (see advanceIn): the profile's provider, asked again, returns that same profile.
      profileProvider:
        goal.key === 'email' && !goal.officer ? (acceptedProfile(steps)?.provider ?? null) : null,
    });
    const recorded = new Set(goalSteps.map((step) => step.provider));
    const skipped = selection.skipped.filter(
      (skip: { name: string; reason: SkipReason }) =>
        skip.reason !== 'already_tried' && !recorded.has(skip.name),
    );
    const first = this.nextSeq(steps);
    const rows: NewStep[] = skipped.map((skip, index) => ({
      request_id: request.id,
      workspace_id: request.workspaceId,
      seq: first + index,
      goal: goal.id,
      provider: skip.name,
      operation: goal.operation,
      state: 'skipped',
      reason: skip.reason,
    }));
    const next = selection.ordered[0];
    if (stats) {
      // Which figures priced each candidate: the request's segment's, the operation's, or the prior alone.
      this.logger.debug({
        msg: 'measured ordering',
        requestId: request.id,
        goal: goal.id,
        operation: goal.operation,
        segments,
        candidates: selection.ordered.map((c) => {
          const choice = choices.get(c.name);
          return {
            provider: c.name,
            basis: choice?.segment ?? choice?.basis ?? 'none',
            calls: choice?.stats?.calls ?? 0,
            expectedCostPerSuccess: expectedCostPerSuccess(c),
          };
        }),
      });
    }
    return { next: next ? (next.name as ProviderName) : null, skipped: rows };
  }

  /** The figures `provider` is priced with (see `chooseStats`), remembered in `choices`. */
  private choose(
    choices: Map<string, StatsChoice>,
    table: ProviderStatsTable,
    provider: string,
    operation: string,
    segments: readonly string[],
  ): ProviderStats | null {
    const choice = chooseStats(table, provider, operation, segments, this.config.segmentMinCalls);
    choices.set(provider, choice);
    return choice.stats;
  }

  /**
   * The segments of the request known before its next goal runs (see `requestSegments`): from its
   * input and its own accepted profile, firmographics and phone answers.
   */
  private segmentsOf(input: RequestInput, steps: readonly EnrichmentStep[]): string[] {
    const answer = (id: string): Record<string, unknown> | null =>
      steps.find((step) => step.goal === id && accepted(step))?.output ?? null;
    return requestSegments(input, {
      person: answer('profile')?.person as Person | undefined,
      firmographics: answer('firmographics')?.company as Firmographics | undefined,
      phones: answer('phone')?.phones as FoundPhone[] | undefined,
    });
  }

  /**
   * Cost and success over the last 7 days of provider calls (cached for a minute), the measured
   * ordering's input: per provider and operation, and per provider, operation and segment. A
   * step's segments are those of its request once finished: the industry and country its result
   * gives (`data`, which `enrich` fills only with the fields asked, else its firmographics, person
   * or first phone, the same answers `requestSegments` reads while the request runs). Only segments
   * with PIPELINE_SEGMENT_MIN_CALLS calls are loaded, at most PIPELINE_SEGMENT_MAX_ROWS of them.
   */
  private async providerStats(): Promise<ProviderStatsTable> {
    if (this.stats && Date.now() - this.stats.at < 60_000) {
      return this.stats.table;
    }
    type Row = {
      provider: string;
      operation: string;
      segment: string;
      calls: string;
      hits: string;
      credits: string;
    };
    const figures = (row: Row): ProviderStats => ({
      calls: Number(row.calls),
      hits: Number(row.hits),
      credits: Number(row.credits),
    });
    const fold = (value: string): string =>
      `NULLIF(lower(regexp_replace(btrim(${value}), '\\s+', ' ', 'g')), '')`;
    const [operations, segments] = await Promise.all([
      this.dataSource.query<Row[]>(
        `SELECT provider, operation,
                count(*) AS calls,
                count(*) FILTER (WHERE state = 'completed' AND reason IS NULL) AS hits,
                coalesce(sum(credits), 0) AS credits
           FROM enrichment_steps
          WHERE state IN ('completed', 'failed') AND cached = false
            AND completed_at > now() - interval '7 days'
          GROUP BY provider, operation`,
      ),
      this.config.segmentMaxRows === 0
        ? Promise.resolve([] as Row[])
        : this.dataSource.query<Row[]>(
            `SELECT s.provider, s.operation, seg.segment,
                    count(*) AS calls,
                    count(*) FILTER (WHERE s.state = 'completed' AND s.reason IS NULL) AS hits,
                    coalesce(sum(s.credits), 0) AS credits
               FROM enrichment_steps s
               JOIN enrichment_requests r ON r.id = s.request_id
              CROSS JOIN LATERAL (VALUES
                      ('industry:' || ${fold(
                        `COALESCE(NULLIF(r.result->'data'->>'industry', ''), r.result->'firmographics'->>'industry')`,
                      )}),
                      ('country:' || ${fold(
                        `COALESCE(NULLIF(r.result->'data'->>'country', ''),
                                  NULLIF(r.result->'firmographics'->'location'->>'country', ''),
                                  NULLIF(r.result->'person'->'location'->>'country', ''),
                                  r.result->'phones'->0->>'country')`,
                      )})
                    ) AS seg(segment)
              WHERE s.state IN ('completed', 'failed') AND s.cached = false
                AND s.completed_at > now() - interval '7 days'
                AND r.status IN ('completed', 'failed') AND jsonb_typeof(r.result) = 'object'
                AND seg.segment IS NOT NULL
              GROUP BY 1, 2, 3
             HAVING count(*) >= $1
              ORDER BY calls DESC, 1, 2, 3
              LIMIT $2`,
            [this.config.segmentMinCalls, this.config.segmentMaxRows],
          ),
    ]);
    const table: ProviderStatsTable = {
      byOperation: new Map(operations.map((row) => [statsKey(row.provider, row.operation), figures(row)])),
      bySegment: new Map(
        segments.map((row) => [statsKey(row.provider, row.operation, row.segment), figures(row)]),
      ),
    };
    this.stats = { at: Date.now(), table };
    return table;
  }

  /** The request's answer: each goal's accepted output, and for people the merged fields. */
  /**
   * The request's result. `stopped` (why a chain stopped early) is the reason given for the goals
   * it never tried: their providers were not wanting, the company was.
   */
  private result(
    request: EnrichmentRequest,
    goals: readonly Goal[],
    steps: readonly EnrichmentStep[],
    stopped?: string,
  ): Record<string, unknown> {
    const result: Record<string, unknown> = {};
    const answers: ProviderAnswer[] = [];
    // `enrich` answers exactly the fields asked (null when unknown); other types every field known.
    const requested = request.type === 'enrich' ? ((request.options as RequestOptions).fields ?? []) : null;
    const input = request.input as RequestInput;
    if (requested?.includes('business_email') && input.email) {
      // The caller gave the address (only its verification was looked for): it is theirs to source.
      answers.push({
        provider: 'input',
        fields: { business_email: input.email },
        confidence: { business_email: 1 },
      });
    }
    const unresolved: UnresolvedGoal[] = [];
    // Goals left untried because an answer named a person erased from the workspace.
    const erased = steps.some((step) => step.reason === 'suppressed');
    const attribution = new Set<string>();
    let sandbox = false;
    const officerEmails = new Map<string, Record<string, unknown>>();
    for (const goal of goals) {
      const step = standing(request, steps, goal.id);
      const officer = goal.officer;
      if (officer && !officerEmails.has(officer.key)) {
        officerEmails.set(officer.key, {
          officer_key: officer.key,
          name: officer.name,
          role: officer.role,
          email: null,
        });
      }
      const fromProfile = goal.key === 'phone' && !step ? profilePhones(request, steps) : null;
      if (fromProfile) {
        sandbox ||= this.sandboxed.has(fromProfile.provider);
        result.phones = fromProfile.phones.map((phone) => resultPhone(phone, fromProfile.provider));
        answers.push({ provider: fromProfile.provider, fields: phoneFields(fromProfile.phones) });
        continue;
      }
      const emailFromProfile =
        goal.key === 'email' && !officer && !step ? profileEmail(request, steps) : null;
      if (emailFromProfile) {
        const { provider, email } = emailFromProfile;
        sandbox ||= this.sandboxed.has(provider);
        result.email = { ...email, source: provider };
        answers.push(emailAnswer(provider, email));
        continue;
      }
      if (!step?.output) {
        // A miss the sandbox answered is the sandbox's answer too: it is marked as one.
        sandbox ||= steps.some(
          (s) => s.goal === goal.id && s.state !== 'skipped' && this.sandboxed.has(s.provider),
        );
        const last = [...steps].reverse().find((s) => s.goal === goal.id);
        const reason =
          (steps.some((s) => s.goal === goal.id && verifiedCatchAll(request, steps, s))
            ? VERIFIED_CATCH_ALL
            : null) ??
          last?.reason ??
          last?.error ??
          stopped ??
          (erased ? 'suppressed' : null) ??
          missingInput(goal, this.goalInput(request, steps, goal)) ??
          'no eligible provider';
        // The providers that could not be asked, or could not answer, for a reason that passes: the
        // goal's reason (its last step's, often `not_found`) does not say that asking again later
        // may find what this request did not.
        const later = steps
          .filter((s) => s.goal === goal.id && s.reason !== null && PASSING_REASONS.has(s.reason))
          .map((s) => ({ provider: s.provider, reason: s.reason as string }));
        unresolved.push(
          later.length > 0 ? { goal: goal.id, reason, retry_later: later } : { goal: goal.id, reason },
        );
        if (officer && goal.key === 'email') {
          (officerEmails.get(officer.key) as Record<string, unknown>).reason = reason;
        }
        continue;
      }
      const output = step.output;
      // An answer from the store names the provider that found it.
      const source = sourceOf(step);
      if (source === 'rocketreach') {
        attribution.add(ROCKETREACH_ATTRIBUTION);
      }
      if (this.sandboxed.has(source) || this.sandboxed.has(step.provider)) {
        sandbox = true;
      }
      if (officer) {
        // A chain's officer answers stay with their officer: they are not one person's data to merge.
        const entry = officerEmails.get(officer.key) as Record<string, unknown>;
        if (goal.key === 'email') {
          Object.assign(entry, { email: output.email, email_verdict: output.verdict ?? null, source });
        } else {
          entry.verification = { verdict: output.verdict, raw: output.raw ?? null, source };
        }
        continue;
      }
      switch (goal.key) {
        case 'company':
          result.company = withoutFoundBy(output);
          break;
        case 'officers':
          result.officers = output.officers;
          break;
        case 'domain':
          result.domain = { ...withoutFoundBy(output), source };
          break;
        case 'email':
          result.email = { ...withoutFoundBy(output), source };
          answers.push(emailAnswer(source, output as unknown as FoundEmail));
          break;
        case 'phone':
          result.phones = ((output.phones as FoundPhone[]) ?? []).map((phone) => resultPhone(phone, source));
          answers.push({ provider: source, fields: phoneFields(output.phones as FoundPhone[]) });
          break;
        case 'profile':
          result.person = output.person;
          // The addresses' own confidence, as an e-mail finder's: the store keeps it with the person
          // and answers a later e-mail question with it.
          answers.push({
            provider: source,
            fields: personFields(output.person as Person),
            confidence: personConfidence(output.person as Person),
          });
          break;
        case 'firmographics':
          result.firmographics = output.company;
          answers.push({
            provider: source,
            fields: firmographicsFields(output.company as Firmographics),
          });
          break;
        case 'verify':
          // A verdict read from the store names the verifier that gave it (`found_by`), as `source`.
          result.verification = { ...withoutFoundBy(output), source };
          // A verifier's verdict outranks the finder's own guess at deliverability.
          answers.push({
            provider: source,
            fields: { email_status: output.verdict },
            confidence: { email_status: VERIFIER_CONFIDENCE },
          });
          break;
      }
    }
    if (officerEmails.size > 0) {
      result.officer_emails = [...officerEmails.values()];
    }
    if (answers.length > 0 || requested) {
      const merged = mergeAnswers(answers, requested);
      result.data = merged.data;
      result.sources = merged.sources;
      result.confidence = merged.confidence;
    }
    if (unresolved.length > 0) {
      result.unresolved = unresolved;
    }
    if (attribution.size > 0) {
      result.attribution = [...attribution];
    }
    if (sandbox) {
      // Carried with the result into the job, its callback, exports and batches, as with attribution.
      result.sandbox = true;
      result.notice = SANDBOX_NOTICE;
    }
    result.credits_spent = roundCredits(steps.reduce((sum, step) => sum + Number(step.credits), 0));
    return result;
  }

  private async finish(
    manager: EntityManager,
    request: EnrichmentRequest,
    status: 'completed' | 'failed',
    result: Record<string, unknown> | null,
    error: string | null,
  ): Promise<boolean> {
    const [rows] = await queryPrepared<[{ suppressed: boolean }[], number]>(manager, FINISH_SQL, [
      request.id,
      request.workspaceId,
      status,
      result === null ? null : JSON.stringify(result),
      error,
      result === null ? [] : suppressionHashesIn(result),
      ERASED_RESULT_ERROR,
    ]);
    const [finished] = rows;
    if (finished) {
      this.logger.log(
        finished.suppressed
          ? { msg: 'request failed', requestId: request.id, type: request.type, error: ERASED_RESULT_ERROR }
          : { msg: `request ${status}`, requestId: request.id, type: request.type, error },
      );
    }
    return finished !== undefined;
  }
}
