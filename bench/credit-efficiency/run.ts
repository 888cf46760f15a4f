/**
 * Credit efficiency of the e-mail and phone waterfalls: N people of the sandbox world, one
 * `person.email` and one `person.phone` job each through the real pipeline, scored against calling
 * every provider (naive) and against the answer-key optimum (best). See
 * docs/benchmarks/credit-efficiency.md for the method and the last figures.
 *
 *   TS_NODE_PROJECT=tsconfig.json node -r ts-node/register/transpile-only -r tsconfig-paths/register \
 *     bench/credit-efficiency/run.ts [--people 2000] [--ordering priority|cost_per_success|both]
 *       [--accept-catch-all] [--batch 400] [--no-doc | --out report.md] [--note text]
 *
 * Needs Redis and PostgreSQL: REDIS_URL (default redis://127.0.0.1:6379/9) and DATABASE_URL (a
 * server the benchmark may create and drop a database on; default postgres://postgres@127.0.0.1:5432/test).
 */
import 'reflect-metadata';
import { execSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { call, createWorkspace } from '../../test/support/api';
import type { WorldPerson } from '../../test/support/sandbox-world';
import {
  consoleReport,
  markdownReport,
  type CreditCheck,
  type ReportContext,
  type RunResult,
} from './report';
import { GOAL_PROVIDERS, scoreGoal, type GoalName, type JobView, type Outcome } from './scoring';
import { DATABASE_URL, pool, REDIS_URL, sleep } from '../support';
import { SEED, START_CREDITS, startBenchStack, worldSizeFor, type BenchStack } from './stack';

const REPO_ROOT = join(__dirname, '..', '..');
const DOC = join(REPO_ROOT, 'docs', 'benchmarks', 'credit-efficiency.md');
const ORDERINGS = ['priority', 'cost_per_success'] as const;
type Ordering = (typeof ORDERINGS)[number];
const ASYNC_PROVIDERS = ['snov', 'rocketreach', 'nimbus-lookup', 'apollo'];
const ALL_PROVIDERS = [...GOAL_PROVIDERS.email, ...GOAL_PROVIDERS.phone];
/** HTTP calls to the gateway in flight at once. */
const CLIENTS = 16;
/** A batch that makes no progress for this long is reported and the run stops. */
const STALL_MS = 180_000;

interface Args {
  people: number;
  orderings: Ordering[];
  batch: number;
  doc: boolean;
  /** Where the Markdown report goes (default docs/benchmarks/credit-efficiency.md). */
  out: string;
  note: string | null;
  /** Send `options.accept_catch_all` with e-mail jobs (the scoring then accepts catch-all addresses too). */
  acceptCatchAll: boolean;
}

function parseArgs(argv: readonly string[]): Args {
  const value = (flag: string): string | undefined => {
    const index = argv.indexOf(flag);
    const inline = argv.find((arg) => arg.startsWith(`${flag}=`));
    return inline ? inline.slice(flag.length + 1) : index >= 0 ? argv[index + 1] : undefined;
  };
  const people = Number(value('--people') ?? process.env.BENCH_PEOPLE ?? 2000);
  const batch = Number(value('--batch') ?? process.env.BENCH_BATCH ?? 400);
  const ordering = value('--ordering') ?? process.env.BENCH_ORDERING ?? 'priority';
  const orderings = (ordering === 'both' ? [...ORDERINGS] : ordering.split(',')) as Ordering[];
  if (!Number.isInteger(people) || people < 1) {
    throw new Error(`--people must be a whole number of at least 1 (got ${String(value('--people'))})`);
  }
  if (!Number.isInteger(batch) || batch < 2) {
    throw new Error('--batch must be a whole number of at least 2');
  }
  for (const o of orderings) {
    if (!(ORDERINGS as readonly string[]).includes(o)) {
      throw new Error(`--ordering must be priority, cost_per_success or both (got ${o})`);
    }
  }
  return {
    people,
    orderings,
    batch,
    doc: !argv.includes('--no-doc'),
    out: value('--out') ?? DOC,
    note: value('--note') ?? null,
    acceptCatchAll: argv.includes('--accept-catch-all'),
  };
}

function pipelineEnv(ordering: Ordering): Record<string, string> {
  const lifted = Object.fromEntries(
    ALL_PROVIDERS.map((provider) => [
      provider,
      { rateLimits: [{ name: 'bench', limit: 1_000_000, windowMs: 1000 }] },
    ]),
  );
  return {
    PIPELINE_ORDERING: ordering,
    ASYNC_POLL_INTERVAL_MS: '50',
    WORKER_LOW_CONCURRENCY: '32',
    ORCHESTRATOR_CONCURRENCY: '32',
    PROVIDER_OVERRIDES: JSON.stringify(lifted),
  };
}

async function balances(sandboxUrl: string): Promise<Map<string, number | null>> {
  const out = new Map<string, number | null>();
  for (const provider of ALL_PROVIDERS) {
    const answer = await call<{ credits: number | null }>(
      sandboxUrl,
      'GET',
      `/_sandbox/providers/${provider}`,
    );
    out.set(provider, answer.status === 200 ? answer.body.credits : null);
  }
  return out;
}

async function sandboxCalls(sandboxUrl: string, provider: string): Promise<number | null> {
  const answer = await call<{ total: number }>(sandboxUrl, 'GET', `/_sandbox/providers/${provider}/calls`);
  return answer.status === 200 ? answer.body.total : null;
}

interface Task {
  person: WorldPerson;
  goal: GoalName;
}

async function enqueue(
  stack: BenchStack,
  apiKey: string,
  task: Task,
  acceptCatchAll: boolean,
): Promise<string> {
  const body = {
    ...(task.goal === 'email' && acceptCatchAll ? { options: { accept_catch_all: true } } : {}),
    type: task.goal === 'email' ? 'person.email' : 'person.phone',
    input: {
      first_name: task.person.first_name,
      last_name: task.person.last_name,
      domain: task.person.domain,
    },
    priority: 'bulk',
  };
  for (let attempt = 1; ; attempt += 1) {
    const answer = await call<{ id: string }>(stack.gatewayUrl, 'POST', '/v1/jobs', {
      token: apiKey,
      body,
    }).catch((error: unknown) => ({ status: 0, body: { id: '' }, error }));
    if (answer.status === 202) {
      return answer.body.id;
    }
    if (attempt >= 5) {
      throw new Error(
        `POST /v1/jobs for ${task.person.person_id} ${task.goal}: ${answer.status} ${JSON.stringify(answer.body)}`,
      );
    }
    await sleep(200 * attempt);
  }
}

/** Waits until every job of the batch is terminal, by asking the database (cheap for thousands of jobs). */
async function awaitBatch(stack: BenchStack, ids: readonly string[]): Promise<void> {
  let done = -1;
  let lastProgress = Date.now();
  for (;;) {
    const [row] = await stack.db.dataSource.query<{ done: string }[]>(
      `SELECT count(*) AS done FROM enrichment_requests
        WHERE id = ANY($1::uuid[]) AND status IN ('completed', 'failed', 'cancelled')`,
      [ids],
    );
    const now = Number(row?.done ?? 0);
    if (now >= ids.length) {
      return;
    }
    if (now > done) {
      done = now;
      lastProgress = Date.now();
    } else if (Date.now() - lastProgress > STALL_MS) {
      const stuck = await stack.db.dataSource.query<{ status: string; n: string }[]>(
        `SELECT status, count(*) AS n FROM enrichment_requests WHERE id = ANY($1::uuid[]) GROUP BY status`,
        [ids],
      );
      throw new Error(
        `batch stalled for ${STALL_MS / 1000} s at ${now}/${ids.length}: ${JSON.stringify(stuck)}`,
      );
    }
    await sleep(250);
  }
}

async function runOrdering(ordering: Ordering, args: Args, worldSize: number): Promise<RunResult> {
  const stack = await startBenchStack({
    databaseUrl: DATABASE_URL,
    redisUrl: REDIS_URL,
    worldSize,
    providers: ALL_PROVIDERS,
    asyncProviders: ASYNC_PROVIDERS,
    env: pipelineEnv(ordering),
  });
  const stop = (): void => {
    void stack.close().finally(() => process.exit(130));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    const listed = await call<WorldPerson[]>(
      stack.sandboxUrl,
      'GET',
      `/_sandbox/world/people?limit=${args.people}`,
    );
    if (listed.status !== 200 || listed.body.length < args.people) {
      throw new Error(`the sandbox listed ${listed.body.length ?? 0} people, ${args.people} wanted`);
    }
    const people = listed.body;
    const { apiKey } = await createWorkspace(stack.gatewayUrl, `Credit efficiency ${ordering}`, 'premium');
    const before = await balances(stack.sandboxUrl);
    for (const [provider, credits] of before) {
      if (credits !== START_CREDITS) {
        throw new Error(`${provider} starts with ${String(credits)} credits, not ${START_CREDITS}`);
      }
    }
    const tasks: Task[] = people.flatMap((person) => [
      { person, goal: 'email' as const },
      { person, goal: 'phone' as const },
    ]);
    const outcomes: Outcome[] = [];
    const started = performance.now();
    for (let from = 0; from < tasks.length; from += args.batch) {
      const batch = tasks.slice(from, from + args.batch);
      const ids: string[] = new Array<string>(batch.length);
      await pool(batch.length, CLIENTS, async (i) => {
        ids[i] = await enqueue(stack, apiKey, batch[i], args.acceptCatchAll);
      });
      await awaitBatch(stack, ids);
      await pool(batch.length, CLIENTS, async (i) => {
        const view = await call<JobView>(stack.gatewayUrl, 'GET', `/v1/jobs/${ids[i]}`, { token: apiKey });
        if (view.status !== 200) {
          throw new Error(`GET /v1/jobs/${ids[i]}: ${view.status}`);
        }
        const task = batch[i];
        outcomes.push({ person: task.person, goal: task.goal, job: view.body });
      });
      const elapsed = (performance.now() - started) / 1000;
      process.stderr.write(
        `  [${ordering}] ${Math.min(from + args.batch, tasks.length)}/${tasks.length} jobs, ${elapsed.toFixed(0)} s\n`,
      );
    }
    const seconds = (performance.now() - started) / 1000;
    // Late charges (none expected: every job is terminal) would still land before this read.
    await sleep(500);
    const after = await balances(stack.sandboxUrl);
    const ledgerRows = await stack.db.dataSource.query<{ provider: string; kind: string; credits: string }[]>(
      `SELECT provider, kind, sum(credits) AS credits FROM credit_ledger GROUP BY provider, kind`,
    );
    // Steps that may have paid twice: charged by more than one call, or with a call that timed out
    // (the provider may have charged an answer that never arrived).
    const suspect = await stack.db.dataSource.query<{ provider: string; step_id: string; calls: string[] }[]>(
      `SELECT provider, step_id, array_agg(endpoint || ' ' || coalesce(http_status::text, '-') || ' ' ||
              coalesce(error_kind, 'ok') || ' ' || credits_charged ORDER BY created_at) AS calls
         FROM provider_calls WHERE step_id IS NOT NULL
        GROUP BY provider, step_id
       HAVING count(*) FILTER (WHERE credits_charged > 0) > 1 OR bool_or(error_kind = 'timeout')`,
    );
    if (suspect.length > 0) {
      process.stderr.write(`  steps that may have paid twice: ${JSON.stringify(suspect.slice(0, 10))}\n`);
    }
    const otherKinds = ledgerRows.filter((row) => row.kind !== 'charge');
    if (otherKinds.length > 0) {
      process.stderr.write(`  ledger rows other than charges: ${JSON.stringify(otherKinds)}\n`);
    }
    const credits: CreditCheck[] = [];
    for (const provider of ALL_PROVIDERS) {
      const b = before.get(provider) ?? null;
      const a = after.get(provider) ?? null;
      credits.push({
        provider,
        ledger: ledgerRows
          .filter((row) => row.provider === provider && row.kind === 'charge')
          .reduce((sum, row) => sum + Number(row.credits), 0),
        sandbox: a === null || b === null ? null : Math.round((b - a) * 1e6) / 1e6,
        sandboxCalls: await sandboxCalls(stack.sandboxUrl, provider),
      });
    }
    return {
      ordering,
      people,
      seconds,
      jobs: tasks.length,
      scores: (['email', 'phone'] as const).map((goal) =>
        scoreGoal(goal, people, outcomes, { acceptCatchAll: args.acceptCatchAll }),
      ),
      credits,
    };
  } finally {
    process.removeListener('SIGINT', stop);
    process.removeListener('SIGTERM', stop);
    await stack.close();
  }
}

function nproc(): string {
  try {
    return execSync('nproc', { stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
  } catch {
    return String(cpus().length);
  }
}

function commit(): string {
  try {
    return execSync('git rev-parse --short HEAD', { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
  } catch {
    return 'unknown';
  }
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const worldSize = worldSizeFor(args.people);
  process.stderr.write(
    `credit efficiency: ${args.people} people (world of ${worldSize} companies), orderings ${args.orderings.join(', ')}\n`,
  );
  const results: RunResult[] = [];
  for (const ordering of args.orderings) {
    results.push(await runOrdering(ordering, args, worldSize));
  }
  const settings = pipelineEnv('priority');
  const ctx: ReportContext = {
    date: new Date().toISOString().slice(0, 10),
    nproc: nproc(),
    cpuModel: cpus()[0]?.model ?? 'unknown CPU',
    node: process.version,
    commit: commit(),
    people: args.people,
    worldSize,
    seed: SEED,
    batch: args.batch,
    command:
      'TS_NODE_PROJECT=tsconfig.json node -r ts-node/register/transpile-only -r tsconfig-paths/register ' +
      `bench/credit-efficiency/run.ts --people ${args.people} --ordering ${args.orderings.length > 1 ? 'both' : args.orderings[0]}` +
      (args.acceptCatchAll ? ' --accept-catch-all' : '') +
      (resolve(args.out) === DOC ? '' : ` --out ${relative(REPO_ROOT, resolve(args.out))}`),
    acceptCatchAll: args.acceptCatchAll,
    settings: {
      ASYNC_POLL_INTERVAL_MS: settings.ASYNC_POLL_INTERVAL_MS ?? '',
      WORKER_LOW_CONCURRENCY: settings.WORKER_LOW_CONCURRENCY ?? '',
      ORCHESTRATOR_CONCURRENCY: settings.ORCHESTRATOR_CONCURRENCY ?? '',
      PROVIDER_OVERRIDES: 'rate windows of 1,000,000 per second for the six providers',
    },
    note: args.note,
  };
  for (const result of results) {
    console.log(consoleReport(result, ctx));
    console.log('');
  }
  if (args.doc) {
    mkdirSync(dirname(args.out), { recursive: true });
    writeFileSync(args.out, markdownReport(results, ctx));
    console.log(`written: ${relative(REPO_ROOT, resolve(args.out))}`);
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
