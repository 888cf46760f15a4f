/**
 * Money reconciliation under faults: a few hundred jobs of every type (interactive and bulk, single,
 * `POST /v1/jobs/bulk` and a batch, some cancelled while they run, some with `max_credits`) while
 * the sandbox fails, throttles, slows and spoils answers of several providers, a proxy in front of
 * the webhook receiver delivers providers' callbacks late, twice or never, and the worker is
 * killed (SIGKILL) once and started again. When everything has settled, each paid provider's
 * account is compared four ways: what the sandbox charged, what the ledger charged, the balance the
 * credit monitor recorded last and the sandbox's balance.
 *
 *   npm run build && TS_NODE_PROJECT=tsconfig.json node -r ts-node/register/transpile-only \
 *     -r tsconfig-paths/register bench/chaos-reconcile.ts [--jobs 300] [--no-kill]
 *
 * Needs Redis and PostgreSQL: REDIS_URL (default redis://127.0.0.1:6379/9) and DATABASE_URL (a
 * server the run may create and drop a database on; default postgres://postgres@127.0.0.1:5432/test).
 * Exits 1 when a provider's figures disagree beyond what the README documents as an upper bound
 * (paid calls that timed out or whose connection broke, work a dead worker left out, async tasks
 * past their deadline) or RocketReach's re-lookups (charged by the ledger, pricing unconfirmed).
 */
import 'reflect-metadata';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { CONFIG_PROVIDER_NAMES } from '@sluice/config';
import { call, createWorkspace } from '../test/support/api';
import { createTestDatabase } from '../test/support/database';
import { deletePrefix, uniquePrefix } from '../test/support/redis';
import type { WorldCompany, WorldPerson } from '../test/support/sandbox-world';
import { startStack, TEST_ADMIN_TOKEN } from '../test/support/stack';
import { startAppProcess, startWorkerProcess, type WorkerProcess } from '../test/support/worker-process';
import { DATABASE_URL, pool, REDIS_URL, sleep } from './support';

const START_CREDITS = 100_000;
/** Providers the sandbox keeps a balance for (the register is free). */
const PAID = CONFIG_PROVIDER_NAMES.filter((provider) => provider !== 'companies-house');
/** Providers whose balance the credit monitor reads. */
const MONITORED = ['snov', 'rocketreach', 'apollo'];
const WEBHOOK_SECRET = 'sandbox-rocketreach-webhook-secret';
const TERMINAL = ['completed', 'failed', 'cancelled'];

interface Args {
  jobs: number;
  kill: boolean;
}

function parseArgs(argv: readonly string[]): Args {
  const at = argv.indexOf('--jobs');
  return { jobs: at >= 0 ? Number(argv[at + 1]) : 300, kill: !argv.includes('--no-kill') };
}

/** A small seeded generator (mulberry32), so that two runs send the same work. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Between the providers and the webhook receiver: of every six callbacks one is acknowledged and
 * dropped (never delivered), one delivered twice (the second 1.5 s later), one delivered 4 s late
 * (acknowledged at once, as a queue in between would), the others passed through. Node's own HTTP
 * server: a proxy library would add nothing for one POST forwarded as it came.
 */
async function startWebhookChaos(): Promise<{
  url: string;
  server: Server;
  setTarget(url: string): void;
  counts: Record<string, number>;
}> {
  let target = '';
  let n = 0;
  const counts: Record<string, number> = { passed: 0, dropped: 0, twice: 0, late: 0 };
  const forward = async (req: IncomingMessage, body: Buffer): Promise<number> => {
    const headers: Record<string, string> = {};
    for (const [key, value] of Object.entries(req.headers)) {
      if (typeof value === 'string' && !['host', 'content-length', 'connection'].includes(key)) {
        headers[key] = value;
      }
    }
    const response = await fetch(`${target}${req.url ?? '/'}`, { method: req.method, headers, body });
    await response.body?.cancel();
    return response.status;
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const kind = n % 6;
      n += 1;
      if (kind === 0) {
        counts.dropped += 1;
        res.writeHead(202).end();
      } else if (kind === 2) {
        counts.late += 1;
        res.writeHead(202).end();
        setTimeout(() => void forward(req, body).catch(() => undefined), 4000);
      } else {
        void forward(req, body).then(
          (status) => {
            res.writeHead(status).end();
            if (kind === 1) {
              counts.twice += 1;
              setTimeout(() => void forward(req, body).catch(() => undefined), 1500);
            } else {
              counts.passed += 1;
            }
          },
          () => res.writeHead(502).end(),
        );
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}`, server, setTarget: (url) => (target = url), counts };
}

async function patch(sandboxUrl: string, provider: string, settings: Record<string, unknown>): Promise<void> {
  const answer = await call(sandboxUrl, 'PATCH', `/_sandbox/providers/${provider}`, { body: settings });
  if (answer.status !== 200) {
    throw new Error(`PATCH ${provider}: ${answer.status} ${JSON.stringify(answer.body)}`);
  }
}

/** Fault phases, each a few seconds long, cycled while the work runs. */
const PHASES: Record<string, Record<string, unknown>>[] = [
  {
    apollo: { error_rate: 0.25 },
    serper: { error_rate: 0.2 },
    'email-verifier': { answer_fault: { kind: 'truncated' } },
    'companies-house': { rate_limit: { limit: 15, window_seconds: 2 } },
  },
  {
    snov: { rate_limit: { limit: 12, window_seconds: 3 } },
    'orion-connect': { latency_ms: 2600 },
    apollo: { answer_fault: { kind: 'html' } },
  },
  {
    rocketreach: { error_rate: 0.2 },
    'astra-dialer': { answer_fault: { kind: 'json_null' } },
    'nimbus-lookup': { error_rate: 0.2 },
    serper: { latency_ms: 2600 },
  },
  {
    'email-verifier': { error_rate: 0.3 },
    apollo: { rate_limit: { limit: 5, window_seconds: 2 } },
    snov: { answer_fault: { kind: 'empty', endpoints: ['GET /v2/emails-by-domain-by-name/result'] } },
  },
];

const CALM = {
  error_rate: 0,
  latency_ms: 0,
  answer_fault: null,
};

async function calmAll(sandboxUrl: string): Promise<void> {
  for (const provider of [...PAID, 'companies-house']) {
    await patch(sandboxUrl, provider, { ...CALM, rate_limit: null });
  }
}

interface Planned {
  body: Record<string, unknown>;
  cancelAfterMs: number | null;
}

function plan(count: number, persons: WorldPerson[], companies: WorldCompany[]): Planned[] {
  const next = random(20261122);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)];
  const out: Planned[] = [];
  const active = companies.filter((c) => c.company_status === 'active');
  for (let i = 0; i < count; i += 1) {
    const person = pick(persons);
    const company = pick(active);
    const kind = i % 8;
    let body: Record<string, unknown>;
    switch (kind) {
      case 0:
        body = {
          type: 'person.email',
          input: { first_name: person.first_name, last_name: person.last_name, domain: person.domain },
          ...(next() < 0.3 ? { options: { verify: true } } : {}),
        };
        break;
      case 1:
        body = {
          type: 'person.phone',
          input: { first_name: person.first_name, last_name: person.last_name, domain: person.domain },
        };
        break;
      case 2:
        body = { type: 'person.profile', input: { linkedin_url: person.linkedin_url } };
        break;
      case 3:
        body = { type: 'company.profile', input: { company_number: company.company_number } };
        break;
      case 4:
        body = { type: 'company.domain', input: { company_number: company.company_number } };
        break;
      case 5:
        body = { type: 'company.officers', input: { company_number: company.company_number } };
        break;
      case 6:
        body = {
          type: 'company.officer_emails',
          input: { company_number: company.company_number },
          ...(next() < 0.3 ? { options: { verify: true } } : {}),
        };
        break;
      default:
        body = { type: 'email.verify', input: { email: person.email } };
    }
    body.priority = next() < 0.5 ? 'interactive' : 'bulk';
    if (next() < 0.15) {
      body.max_credits = pick([1, 2, 3]);
    }
    out.push({ body, cancelAfterMs: next() < 0.12 ? Math.floor(next() * 3000) : null });
  }
  return out;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const started = Date.now();
  const log = (line: string): void => {
    process.stderr.write(`[${((Date.now() - started) / 1000).toFixed(0)} s] ${line}\n`);
  };
  const db = await createTestDatabase(DATABASE_URL);
  const prefix = uniquePrefix();
  const chaos = await startWebhookChaos();
  const stack = await startStack({
    databaseUrl: db.url,
    redisUrl: REDIS_URL,
    prefix,
    worker: false,
    env: {
      LOG_LEVEL: 'error',
      WEBHOOK_PUBLIC_URL: chaos.url,
      ROCKETREACH_WEBHOOK_SECRET: WEBHOOK_SECRET,
      ASYNC_POLL_INTERVAL_MS: '300',
      ASYNC_CALLBACK_POLL_INTERVAL_MS: '3000',
      ASYNC_DEADLINE_MS: '60000',
      PROVIDER_TIMEOUT_MS: '2000',
      CIRCUIT_MINIMUM_CALLS: '5',
      CIRCUIT_COOL_DOWN_MS: '2000',
      JOB_LOCK_DURATION_MS: '5000',
      JOB_STALLED_INTERVAL_MS: '2000',
      REQUEST_RECOVERY_INTERVAL_MS: '2000',
      REQUEST_RECOVERY_AFTER_MS: '5000',
      CREDIT_CHECK_INTERVAL_MS: '10000',
      CREDIT_SYNC_INTERVAL_MS: '2000',
    },
  });
  chaos.setTarget(stack.receiverUrl);
  const processes: WorkerProcess[] = [];
  let phaseTimer: NodeJS.Timeout | undefined;
  let failed = false;
  try {
    await call(stack.sandboxUrl, 'PUT', '/_sandbox/providers/rocketreach/webhook', {
      body: { url: `${chaos.url}/webhooks/rocketreach`, secret: WEBHOOK_SECRET },
    });
    for (const provider of PAID) {
      await patch(stack.sandboxUrl, provider, { credits: START_CREDITS, task_delay_ms: 800 });
    }
    await calmAll(stack.sandboxUrl);
    const monitor = await startAppProcess('credit-monitor', stack.env);
    processes.push(monitor);
    let worker = await startWorkerProcess(stack.env);
    processes.push(worker);
    const { apiKey } = await createWorkspace(stack.gatewayUrl, 'Reconciliation', 'premium');
    const persons = (await call<WorldPerson[]>(stack.sandboxUrl, 'GET', '/_sandbox/world/people?limit=300'))
      .body;
    const companies = (
      await call<WorldCompany[]>(stack.sandboxUrl, 'GET', '/_sandbox/world/companies?limit=120')
    ).body;

    let phase = 0;
    const nextPhase = async (): Promise<void> => {
      await calmAll(stack.sandboxUrl);
      const faults = PHASES[phase % PHASES.length];
      for (const [provider, settings] of Object.entries(faults)) {
        await patch(stack.sandboxUrl, provider, settings);
      }
      log(`fault phase ${phase % PHASES.length}: ${Object.keys(faults).join(', ')}`);
      phase += 1;
    };
    await nextPhase();
    phaseTimer = setInterval(() => void nextPhase().catch(() => undefined), 6000);

    const work = plan(args.jobs, persons, companies);
    const ids: string[] = [];
    const cancels: Promise<void>[] = [];
    const single = work.slice(0, Math.floor(work.length * 0.7));
    const bulk = work.slice(single.length);
    // The worker is killed while the work is in full swing, and started again.
    const killed = args.kill
      ? sleep(15_000).then(async () => {
          log('SIGKILL the worker');
          await worker.kill();
          await sleep(1500);
          worker = await startWorkerProcess(stack.env);
          processes.push(worker);
          log('worker started again');
        })
      : Promise.resolve();
    await pool(single.length, 2, async (i) => {
      const item = single[i];
      const answer = await call<{ id: string }>(stack.gatewayUrl, 'POST', '/v1/jobs', {
        token: apiKey,
        body: item.body,
      });
      if (answer.status !== 202) {
        throw new Error(
          `POST /v1/jobs ${JSON.stringify(item.body)}: ${answer.status} ${JSON.stringify(answer.body)}`,
        );
      }
      ids.push(answer.body.id);
      if (item.cancelAfterMs !== null) {
        const id = answer.body.id;
        cancels.push(
          sleep(item.cancelAfterMs).then(async () => {
            await call(stack.gatewayUrl, 'POST', `/v1/jobs/${id}/cancel`, { token: apiKey });
          }),
        );
      }
      await sleep(60);
    });
    const bulkAnswer = await call<{ accepted: { index: number; id: string }[]; rejected: unknown[] }>(
      stack.gatewayUrl,
      'POST',
      '/v1/jobs/bulk',
      { token: apiKey, body: { jobs: bulk.map((item) => ({ ...item.body, priority: 'bulk' })) } },
    );
    if (bulkAnswer.status !== 202) {
      throw new Error(`POST /v1/jobs/bulk: ${bulkAnswer.status} ${JSON.stringify(bulkAnswer.body)}`);
    }
    for (const accepted of bulkAnswer.body.accepted) {
      ids.push(accepted.id);
      const item = bulk[accepted.index];
      if (item.cancelAfterMs !== null) {
        cancels.push(
          sleep(item.cancelAfterMs).then(async () => {
            await call(stack.gatewayUrl, 'POST', `/v1/jobs/${accepted.id}/cancel`, { token: apiKey });
          }),
        );
      }
    }
    const batch = await call<{ id: string }>(stack.gatewayUrl, 'POST', '/v1/batches', {
      token: apiKey,
      body: {
        name: 'chaos',
        records: persons.slice(0, 30).map((p, i) => ({
          first_name: p.first_name,
          last_name: p.last_name,
          domain: p.domain,
          external_id: `r${i}`,
        })),
        enrich: ['business_email', 'phone'],
        max_credits: 40,
      },
    });
    if (batch.status !== 202 && batch.status !== 201) {
      throw new Error(`POST /v1/batches: ${batch.status} ${JSON.stringify(batch.body)}`);
    }
    log(`enqueued ${ids.length} jobs and a batch of 30 records`);
    await Promise.all(cancels);
    await killed;

    // Everything terminal.
    const deadline = Date.now() + 6 * 60_000;
    for (;;) {
      const rows = await db.dataSource.query<{ status: string; n: string }[]>(
        `SELECT status, count(*) AS n FROM enrichment_requests GROUP BY status`,
      );
      const open = rows.filter((r) => !TERMINAL.includes(r.status)).reduce((s, r) => s + Number(r.n), 0);
      if (open === 0) {
        log(`all jobs terminal: ${JSON.stringify(rows)}`);
        break;
      }
      if (Date.now() > deadline) {
        log(`jobs still open: ${JSON.stringify(rows)}`);
        failed = true;
        break;
      }
      await sleep(2000);
    }
    clearInterval(phaseTimer);
    phaseTimer = undefined;
    await calmAll(stack.sandboxUrl);
    // Late webhooks, duplicate deliveries and the sandbox's own deliveries settle.
    await sleep(12_000);
    const balancesOf = async (): Promise<Map<string, number>> => {
      const listed = await call<{ name: string; credits: number | null }[]>(
        stack.sandboxUrl,
        'GET',
        '/_sandbox/providers',
      );
      return new Map(listed.body.map((p) => [p.name, p.credits ?? 0]));
    };
    // A fresh reading of every monitored balance.
    const [{ since }] = await db.dataSource.query<{ since: Date }[]>('SELECT now() AS since');
    await call(stack.gatewayUrl, 'POST', '/v1/admin/credits/check', { token: TEST_ADMIN_TOKEN });
    for (let i = 0; i < 60; i += 1) {
      const [row] = await db.dataSource.query<{ n: string }[]>(
        `SELECT count(DISTINCT provider) AS n FROM credit_snapshots WHERE taken_at >= $1`,
        [since],
      );
      if (Number(row.n) >= MONITORED.length) {
        break;
      }
      await sleep(500);
    }
    const sandbox = await balancesOf();
    const ledger = await db.dataSource.query<{ provider: string; kind: string; credits: string }[]>(
      `SELECT provider, kind, sum(credits) AS credits FROM credit_ledger GROUP BY provider, kind`,
    );
    const upper = await db.dataSource.query<{ provider: string; credits: string; steps: string }[]>(
      `SELECT l.provider, sum(l.credits) AS credits, count(*) AS steps
         FROM credit_ledger l JOIN enrichment_steps s ON s.id = l.step_id
        WHERE l.kind = 'charge' AND (s.error LIKE '%may have charged%' OR s.reason ~ 'timeout|deadline')
        GROUP BY l.provider`,
    );
    const snapshots = await db.dataSource.query<
      { provider: string; balance: string | null; drift: string | null }[]
    >(
      `SELECT DISTINCT ON (provider) provider, balance, drift FROM credit_snapshots
        ORDER BY provider, taken_at DESC`,
    );
    const reservations = await db.dataSource.query<{ n: string }[]>(
      `SELECT count(*) AS n FROM enrichment_steps WHERE state = 'pending'`,
    );
    const lines: string[] = [
      `chaos reconciliation: ${ids.length} jobs + batch, ${((Date.now() - started) / 1000).toFixed(0)} s, webhooks ${JSON.stringify(chaos.counts)}, pending steps ${reservations[0]?.n}`,
      'provider        sandbox-charged  ledger-charged          upper-bound(may-have-charged)      monitor-balance  sandbox-balance  other-kinds',
    ];
    for (const provider of PAID) {
      const sandboxCharged = START_CREDITS - (sandbox.get(provider) ?? 0);
      const charged = ledger
        .filter((r) => r.provider === provider && r.kind === 'charge')
        .reduce((s, r) => s + Number(r.credits), 0);
      const others = ledger.filter((r) => r.provider === provider && r.kind !== 'charge');
      const bound = Number(upper.find((r) => r.provider === provider)?.credits ?? 0);
      const snapshot = snapshots.find((r) => r.provider === provider);
      const monitorBalance = snapshot?.balance == null ? null : Number(snapshot.balance);
      const diff = charged - sandboxCharged;
      const ok =
        (diff === 0 || (diff > 0 && diff <= bound) || provider === 'rocketreach') &&
        (monitorBalance === null || monitorBalance === sandbox.get(provider));
      if (!ok) {
        failed = true;
      }
      lines.push(
        `${provider.padEnd(16)}${String(sandboxCharged).padStart(15)}${String(charged).padStart(16)}${String(bound).padStart(43)}${String(monitorBalance).padStart(17)}${String(sandbox.get(provider)).padStart(17)}  ${JSON.stringify(others)}${ok ? '' : '  <-- differs'}`,
      );
    }
    process.stdout.write(`${lines.join('\n')}\n`);
    if (process.env.CHAOS_KEEP_DB) {
      process.stdout.write(`database kept: ${db.url}\n`);
    }
  } finally {
    if (phaseTimer) {
      clearInterval(phaseTimer);
    }
    for (const child of processes) {
      await child.stop().catch(() => undefined);
    }
    await stack.close().catch(() => undefined);
    chaos.server.close();
    if (!process.env.CHAOS_KEEP_DB) {
      await db.drop().catch(() => undefined);
    }
    await deletePrefix(REDIS_URL, prefix).catch(() => undefined);
  }
  process.exit(failed ? 1 : 0);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(2);
});
