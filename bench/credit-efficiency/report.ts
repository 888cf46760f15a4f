/** The benchmark's console table and its Markdown report. */
import type { WorldPerson } from '../../test/support/sandbox-world';
import { GOAL_PROVIDERS, TARGETS, costOf, verdicts, type GoalName, type GoalScore } from './scoring';

export interface CreditCheck {
  provider: string;
  /** Sum of the credit ledger's rows for the provider. */
  ledger: number;
  /** Balance before minus balance after, at the sandbox. */
  sandbox: number | null;
  /** Calls the sandbox counted. */
  sandboxCalls: number | null;
}

export interface RunResult {
  ordering: string;
  people: readonly WorldPerson[];
  seconds: number;
  jobs: number;
  scores: GoalScore[];
  credits: CreditCheck[];
}

export interface ReportContext {
  date: string;
  nproc: string;
  cpuModel: string;
  node: string;
  commit: string;
  people: number;
  worldSize: number;
  seed: number;
  batch: number;
  command: string;
  /** Whether the e-mail jobs sent `options.accept_catch_all: true`. */
  acceptCatchAll: boolean;
  settings: Record<string, string>;
  /** Why the run used fewer people than asked, when it did. */
  note: string | null;
}

const n = (value: number, digits = 0): string =>
  Number.isFinite(value)
    ? value.toLocaleString('en-GB', { minimumFractionDigits: digits, maximumFractionDigits: digits })
    : '∞';
const pct = (value: number, digits = 1): string =>
  Number.isFinite(value) ? `${(value * 100).toFixed(digits)} %` : '∞';
const x = (value: number): string => (Number.isFinite(value) ? `${value.toFixed(3)}×` : '∞');
const perHit = (credits: number, hits: number): string => (hits > 0 ? n(credits / hits, 3) : '—');
const passFail = (ok: boolean): string => (ok ? 'PASS' : 'FAIL');

function goalLabel(goal: GoalName): string {
  return goal === 'email' ? 'e-mail (person.email)' : 'phone (person.phone)';
}

function sumCredits(
  checks: readonly CreditCheck[],
  goal: GoalName,
  key: 'ledger' | 'sandbox',
): number | null {
  let total = 0;
  for (const check of checks.filter((c) => GOAL_PROVIDERS[goal].includes(c.provider))) {
    const value = check[key];
    if (value === null) {
      return null;
    }
    total += value;
  }
  return total;
}

/** Plain-text table for the console. */
export function consoleReport(result: RunResult, ctx: ReportContext): string {
  const lines: string[] = [];
  lines.push(
    `Credit efficiency — ordering ${result.ordering}, ${ctx.people} people × 2 goals, ${result.jobs} jobs in ${result.seconds.toFixed(0)} s`,
  );
  for (const score of result.scores) {
    const v = verdicts(score);
    const N = score.people;
    lines.push('');
    lines.push(`  ${goalLabel(score.goal)}`);
    lines.push(
      `    ${'strategy'.padEnd(10)} ${'hits'.padStart(6)} ${'hit rate'.padStart(9)} ${'credits'.padStart(10)} ${'cr/hit'.padStart(8)}`,
    );
    const row = (name: string, hits: number, credits: number): string =>
      `    ${name.padEnd(10)} ${String(hits).padStart(6)} ${pct(hits / N).padStart(9)} ${n(credits, 1).padStart(10)} ${perHit(credits, hits).padStart(8)}`;
    lines.push(row('pipeline', score.pipeline.hits, score.pipeline.credits));
    if (score.pipeline.returned !== score.pipeline.hits) {
      lines.push(row('(returned)', score.pipeline.returned, score.pipeline.credits));
    }
    lines.push(row('best', score.best.hits, score.best.credits));
    lines.push(row('best fixed', score.bestFixed.hits, score.bestFixed.credits));
    lines.push(row('naive', score.naive.hits, score.naive.credits));
    lines.push(
      `    best fixed order: ${score.bestFixed.order.join(' → ')}; best / naive ${x(score.best.credits / score.naive.credits)}`,
    );
    lines.push(
      `    hit rate / best ${pct(v.hitRateVsBest, 2)} (≥ ${pct(TARGETS.hitRateVsBest, 0)}: ${passFail(v.hitTarget)}); ` +
        `credits / best ${x(v.creditsVsBest)} (≤ ${TARGETS.creditsVsBest}×: ${passFail(v.bestCreditTarget)}); ` +
        `credits / naive ${x(v.creditsVsNaive)} (< ${TARGETS.creditsVsNaive}×: ${passFail(v.naiveCreditTarget)})`,
    );
    const ledger = sumCredits(result.credits, score.goal, 'ledger');
    const sandbox = sumCredits(result.credits, score.goal, 'sandbox');
    lines.push(
      `    credits cross-check: results ${n(score.pipeline.credits, 1)}, ledger ${ledger === null ? '?' : n(ledger, 1)}, sandbox balances ${sandbox === null ? '?' : n(sandbox, 1)}`,
    );
    lines.push(
      `    jobs completed ${score.jobs.completed}, failed ${score.jobs.failed}, other ${score.jobs.other}; wrong answers ${score.wrong}`,
    );
    const causes = Object.entries(score.missCauses).sort((a, b) => b[1] - a[1]);
    if (causes.length > 0) {
      lines.push(
        `    findable but not found: ${causes.map(([cause, count]) => `${count} ${cause}`).join('; ')}`,
      );
    }
  }
  return lines.join('\n');
}

function markdownGoal(score: GoalScore, result: RunResult): string[] {
  const v = verdicts(score);
  const N = score.people;
  const lines: string[] = [];
  lines.push(`#### ${goalLabel(score.goal)}`);
  lines.push('');
  lines.push('| strategy | found | hit rate | credits | credits per found |');
  lines.push('| --- | ---: | ---: | ---: | ---: |');
  const row = (name: string, hits: number, credits: number): string =>
    `| ${name} | ${n(hits)} | ${pct(hits / N)} | ${n(credits, 1)} | ${perHit(credits, hits)} |`;
  lines.push(row('**Sluice pipeline**', score.pipeline.hits, score.pipeline.credits));
  if (score.pipeline.returned !== score.pipeline.hits) {
    lines.push(
      row(
        'Sluice pipeline, every value returned (for reference)',
        score.pipeline.returned,
        score.pipeline.credits,
      ),
    );
  }
  lines.push(row('best (answer key)', score.best.hits, score.best.credits));
  lines.push(
    row(
      `best fixed order (${score.bestFixed.order.join(' → ')})`,
      score.bestFixed.hits,
      score.bestFixed.credits,
    ),
  );
  lines.push(row('naive (every provider)', score.naive.hits, score.naive.credits));
  lines.push('');
  lines.push('| target | measured | verdict |');
  lines.push('| --- | ---: | :---: |');
  lines.push(`| hit rate ≥ 99 % of best | ${pct(v.hitRateVsBest, 2)} | ${passFail(v.hitTarget)} |`);
  lines.push(`| credits ≤ 1.1× best | ${x(v.creditsVsBest)} | ${passFail(v.bestCreditTarget)} |`);
  lines.push(`| credits < 0.5× naive | ${x(v.creditsVsNaive)} | ${passFail(v.naiveCreditTarget)} |`);
  lines.push('');
  lines.push(
    '| provider | cost | misses charged | calls | accepted | rejected | credits (steps) | ledger | sandbox balance Δ | sandbox calls |',
  );
  lines.push('| --- | ---: | :---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const use of score.providers) {
    const cost = costOf(use.provider, score.goal);
    const check = result.credits.find((c) => c.provider === use.provider);
    lines.push(
      `| ${use.provider} | ${cost.credits} | ${cost.chargedOnMiss ? 'yes' : 'no'} | ${n(use.calls)} | ${n(use.accepted)} | ${n(use.rejected)} | ${n(use.credits, 1)} | ${check ? n(check.ledger, 1) : '?'} | ${check?.sandbox === null || !check ? '?' : n(check.sandbox, 1)} | ${check?.sandboxCalls ?? '?'} |`,
    );
  }
  lines.push('');
  const facts: string[] = [];
  facts.push(
    `For reference: best / naive = ${x(score.best.credits / score.naive.credits)} (the answer-key optimum itself ${score.best.credits / score.naive.credits < TARGETS.creditsVsNaive ? 'meets' : 'misses'} the “under half of naive” target); ` +
      `best fixed order / best = ${x(score.bestFixed.credits / score.best.credits)} (what the cheapest waterfall without the answer key pays); ` +
      `pipeline / best fixed order = ${x(score.pipeline.credits / score.bestFixed.credits)}.`,
  );
  for (const use of score.providers) {
    const check = result.credits.find((c) => c.provider === use.provider);
    if (check && check.sandbox !== null && Math.abs(check.sandbox - check.ledger) > 1e-6) {
      facts.push(
        `**Credit mismatch at ${use.provider}:** the ledger recorded ${n(check.ledger, 1)} credits, the sandbox balance fell by ${n(check.sandbox, 1)}.`,
      );
    }
  }
  facts.push(
    `Jobs: ${score.jobs.completed} completed, ${score.jobs.failed} failed, ${score.jobs.other} not finished. Found values matching no provider's answer-key entry: ${score.wrong}.`,
  );
  const elsewhere = Object.entries(score.revealedElsewhere);
  if (elsewhere.length > 0) {
    facts.push(
      `Found at no credit of this goal, from what another lookup of the person revealed and was paid for (stored, then served): ` +
        elsewhere.map(([source, count]) => `${count} from ${source}`).join('; ') +
        '.',
    );
  }
  const unacceptable = Object.entries(score.returnedUnacceptable).sort((a, b) => b[1] - a[1]);
  if (unacceptable.length > 0) {
    facts.push(
      `Returned addresses the goal's rule refuses on the answer key's truth — accepted because their provider did not flag them, ` +
        `not counted as found (their credits are counted): ` +
        unacceptable.map(([what, count]) => `${count} × ${what}`).join('; ') +
        '.',
    );
  }
  if (score.rejectedCredits > 0) {
    facts.push(`Credits paid for answers the goal then rejected: ${n(score.rejectedCredits, 1)}.`);
  }
  if (score.missCredits > 0) {
    facts.push(
      `Credits paid for lookups that found nothing (providers that charge misses): ${n(score.missCredits, 1)}.`,
    );
  }
  const causes = Object.entries(score.missCauses).sort((a, b) => b[1] - a[1]);
  if (causes.length > 0) {
    const missing = score.best.hits - score.pipeline.hits;
    facts.push(
      `People the answer key says are findable that the pipeline did not find (${n(causes.reduce((s, [, c]) => s + c, 0))}; best − pipeline = ${n(missing)}): ` +
        causes.map(([cause, count]) => `${count} × ${cause}`).join('; ') +
        '.',
    );
  }
  lines.push(...facts.map((fact) => `- ${fact}`));
  lines.push('');
  return lines;
}

/** One sentence per ordering and goal: which targets failed, and what the figures say about why. */
function readingOf(ordering: string, score: GoalScore): string {
  const v = verdicts(score);
  const parts: string[] = [];
  if (!v.hitTarget) {
    const causes = Object.entries(score.missCauses).sort((a, b) => b[1] - a[1]);
    parts.push(
      `hit rate ${pct(v.hitRateVsBest, 2)} of best: ${n(score.best.hits - score.pipeline.hits)} findable people not found — ` +
        causes.map(([cause, count]) => `${count} ${cause}`).join(', '),
    );
  }
  if (!v.bestCreditTarget) {
    const floor = score.bestFixed.credits / score.best.credits;
    parts.push(
      `credits ${x(v.creditsVsBest)} best, while the cheapest fixed order already costs ${x(floor)} best ` +
        `(${score.bestFixed.order.join(' → ')}; the pipeline is at ${x(score.pipeline.credits / score.bestFixed.credits)} of it)` +
        (score.missCredits > 0 ? `; ${n(score.missCredits, 1)} credits went on charged misses` : ''),
    );
  }
  if (!v.naiveCreditTarget) {
    const bestVsNaive = score.best.credits / score.naive.credits;
    parts.push(
      `credits ${x(v.creditsVsNaive)} naive; even the answer-key optimum is ${x(bestVsNaive)} naive` +
        (bestVsNaive >= TARGETS.creditsVsNaive ? ', so no strategy can meet this target on this sample' : ''),
    );
  }
  const verdict = parts.length === 0 ? 'every target met' : parts.join('; ');
  return `**${ordering}, ${score.goal}:** ${verdict}.`;
}

/** The whole Markdown document (overwritten on every run). */
export function markdownReport(results: readonly RunResult[], ctx: ReportContext): string {
  const lines: string[] = [];
  lines.push('# Benchmark: credit efficiency of the enrichment waterfalls');
  lines.push('');
  lines.push(
    '> Generated by `bench/credit-efficiency/run.ts`; do not edit by hand — rerun the benchmark instead.',
  );
  lines.push('');
  lines.push('## Requirement');
  lines.push('');
  lines.push(
    'On a set of 2,000 people from the sandbox’s world: credits spent per found e-mail and phone, and the hit rate, ' +
      'against calling every provider (naive) and against the best possible order (the sandbox’s answer key). ' +
      '**Targets:** at least **99 %** of the best hit rate at no more than **1.1×** its credits, and **under half** of the naive credits.',
  );
  lines.push('');
  lines.push('## Run');
  lines.push('');
  lines.push(`- Date: ${ctx.date}`);
  lines.push(`- Machine: \`nproc\` = ${ctx.nproc} (${ctx.cpuModel}), Node ${ctx.node}, commit ${ctx.commit}`);
  lines.push(
    `- People (N): ${n(ctx.people)} — the first N people of the sandbox world (seed ${ctx.seed}, ${n(ctx.worldSize)} companies)`,
  );
  if (ctx.note) {
    lines.push(`- **Note:** ${ctx.note}`);
  }
  lines.push(
    `- Jobs: one \`person.email\` and one \`person.phone\` per person (${n(ctx.people * 2)} per ordering), priority \`bulk\`, enqueued ${ctx.batch} at a time`,
  );
  lines.push(
    `- Wall time: ${results.map((r) => `${r.ordering} ${r.seconds.toFixed(0)} s (${(r.jobs / r.seconds).toFixed(1)} jobs/s)`).join(', ')}`,
  );
  lines.push(`- Command: \`${ctx.command}\``);
  lines.push(
    `- Pipeline settings: ${Object.entries(ctx.settings)
      .map(([k, v]) => `\`${k}=${v}\``)
      .join(', ')}`,
  );
  lines.push('');
  lines.push('## Method');
  lines.push('');
  lines.push(
    '- The real apps run in one process on free ports — provider sandbox, gateway, enrichment worker — on a private ' +
      'PostgreSQL database and Redis key prefix, both removed afterwards. Every provider points at the sandbox.',
  );
  lines.push(
    '- Before the worker starts, each provider of the two waterfalls gets 1,000,000 credits, no sandbox rate limit, ' +
      'no injected errors, no latency and a 20 ms task delay (asynchronous providers); the pipeline’s own rate ' +
      'windows for them are lifted with `PROVIDER_OVERRIDES`. The workspace is `premium`, so every phone provider is allowed. ' +
      'Requests carry only `first_name`, `last_name` and `domain`, ' +
      (ctx.acceptCatchAll
        ? 'and the e-mail jobs `options.accept_catch_all: true`: the e-mail goal rejects an answer its provider flags as invalid, and takes catch-all ones'
        : 'with default options: the e-mail goal rejects an answer its provider flags as catch-all or invalid') +
      ' (and then tries the next provider). Phone jobs ask the default `phone_type: any`.',
  );
  lines.push(
    '- **Acceptance (all strategies):** an answer counts as found only when the goal accepts it, by the pipeline’s own rule ' +
      '(`acceptEmail` in `libs/enrichment`) judged on the answer key (`GET /_sandbox/world/people`: which provider returns which ' +
      'e-mail and phone, and `email_status`, the truth about the work address). `person.email` asks for a work address, so a ' +
      'provider that knows only a personal one cannot satisfy it; an `invalid` address is never accepted; a `catch_all` one only ' +
      `with \`accept_catch_all\` (${ctx.acceptCatchAll ? 'sent in this run' : 'not sent in this run'}); \`valid\`, \`risky\` and \`unknown\` are. ` +
      'The pipeline applies the rule to the verdict its finder gives, which can differ from the truth; what it returns that ' +
      'the truth refuses is listed below, not counted as found. Every phone number of the answer key is valid E.164, which ' +
      '`phone_type: any` accepts.',
  );
  lines.push(
    '- **Pipeline:** a person counts as found when the finished job has `result.email.email` (e-mail) or at least one ' +
      '`result.phones[]` number (phone) that the goal accepts as above. Credits are the jobs’ `result.credits_spent` summed; they are cross-checked ' +
      'against the `credit_ledger` table and the sandbox balances (1,000,000 minus the balance after the run).',
  );
  lines.push(
    '- **Naive:** every provider of the waterfall called for every person, priced from the answer key and the providers’ cost tables ' +
      '(`descriptorOf(...)` in `libs/providers`): providers that charge only for hits pay whenever they return what they charge for, ' +
      'accepted or not (RocketReach: a profile with an e-mail or phone graded A or A-, also on an e-mail lookup of someone it knows only a phone of), providers that charge misses always pay. Hit rate = share of people at least one provider gives an acceptable answer.',
  );
  lines.push(
    '- **Best:** the answer-key optimum — for each person only the cheapest provider whose answer the goal accepts (0 credits and a miss ' +
      'when none would). Its hit rate equals the naive one; no real waterfall can beat it, since it knows the answer before asking.',
  );
  lines.push(
    '- **Best fixed order** (for reference, not a target): the cheapest single provider order used for everybody ' +
      '(every order tried), stopping at the first provider whose answer the goal accepts — a provider returning an ' +
      'answer the goal refuses is paid and the waterfall moves on — priced like naive: the floor for a ' +
      'waterfall that cannot see the answer key.',
  );
  lines.push(
    '- `cost_per_success` orders by statistics measured from the step log, which the worker caches for up to a minute; ' +
      'on the fresh database of a run this short it plans largely with its prior, so compare the providers’ call counts ' +
      'between the two orderings before reading much into their difference.',
  );
  lines.push(
    '- Ratios: pipeline hit rate / best hit rate, pipeline credits / best credits, pipeline credits / naive credits (totals over the N people).',
  );
  lines.push('');
  lines.push('Cost tables used (credits per lookup):');
  lines.push('');
  lines.push('| goal | provider | credits | misses charged |');
  lines.push('| --- | --- | ---: | :---: |');
  for (const goal of ['email', 'phone'] as const) {
    for (const provider of GOAL_PROVIDERS[goal]) {
      const cost = costOf(provider, goal);
      lines.push(`| ${goal} | ${provider} | ${cost.credits} | ${cost.chargedOnMiss ? 'yes' : 'no'} |`);
    }
  }
  lines.push('');
  lines.push('## Results');
  lines.push('');
  lines.push('| ordering | goal | hit rate / best | credits / best | credits / naive | verdict |');
  lines.push('| --- | --- | ---: | ---: | ---: | :---: |');
  for (const result of results) {
    for (const score of result.scores) {
      const v = verdicts(score);
      const ok = v.hitTarget && v.bestCreditTarget && v.naiveCreditTarget;
      lines.push(
        `| ${result.ordering} | ${score.goal} | ${pct(v.hitRateVsBest, 2)} ${v.hitTarget ? '✓' : '✗'} | ${x(v.creditsVsBest)} ${v.bestCreditTarget ? '✓' : '✗'} | ${x(v.creditsVsNaive)} ${v.naiveCreditTarget ? '✓' : '✗'} | ${passFail(ok)} |`,
      );
    }
  }
  lines.push('');
  lines.push('### Reading the results');
  lines.push('');
  for (const result of results) {
    for (const score of result.scores) {
      lines.push(`- ${readingOf(result.ordering, score)}`);
    }
  }
  lines.push('');
  for (const result of results) {
    lines.push(`### \`PIPELINE_ORDERING=${result.ordering}\``);
    lines.push('');
    for (const score of result.scores) {
      lines.push(...markdownGoal(score, result));
    }
  }
  return `${lines.join('\n').trimEnd()}\n`;
}
