/**
 * Pure scoring of the credit-efficiency benchmark: what the pipeline spent and found, next to two
 * baselines computed from the sandbox's answer key (which provider knows which person's e-mail and
 * phone, and the truth about each work address) and the providers' own cost tables (`descriptorOf`,
 * the same tables the planner reads). Pipeline and baselines count an answer as found only when the
 * goal accepts it, by the pipeline's own rule judged on the answer key's truth ({@link rejectionOf}).
 */
import { acceptEmail, EMAIL_VERDICTS, type EmailVerdict } from '@sluice/enrichment';
import { descriptorOf, type CapabilityCost } from '@sluice/providers';
import type { WorldPerson } from '../../test/support/sandbox-world';

export type GoalName = 'email' | 'phone';

/** The waterfall of each goal: the providers the pipeline may call for it. */
export const GOAL_PROVIDERS: Record<GoalName, readonly string[]> = {
  email: ['snov', 'apollo', 'rocketreach'],
  phone: ['orion-connect', 'astra-dialer', 'nimbus-lookup'],
};

const GOAL_CAPABILITY = { email: 'find_work_email', phone: 'find_phone' } as const;

/** A provider's price for the goal's capability, from its descriptor. */
export function costOf(provider: string, goal: GoalName): CapabilityCost {
  const cost = descriptorOf(provider)?.capabilities[GOAL_CAPABILITY[goal]];
  if (!cost) {
    throw new Error(
      `${provider} lists no ${GOAL_CAPABILITY[goal]} cost: the benchmark's provider list is stale`,
    );
  }
  return cost;
}

/** What the answer key says each provider returns for a person and goal (provider → value). */
export function knownBy(person: WorldPerson, goal: GoalName): Record<string, string> {
  const all = goal === 'email' ? person.emails : person.phones;
  const known: Record<string, string> = {};
  for (const provider of GOAL_PROVIDERS[goal]) {
    const value = all[provider];
    if (value) {
      known[provider] = value;
    }
  }
  return known;
}

/** The request options the goals' acceptance rules read (the benchmark sends no others). */
export interface GoalOptions {
  /** `options.accept_catch_all` of the e-mail jobs. */
  acceptCatchAll: boolean;
}

/**
 * Why the goal would refuse `value` as the answer for `person`, judged on the answer key; `null`
 * when it accepts it.
 *
 * E-mail: `person.email` asks for the work address (the finders' `find_work_email` returns a miss
 * when a provider holds only a personal one), so any other address is refused; the work address
 * then goes through the pipeline's own rule, `acceptEmail`, with the answer key's truth about it
 * (`email_status`) as the verdict — never `invalid`, `catch_all` only with `accept_catch_all`. The
 * pipeline itself applies that rule to the verdict the finder gives, which can differ from the truth.
 *
 * Phone: the benchmark asks the default `phone_type: any`, which accepts every valid E.164 number,
 * and every number of the answer key is one, so every answer is acceptable.
 */
export function rejectionOf(
  person: WorldPerson,
  goal: GoalName,
  value: string,
  options: GoalOptions,
): string | null {
  if (goal === 'phone') {
    return null;
  }
  if (value !== person.email) {
    return 'not the work address';
  }
  const truth = person.email_status;
  if (!(EMAIL_VERDICTS as readonly string[]).includes(truth)) {
    throw new Error(`answer key: email_status ${JSON.stringify(truth)} of ${person.person_id} is no verdict`);
  }
  const verdict = acceptEmail(
    { email: value, kind: 'work', verdict: truth as EmailVerdict, confidence: null },
    { acceptCatchAll: options.acceptCatchAll },
  );
  return verdict.accepted ? null : (verdict.reason ?? 'not accepted');
}

/** The providers whose answer for the person the goal would accept (provider → value). */
export function acceptableBy(
  person: WorldPerson,
  goal: GoalName,
  options: GoalOptions,
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(knownBy(person, goal)).filter(
      ([, value]) => rejectionOf(person, goal, value, options) === null,
    ),
  );
}

export interface Baseline {
  hits: number;
  credits: number;
}

/**
 * Whether calling the provider for the person costs credits, as the provider charges: one that
 * charges misses always; the others when they return what they charge for, accepted or not.
 * RocketReach charges a lookup whose profile holds an e-mail or a phone graded A or A- (its credits
 * FAQ), whether or not it holds the part asked for: the sandbox grades a work address A only when it
 * is valid (B otherwise), a personal one A-, a phone A. So an e-mail lookup of someone it knows only
 * a phone of is a charged miss, and one whose work address is invalid or catch-all is a free answer.
 */
export function pays(provider: string, person: WorldPerson, goal: GoalName): boolean {
  if (costOf(provider, goal).chargedOnMiss) {
    return true;
  }
  if (provider === 'rocketreach') {
    const email = person.emails.rocketreach;
    const gradedA = email !== undefined && (email !== person.email || person.email_status === 'valid');
    return gradedA || Boolean(person.phones.rocketreach);
  }
  return provider in knownBy(person, goal);
}

/**
 * Every provider called for every person, paying as it charges ({@link pays}). A hit is a person at
 * least one provider gives an answer the goal accepts.
 */
export function naive(people: readonly WorldPerson[], goal: GoalName, options: GoalOptions): Baseline {
  let hits = 0;
  let credits = 0;
  for (const person of people) {
    if (Object.keys(acceptableBy(person, goal, options)).length > 0) {
      hits += 1;
    }
    for (const provider of GOAL_PROVIDERS[goal]) {
      if (pays(provider, person, goal)) {
        credits += costOf(provider, goal).credits;
      }
    }
  }
  return { hits, credits };
}

/**
 * The answer-key optimum: for each person only the cheapest provider whose answer the goal accepts;
 * nobody else (0 credits and not found when no provider's answer would be accepted).
 */
export function best(people: readonly WorldPerson[], goal: GoalName, options: GoalOptions): Baseline {
  let hits = 0;
  let credits = 0;
  for (const person of people) {
    const prices = Object.keys(acceptableBy(person, goal, options)).map(
      (provider) => costOf(provider, goal).credits,
    );
    if (prices.length > 0) {
      hits += 1;
      credits += Math.min(...prices);
    }
  }
  return { hits, credits };
}

function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) {
    return [[...items]];
  }
  return items.flatMap((item, i) =>
    permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]),
  );
}

/**
 * The cheapest waterfall a planner without the answer key could run: one fixed provider order for
 * everybody, stopping at the first provider whose answer the goal accepts. A provider that returns
 * an answer the goal refuses is paid (like a miss of a provider that charges misses) and the
 * waterfall moves on. Every order reaches the same hit rate; this is the one that pays least,
 * priced like {@link naive}.
 */
export function bestFixedOrder(
  people: readonly WorldPerson[],
  goal: GoalName,
  options: GoalOptions,
): Baseline & { order: string[] } {
  let cheapest: (Baseline & { order: string[] }) | null = null;
  for (const order of permutations(GOAL_PROVIDERS[goal])) {
    let hits = 0;
    let credits = 0;
    for (const person of people) {
      const known = knownBy(person, goal);
      for (const provider of order) {
        if (pays(provider, person, goal)) {
          credits += costOf(provider, goal).credits;
        }
        if (provider in known && rejectionOf(person, goal, known[provider], options) === null) {
          hits += 1;
          break;
        }
      }
    }
    if (!cheapest || credits < cheapest.credits) {
      cheapest = { hits, credits, order };
    }
  }
  return cheapest ?? { hits: 0, credits: 0, order: [] };
}

/** One step of a job as `GET /v1/jobs/:id` shows it. */
export interface StepView {
  seq: number;
  goal: string;
  provider: string;
  state: string;
  reason: string | null;
  cached: boolean;
  credits: number;
  error: string | null;
}

/** The part of a job view the benchmark reads. */
export interface JobView {
  id: string;
  type: string;
  status: string;
  error: string | null;
  result: {
    email?: { email?: string; source?: string };
    phones?: { number?: string; source?: string }[];
    credits_spent?: number;
  } | null;
  credits_spent: number;
  steps: StepView[];
}

/** A finished job of one person and goal. */
export interface Outcome {
  person: WorldPerson;
  goal: GoalName;
  job: JobView;
}

/** The value the pipeline found for the goal, or null. */
export function foundValue(outcome: Outcome): string | null {
  const result = outcome.job.result;
  if (outcome.goal === 'email') {
    return result?.email?.email ?? null;
  }
  return result?.phones?.find((phone) => typeof phone.number === 'string')?.number ?? null;
}

/** Who the job's result names as the source of its value. */
function sourceOf(outcome: Outcome): string | null {
  const result = outcome.job.result;
  const source = outcome.goal === 'email' ? result?.email?.source : result?.phones?.[0]?.source;
  return typeof source === 'string' ? source : null;
}

/** Credits the job spent by its result (the ledger's sum of its steps), else by its steps. */
export function jobCredits(job: JobView): number {
  return typeof job.result?.credits_spent === 'number' ? job.result.credits_spent : job.credits_spent;
}

export interface ProviderUse {
  provider: string;
  /** Steps that reached the provider (not skipped, not served from cache). */
  calls: number;
  /** Answers the goal accepted. */
  accepted: number;
  /** Answers the provider gave that the goal rejected (charged anyway when the provider charges). */
  rejected: number;
  credits: number;
}

export interface GoalScore {
  goal: GoalName;
  /** The request options the goal ran with (its acceptance rule reads them). */
  options: GoalOptions;
  people: number;
  jobs: { completed: number; failed: number; other: number };
  /**
   * `returned`: jobs that returned a value; `hits`: those whose value the goal's rule accepts judged
   * on the answer key ({@link rejectionOf}), the count compared with the baselines.
   */
  pipeline: { returned: number; hits: number; credits: number; stepCreditsSum: number };
  /** Returned values that no provider's answer-key entry matches. */
  wrong: number;
  /**
   * Hits whose source is no provider of the goal's waterfall, by source: values another of the
   * person's lookups revealed and was paid for (a RocketReach e-mail lookup's numbers), served
   * from the store.
   */
  revealedElsewhere: Record<string, number>;
  /**
   * Returned values the goal's rule refuses on the answer key's truth (not counted as hits), by
   * reason and source: what the pipeline accepted on the verdict of a provider that did not flag them.
   */
  returnedUnacceptable: Record<string, number>;
  naive: Baseline;
  best: Baseline;
  bestFixed: Baseline & { order: string[] };
  providers: ProviderUse[];
  /** People the answer key says are findable that the pipeline did not find, by cause. */
  missCauses: Record<string, number>;
  /** Credits spent on answers the goal rejected. */
  rejectedCredits: number;
  /** Credits spent on calls that found nothing (providers charging misses). */
  missCredits: number;
}

function isCall(step: StepView): boolean {
  return step.state !== 'skipped' && !step.cached;
}

/**
 * Why a findable person went unfound (`acceptable`: the providers whose answer the goal would
 * accept): the steps tell whether answers were refused or never asked for.
 */
function missCause(outcome: Outcome, acceptable: Record<string, string>): string {
  const steps = outcome.job.steps.filter((step) => step.goal === outcome.goal);
  const rejected = steps.find((step) => step.reason?.startsWith('rejected'));
  if (rejected) {
    return `answer ${rejected.reason ?? 'rejected'} (${rejected.provider})`;
  }
  const tried = new Set(steps.filter(isCall).map((step) => step.provider));
  const knowing = Object.keys(acceptable);
  if (!knowing.some((provider) => tried.has(provider))) {
    const skipped = steps.find((step) => knowing.includes(step.provider) && step.state === 'skipped');
    return skipped ? `knowing provider skipped: ${skipped.reason ?? '?'}` : 'knowing provider never called';
  }
  const failed = steps.find((step) => knowing.includes(step.provider) && step.state === 'failed');
  if (failed) {
    return `knowing provider failed: ${failed.reason ?? failed.error ?? '?'}`;
  }
  return `job ${outcome.job.status}`;
}

export function scoreGoal(
  goal: GoalName,
  people: readonly WorldPerson[],
  outcomes: readonly Outcome[],
  options: GoalOptions,
): GoalScore {
  const mine = outcomes.filter((outcome) => outcome.goal === goal);
  const score: GoalScore = {
    goal,
    options,
    people: people.length,
    jobs: { completed: 0, failed: 0, other: 0 },
    pipeline: { returned: 0, hits: 0, credits: 0, stepCreditsSum: 0 },
    wrong: 0,
    revealedElsewhere: {},
    returnedUnacceptable: {},
    naive: naive(people, goal, options),
    best: best(people, goal, options),
    bestFixed: bestFixedOrder(people, goal, options),
    providers: [],
    missCauses: {},
    rejectedCredits: 0,
    missCredits: 0,
  };
  const uses = new Map<string, ProviderUse>(
    GOAL_PROVIDERS[goal].map((provider) => [
      provider,
      { provider, calls: 0, accepted: 0, rejected: 0, credits: 0 },
    ]),
  );
  for (const outcome of mine) {
    const { job } = outcome;
    if (job.status === 'completed') {
      score.jobs.completed += 1;
    } else if (job.status === 'failed') {
      score.jobs.failed += 1;
    } else {
      score.jobs.other += 1;
    }
    score.pipeline.credits += jobCredits(job);
    const acceptable = acceptableBy(outcome.person, goal, options);
    const value = foundValue(outcome);
    const rejection = value === null ? null : rejectionOf(outcome.person, goal, value, options);
    if (value !== null) {
      score.pipeline.returned += 1;
      const everyProvider = goal === 'email' ? outcome.person.emails : outcome.person.phones;
      if (!Object.values(everyProvider).includes(value)) {
        score.wrong += 1;
      }
      if (rejection === null) {
        score.pipeline.hits += 1;
        const source = sourceOf(outcome);
        if (source && !GOAL_PROVIDERS[goal].includes(source)) {
          score.revealedElsewhere[source] = (score.revealedElsewhere[source] ?? 0) + 1;
        }
      } else {
        const source = goal === 'email' ? outcome.job.result?.email?.source : undefined;
        const key = `${rejection} from ${source ?? '?'}`;
        score.returnedUnacceptable[key] = (score.returnedUnacceptable[key] ?? 0) + 1;
      }
    }
    if ((value === null || rejection !== null) && Object.keys(acceptable).length > 0) {
      const cause =
        value === null
          ? missCause(outcome, acceptable)
          : `returned an address the goal refuses (${rejection})`;
      score.missCauses[cause] = (score.missCauses[cause] ?? 0) + 1;
    }
    for (const step of job.steps) {
      score.pipeline.stepCreditsSum += step.credits;
      if (step.goal !== goal || !isCall(step)) {
        continue;
      }
      const use = uses.get(step.provider) ?? {
        provider: step.provider,
        calls: 0,
        accepted: 0,
        rejected: 0,
        credits: 0,
      };
      uses.set(step.provider, use);
      use.calls += 1;
      use.credits += step.credits;
      if (step.state === 'completed' && step.reason === null) {
        use.accepted += 1;
      } else if (step.reason?.startsWith('rejected')) {
        use.rejected += 1;
        score.rejectedCredits += step.credits;
      } else {
        score.missCredits += step.credits;
      }
    }
  }
  score.providers = [...uses.values()];
  return score;
}

export interface Verdicts {
  hitRateVsBest: number;
  creditsVsBest: number;
  creditsVsNaive: number;
  hitTarget: boolean;
  bestCreditTarget: boolean;
  naiveCreditTarget: boolean;
}

/** The requirement: ≥ 99 % of the best hit rate at ≤ 1.1× its credits, and < half the naive credits. */
export const TARGETS = { hitRateVsBest: 0.99, creditsVsBest: 1.1, creditsVsNaive: 0.5 } as const;

const ratio = (a: number, b: number): number => (b === 0 ? (a === 0 ? 1 : Number.POSITIVE_INFINITY) : a / b);

export function verdicts(score: GoalScore): Verdicts {
  const hitRateVsBest = ratio(score.pipeline.hits, score.best.hits);
  const creditsVsBest = ratio(score.pipeline.credits, score.best.credits);
  const creditsVsNaive = ratio(score.pipeline.credits, score.naive.credits);
  return {
    hitRateVsBest,
    creditsVsBest,
    creditsVsNaive,
    hitTarget: hitRateVsBest >= TARGETS.hitRateVsBest,
    bestCreditTarget: creditsVsBest <= TARGETS.creditsVsBest,
    naiveCreditTarget: creditsVsNaive < TARGETS.creditsVsNaive,
  };
}
