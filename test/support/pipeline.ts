/** Helpers of the pipeline's integration tests: a stack on its own database and Redis prefix, jobs, the sandbox. */
import { call } from './api';
import { createTestDatabase, requireEnv, type TestDatabase } from './database';
import { deletePrefix, uniquePrefix } from './redis';
import type { WorldCompany, WorldPerson } from './sandbox-world';
import { startStack, type Stack } from './stack';
import { eventually } from './wait';

export interface StepView {
  seq: number;
  attempts: number;
  goal: string;
  provider: string;
  state: string;
  reason: string | null;
  error: string | null;
  credits: number;
  cached: boolean;
}
export interface JobView {
  id: string;
  type: string;
  input: Record<string, unknown>;
  status: string;
  priority: string;
  error: string | null;
  result: Record<string, unknown> | null;
  steps: StepView[];
}
export interface CallCounts {
  total: number;
  by_endpoint: Record<string, number>;
  recent: number[];
  /** Calls the provider refused with its rate-limit answer (429), by endpoint. */
  rate_limited: Record<string, number>;
  /** Authenticated calls per credential, keyed by its tag (`credentialTag`). */
  by_credential: Record<string, number>;
}

export const FAST = {
  ASYNC_POLL_INTERVAL_MS: '100',
  CREDIT_SYNC_INTERVAL_MS: '300',
  CIRCUIT_MINIMUM_CALLS: '2',
  CIRCUIT_COOL_DOWN_MS: '1500',
  REQUEST_RECOVERY_INTERVAL_MS: '60000',
};

export async function setUp(
  env: Record<string, string>,
  options: { worker?: boolean } = {},
): Promise<{ stack: Stack; db: TestDatabase; prefix: string }> {
  const db = await createTestDatabase();
  const prefix = uniquePrefix();
  const stack = await startStack({
    databaseUrl: db.url,
    redisUrl: requireEnv('REDIS_URL'),
    prefix,
    env: { ...FAST, ...env },
    ...options,
  });
  return { stack, db, prefix };
}

export async function tearDown(
  ctx: { stack: Stack; db: TestDatabase; prefix: string } | undefined,
): Promise<void> {
  await ctx?.stack.close();
  await ctx?.db.drop();
  if (ctx) {
    await deletePrefix(requireEnv('REDIS_URL'), ctx.prefix);
  }
}

/** The first `limit` companies of the sandbox's world (the register's, in the world's order). */
export async function worldCompanies(sandboxUrl: string, limit = 1): Promise<WorldCompany[]> {
  return (await call<WorldCompany[]>(sandboxUrl, 'GET', `/_sandbox/world/companies?limit=${limit}`)).body;
}

export async function people(sandboxUrl: string): Promise<WorldPerson[]> {
  return (await call<WorldPerson[]>(sandboxUrl, 'GET', '/_sandbox/world/people?limit=300')).body;
}

export async function sandboxPatch(
  sandboxUrl: string,
  provider: string,
  settings: Record<string, unknown>,
): Promise<void> {
  const answer = await call(sandboxUrl, 'PATCH', `/_sandbox/providers/${provider}`, { body: settings });
  if (answer.status !== 200) {
    throw new Error(`PATCH sandbox ${provider}: ${answer.status} ${JSON.stringify(answer.body)}`);
  }
}

export async function calls(sandboxUrl: string, provider: string): Promise<CallCounts> {
  return (await call<CallCounts>(sandboxUrl, 'GET', `/_sandbox/providers/${provider}/calls`)).body;
}

/** The providers that charge for person lookups and verification (every one but the register and search). */
export const PERSON_PROVIDERS = [
  'snov',
  'apollo',
  'rocketreach',
  'orion-connect',
  'astra-dialer',
  'nimbus-lookup',
  'email-verifier',
] as const;

/** Every call the sandbox has taken at the person providers, together. */
export async function personProviderCalls(sandboxUrl: string): Promise<number> {
  const counts = await Promise.all(PERSON_PROVIDERS.map((provider) => calls(sandboxUrl, provider)));
  return counts.reduce((sum, count) => sum + count.total, 0);
}

/** The credits the sandbox's account at `provider` has left. */
export async function sandboxCredits(sandboxUrl: string, provider: string): Promise<number> {
  return (await call<{ credits: number }>(sandboxUrl, 'GET', `/_sandbox/providers/${provider}`)).body.credits;
}

export function paidCalls(counts: CallCounts, endpoint: string): number {
  return counts.by_endpoint[endpoint] ?? 0;
}

export async function enqueue(stack: Stack, apiKey: string, body: Record<string, unknown>): Promise<string> {
  const created = await call<{ id: string }>(stack.gatewayUrl, 'POST', '/v1/jobs', { token: apiKey, body });
  expect(created.status).toBe(202);
  return created.body.id;
}

/** Snov.io's endpoint that starts (and is paid for) an e-mail search. */
const SNOV_SEARCH_START = 'POST /v2/emails-by-domain-by-name/start';

/**
 * Cancels job `id` (through the API) once Snov.io has been asked to start `searches` e-mail
 * searches in all since the sandbox began; answers the cancelled job.
 */
export async function cancelOnceSnovSearched(
  stack: Stack,
  apiKey: string,
  id: string,
  searches = 1,
): Promise<JobView> {
  await eventually(
    async () => paidCalls(await calls(stack.sandboxUrl, 'snov'), SNOV_SEARCH_START) >= searches || undefined,
    { what: 'the search started' },
  );
  return (await call<JobView>(stack.gatewayUrl, 'POST', `/v1/jobs/${id}/cancel`, { token: apiKey })).body;
}

export async function job(stack: Stack, apiKey: string, id: string): Promise<JobView> {
  return (await call<JobView>(stack.gatewayUrl, 'GET', `/v1/jobs/${id}`, { token: apiKey })).body;
}

export async function finished(
  stack: Stack,
  apiKey: string,
  id: string,
  timeoutMs = 20_000,
): Promise<JobView> {
  return eventually(
    async () => {
      const view = await job(stack, apiKey, id);
      if (!['completed', 'failed', 'cancelled'].includes(view.status)) {
        throw new Error(`job ${id} is ${view.status}: ${JSON.stringify(view.steps)}`);
      }
      return view;
    },
    { timeoutMs },
  );
}

export function personInput(person: WorldPerson): Record<string, string> {
  return { first_name: person.first_name, last_name: person.last_name, domain: person.domain };
}

/**
 * Someone of whom only RocketReach, among the e-mail finders, knows the work address (whose truth
 * is `status`), and who has a number at RocketReach: its lookup for the address gives the number.
 */
export function onlyRocketReachFinds(status: string): (person: WorldPerson) => boolean {
  return (p) =>
    !p.emails.snov &&
    !p.emails.apollo &&
    p.emails.rocketreach === p.email &&
    p.email_status === status &&
    Boolean(p.phones.rocketreach);
}

/** A whole list of the answer key (`people` or `companies`), page by page. */
export async function answerKey<T>(sandboxUrl: string, list: 'people' | 'companies'): Promise<T[]> {
  const all: T[] = [];
  for (;;) {
    const page = await call<T[]>(sandboxUrl, 'GET', `/_sandbox/world/${list}?limit=100&offset=${all.length}`);
    if (page.status !== 200) {
      return all; // the offset went past the last person
    }
    all.push(...page.body);
    if (page.body.length < 100) {
      return all;
    }
  }
}
