import { CreditLedgerEntry, EnrichmentRequest } from '@sluice/db';
import { nextRenewal } from '@sluice/enrichment';
import { creditWalletPrefix, CreditWallet } from '@sluice/queue';
import { Redis } from 'ioredis';
import { alertsOf, startHttpSink, startSmtpSink, type HttpSink, type SmtpSink } from '../support/alert-sinks';
import { call, createWorkspace } from '../support/api';
import { requireEnv, type TestDatabase } from '../support/database';
import {
  answerKey,
  calls,
  enqueue,
  finished,
  paidCalls,
  people,
  personInput,
  sandboxPatch,
  setUp,
  tearDown,
  type JobView,
} from '../support/pipeline';
import type { WorldCompany } from '../support/sandbox-world';
import { TEST_ADMIN_TOKEN, type Stack } from '../support/stack';
import { eventually } from '../support/wait';
import { startAppProcess, type WorkerProcess } from '../support/worker-process';

const APOLLO_ONLY = JSON.stringify({ snov: { enabled: false }, rocketreach: { enabled: false } });
const MATCH = 'POST /people/match';

interface ProviderCredits {
  provider: string;
  balance: number | null;
  reserved: number;
  spent_today: number;
  spent_this_month: number;
  burn_rate_per_day: number;
  forecast_exhaustion: string | null;
  renewal_date: string | null;
  queue: { state: string; reason: string | null };
  quota: { monthly_credits: number; used: number; remaining: number; policy: string } | null;
}

describe('the credit monitor', () => {
  let ctx: { stack: Stack; db: TestDatabase; prefix: string } | undefined;
  let sink: HttpSink;
  let smtp: SmtpSink;
  const monitors: WorkerProcess[] = [];

  beforeEach(async () => {
    sink = await startHttpSink();
    smtp = await startSmtpSink();
  });

  afterEach(async () => {
    await Promise.all(monitors.splice(0).map((monitor) => monitor.stop()));
    await tearDown(ctx);
    ctx = undefined;
    await sink.close();
    await smtp.close();
  });

  const alertEnv = (): Record<string, string> => ({
    ALERT_WEBHOOK_URL: sink.url,
    SMTP_URL: smtp.url,
    ALERT_EMAIL_TO: 'ops@example.com',
    PROVIDER_OVERRIDES: APOLLO_ONLY,
  });

  const snapshots = async (db: TestDatabase, provider = 'apollo'): Promise<number> =>
    Number(
      (
        await db.dataSource.query<{ n: string }[]>(
          `SELECT count(*) AS n FROM credit_snapshots WHERE provider = $1`,
          [provider],
        )
      )[0]?.n ?? 0,
    );

  /** Asks for a balance check now (as ops would) and waits until the monitor has taken the reading. */
  const check = async (stack: Stack, db: TestDatabase, provider = 'apollo'): Promise<void> => {
    const before = await snapshots(db, provider);
    const answer = await call(stack.gatewayUrl, 'POST', '/v1/admin/credits/check', {
      token: TEST_ADMIN_TOKEN,
    });
    expect(answer.status).toBe(202);
    await eventually(async () => (await snapshots(db, provider)) > before || undefined, {
      timeoutMs: 15_000,
      what: `a new ${provider} snapshot`,
    });
  };

  /** Charges of `credits` each, one a day over the last `days` days (half a day ago, then a day apart). */
  const chargeDaily = async (db: TestDatabase, provider: string, credits: number, days: number) => {
    for (let day = 0; day < days; day += 1) {
      await db.dataSource.query(
        `INSERT INTO credit_ledger (provider, kind, credits, idempotency_key, created_at)
         VALUES ($1, 'charge', $2, $3, now() - make_interval(hours => $4))`,
        [provider, credits, `synthetic-${provider}-${day}`, day * 24 + 12],
      );
    }
  };

  /**
   * Snov.io with no renewalDay configured (its balance answer tells when its credits reset:
   * limit_resets_in, in days), at about 100 credits a day: 450 run out within five days, weeks
   * before the renewal the sandbox reports (29 days ahead).
   */
  const snovRunningOut = async (): Promise<{ stack: Stack; db: TestDatabase }> => {
    ctx = await setUp({
      ...alertEnv(),
      PROVIDER_OVERRIDES: JSON.stringify({ rocketreach: { enabled: false } }),
    });
    await chargeDaily(ctx.db, 'snov', 100, 7);
    await sandboxPatch(ctx.stack.sandboxUrl, 'snov', { credits: 450 });
    return ctx;
  };

  /** The exhaustion alerts raised for Snov.io, once there is one. */
  const snovExhaustionAlerts = (db: TestDatabase) =>
    eventually(
      async () => {
        const rows = await db.dataSource.query<{ title: string; details: { renews_at: string } }[]>(
          `SELECT title, details FROM alerts WHERE kind = 'forecast.exhaustion' AND provider = 'snov'`,
        );
        return rows.length > 0 ? rows : undefined;
      },
      { what: 'the forecast alert against the reported renewal' },
    );

  /** Snov.io's row of GET /v1/credits, asked by a new workspace. */
  const snovCredits = async (stack: Stack, workspace: string): Promise<ProviderCredits> => {
    const { apiKey } = await createWorkspace(stack.gatewayUrl, workspace);
    const answer = await call<{ providers: ProviderCredits[] }>(stack.gatewayUrl, 'GET', '/v1/credits', {
      token: apiKey,
    });
    return answer.body.providers.find((p) => p.provider === 'snov') as ProviderCredits;
  };

  /** Spends one Apollo credit per person through the real pipeline. */
  const drain = async (stack: Stack, apiKey: string, batch: { first_name: string }[]): Promise<JobView[]> => {
    const ids: string[] = [];
    for (const person of batch) {
      ids.push(
        await enqueue(stack, apiKey, {
          type: 'person.email',
          input: personInput(person as never),
          priority: 'bulk',
        }),
      );
    }
    return Promise.all(ids.map((id) => finished(stack, apiKey, id, 30_000)));
  };

  /** Gives in-flight deliveries time to land, so "still one" is not checked too early. */
  const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 800));

  it('alerts once per threshold crossing, by webhook and (critical) e-mail, re-arms after a top-up, and reconciles the ledger', async () => {
    ctx = await setUp({ ...alertEnv(), OPS_CHECK_INTERVAL_MS: '500', WEBHOOK_FAILURE_ALERT_COUNT: '3' });
    const { stack, db } = ctx;
    await sandboxPatch(stack.sandboxUrl, 'apollo', { credits: 31 });
    monitors.push(await startAppProcess('credit-monitor', stack.env));
    const { apiKey } = await createWorkspace(stack.gatewayUrl, 'Monitor Co');
    const world = (await people(stack.sandboxUrl)).filter((p) => p.emails.apollo);
    expect(world.length).toBeGreaterThanOrEqual(27);

    await check(stack, db);
    await settle();
    expect(alertsOf(sink, 'credits.threshold')).toHaveLength(0);

    // 31 → 24: past the warning threshold (25).
    const first = await drain(stack, apiKey, world.slice(0, 7));
    expect(first.every((view) => view.status === 'completed')).toBe(true);
    await check(stack, db);
    await eventually(() => alertsOf(sink, 'credits.threshold').length === 1 || undefined, {
      what: 'the warning',
    });
    expect(alertsOf(sink, 'credits.threshold')[0]).toMatchObject({ severity: 'warning', provider: 'apollo' });
    await check(stack, db);
    await settle();
    expect(alertsOf(sink, 'credits.threshold')).toHaveLength(1);
    expect(smtp.mails).toHaveLength(0); // a warning goes to the webhook only

    // 24 → 4: past critical (5). One critical alert, also by e-mail.
    await drain(stack, apiKey, world.slice(7, 27));
    await check(stack, db);
    await eventually(() => alertsOf(sink, 'credits.threshold').length === 2 || undefined, {
      what: 'the critical alert',
    });
    expect(alertsOf(sink, 'credits.threshold')[1]).toMatchObject({
      severity: 'critical',
      provider: 'apollo',
    });
    await eventually(() => smtp.mails.length === 1 || undefined, { what: 'the critical e-mail' });
    expect(smtp.mails[0]?.to).toEqual(['ops@example.com']);
    expect(smtp.mails[0]?.raw).toMatch(/Subject: .*\[CRITICAL\].*apollo/);
    // The real drain: what Apollo took matches what the ledger charged, so no drift alert.
    expect(alertsOf(sink, 'credits.drift')).toHaveLength(0);
    const ledger = await db.dataSource.getRepository(CreditLedgerEntry).findBy({ provider: 'apollo' });
    expect(ledger.reduce((sum, row) => sum + Number(row.credits), 0)).toBe(27);

    // A top-up re-arms both thresholds without an alert.
    await sandboxPatch(stack.sandboxUrl, 'apollo', { credits: 40 });
    await check(stack, db);
    await settle();
    expect(alertsOf(sink, 'credits.threshold')).toHaveLength(2);

    // A second drain (spent outside Sluice this time) alerts again, and the drift is reported once.
    await sandboxPatch(stack.sandboxUrl, 'apollo', { credits: 20 });
    await check(stack, db);
    // Deliveries run side by side: wait for the warning before the fall that makes it critical.
    await eventually(() => alertsOf(sink, 'credits.threshold').length === 3 || undefined, {
      what: 'the second warning',
    });
    await sandboxPatch(stack.sandboxUrl, 'apollo', { credits: 3 });
    await check(stack, db);
    await eventually(() => alertsOf(sink, 'credits.threshold').length === 4 || undefined, {
      what: 'the second warning and critical alert',
    });
    expect(alertsOf(sink, 'credits.threshold').map((a) => a.severity)).toEqual([
      'warning',
      'critical',
      'warning',
      'critical',
    ]);
    await eventually(() => smtp.mails.length === 2 || undefined, {
      what: 'the second critical e-mail',
    });
    expect(alertsOf(sink, 'credits.drift')).toHaveLength(1);

    // Empty: the monitor pauses Apollo's queue, and the pause itself is a critical alert.
    await sandboxPatch(stack.sandboxUrl, 'apollo', { credits: 0 });
    await check(stack, db);
    await eventually(() => alertsOf(sink, 'provider.paused').length === 1 || undefined, {
      what: 'the pause alert',
    });
    // It quotes the reading that could not pay (it said "Balance: unknown").
    const pauseAlert = sink.bodies
      .map((body) => body.sluice as { kind: string; details: Record<string, unknown> | null })
      .find((alert) => alert?.kind === 'provider.paused');
    expect(pauseAlert?.details).toMatchObject({ balance: '0', reserved: '0' });
    const paused = await call<{ providers: ProviderCredits[] }>(stack.gatewayUrl, 'GET', '/v1/credits', {
      token: apiKey,
    });
    const apollo = paused.body.providers.find((p) => p.provider === 'apollo');
    expect(apollo).toMatchObject({ balance: 0, spent_this_month: 27, queue: { state: 'paused' } });
    await sandboxPatch(stack.sandboxUrl, 'apollo', { credits: 50 });
    await check(stack, db);
    // The check records its reading first and resumes the queue after: wait for the resume.
    await eventually(
      async () => {
        const resumed = await call<{ providers: ProviderCredits[] }>(stack.gatewayUrl, 'GET', '/v1/credits', {
          token: apiKey,
        });
        return (
          resumed.body.providers.find((p) => p.provider === 'apollo')?.queue.state === 'running' || undefined
        );
      },
      { what: 'Apollo resumed' },
    );

    // Usage as the workspace sees it.
    const usage = await call<{
      by_provider: { provider: string; calls: number; hits: number; credits: number }[];
    }>(stack.gatewayUrl, 'GET', '/v1/credits/usage', { token: apiKey });
    expect(usage.status).toBe(200);
    expect(usage.body.by_provider.find((row) => row.provider === 'apollo')).toMatchObject({
      calls: 27,
      hits: 27,
      credits: 27,
    });
    expect(
      (await call(stack.gatewayUrl, 'GET', '/v1/credits/usage?from=yesterday', { token: apiKey })).status,
    ).toBe(400);

    // The usage report, sent at once for today (the schedule sends yesterday's): webhook and e-mail.
    const today = new Date().toISOString().slice(0, 10);
    const report = (body: Record<string, unknown>) =>
      call(stack.gatewayUrl, 'POST', '/v1/admin/reports/usage', { token: TEST_ADMIN_TOKEN, body });
    expect((await report({ day: 'monday' })).status).toBe(400);
    const mailsBefore = smtp.mails.length;
    expect((await report({ day: today })).status).toBe(202);
    await eventually(() => alertsOf(sink, 'usage.daily').length === 1 || undefined, {
      what: 'the usage report',
    });
    const sent = sink.bodies.find((body) => (body.sluice as { kind?: string }).kind === 'usage.daily') as {
      text: string;
      sluice: { details: { rows: Record<string, unknown>[] } };
    };
    expect(sent.sluice.details.rows).toEqual([
      expect.objectContaining({
        provider: 'apollo',
        workspace: 'Monitor Co',
        calls: 27,
        hits: 27,
        credits: 27,
        cost_per_hit: 1,
      }),
    ]);
    expect(sent.text).toContain('Monitor Co');
    await eventually(() => smtp.mails.length === mailsBefore + 1 || undefined, {
      what: 'the report by e-mail',
    });
    expect(smtp.mails.at(-1)?.raw).toMatch(/Subject: .*Usage on/);

    // Webhooks failing verification: three refused callbacks raise one operational alert.
    for (let i = 0; i < 3; i += 1) {
      const refused = await call(stack.receiverUrl, 'POST', '/webhooks/rocketreach', {
        body: { id: 1, status: 'complete' },
        headers: { 'x-rocketreach-signature': 'forged' },
      });
      expect(refused.status).toBe(401);
    }
    await eventually(() => alertsOf(sink, 'webhooks.failing').length === 1 || undefined, {
      what: 'the webhook failure alert',
    });

    // Every alert is listed with where it went.
    const listed = await call<{ alerts: { kind: string; deliveries: Record<string, { ok: boolean }> }[] }>(
      stack.gatewayUrl,
      'GET',
      '/v1/alerts',
      { token: apiKey },
    );
    const critical = listed.body.alerts.filter((a) => a.kind === 'credits.threshold');
    expect(critical).toHaveLength(4);
    await eventually(
      async () => {
        const again = await call<{
          alerts: { kind: string; severity: string; deliveries: Record<string, { ok: boolean }> }[];
        }>(stack.gatewayUrl, 'GET', '/v1/alerts', { token: apiKey });
        const last = again.body.alerts.find(
          (a) => a.kind === 'credits.threshold' && a.severity === 'critical',
        );
        return last?.deliveries.email?.ok && last.deliveries.webhook?.ok ? last : undefined;
      },
      { what: 'deliveries recorded on the alert' },
    );
  });

  it('sends a usage report for today or an earlier day, and none for a day to come or before Sluice kept usage', async () => {
    ctx = await setUp(alertEnv(), { worker: false });
    const { stack, db } = ctx;
    monitors.push(await startAppProcess('credit-monitor', stack.env));
    const report = (day: string) =>
      call<{ message?: unknown }>(stack.gatewayUrl, 'POST', '/v1/admin/reports/usage', {
        token: TEST_ADMIN_TOKEN,
        body: { day },
      });
    const today = new Date().toISOString().slice(0, 10);
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    for (const [day, message] of [
      ['9999-12-31', /^day must not be after today \(\d{4}-\d{2}-\d{2}, UTC\)/],
      [tomorrow, /^day must not be after today/],
      ['0000-01-01', /^day must be 2026-11-22 or later: Sluice's database schema dates from that day/],
      ['2026-11-21', /^day must be 2026-11-22 or later/],
    ] as const) {
      const refused = await report(day);
      expect({ day, status: refused.status }).toEqual({ day, status: 400 });
      expect(String(refused.body.message)).toMatch(message);
    }
    // The bounds themselves are sent: today's report counts the calls so far.
    expect((await report(today)).status).toBe(202);
    expect((await report('2026-11-22')).status).toBe(202);
    const titles = async (): Promise<string[]> =>
      (
        await db.dataSource.query<{ title: string }[]>(
          `SELECT title FROM alerts WHERE kind = 'usage.daily' ORDER BY title`,
        )
      ).map((row) => row.title);
    await eventually(async () => (await titles()).length === 2 || undefined, {
      what: 'the two usage reports',
    });
    await settle();
    expect(await titles()).toEqual([
      'Usage on 2026-11-22: 0 calls, 0 hits, 0 credits',
      `Usage on ${today}: 0 calls, 0 hits, 0 credits`,
    ]);
    await eventually(() => alertsOf(sink, 'usage.daily').length === 2 || undefined, {
      what: 'the two reports by webhook',
    });
    await settle();
    expect(alertsOf(sink, 'usage.daily')).toHaveLength(2);
  });

  it('sends each alert once with two monitor processes checking at the same time', async () => {
    ctx = await setUp({
      ...alertEnv(),
      CREDIT_POLICIES: JSON.stringify({ apollo: { checkEveryMs: 250 } }),
    });
    const { stack, db } = ctx;
    await sandboxPatch(stack.sandboxUrl, 'apollo', { credits: 100 });
    monitors.push(
      await startAppProcess('credit-monitor', stack.env),
      await startAppProcess('credit-monitor', stack.env),
    );
    await eventually(async () => (await snapshots(db)) >= 2 || undefined, { what: 'scheduled checks' });
    await sandboxPatch(stack.sandboxUrl, 'apollo', { credits: 20 });
    // Ops ask for checks on top of the schedule: jobs run side by side in both processes.
    for (let i = 0; i < 3; i += 1) {
      await call(stack.gatewayUrl, 'POST', '/v1/admin/credits/check', { token: TEST_ADMIN_TOKEN });
    }
    await eventually(() => alertsOf(sink, 'credits.threshold').length >= 1 || undefined, {
      what: 'the warning',
    });
    await sandboxPatch(stack.sandboxUrl, 'apollo', { credits: 3 });
    for (let i = 0; i < 3; i += 1) {
      await call(stack.gatewayUrl, 'POST', '/v1/admin/credits/check', { token: TEST_ADMIN_TOKEN });
    }
    await eventually(() => alertsOf(sink, 'credits.threshold').length >= 2 || undefined, {
      what: 'the critical',
    });
    const after = await snapshots(db);
    await eventually(async () => (await snapshots(db)) >= after + 8 || undefined, { what: 'more checks' });
    await settle();
    expect(alertsOf(sink, 'credits.threshold').map((a) => a.severity)).toEqual(['warning', 'critical']);
    expect(smtp.mails).toHaveLength(1);
  });

  it('does not pause a provider whose balance pays for a call but is held by reservations of calls in flight', async () => {
    ctx = await setUp(alertEnv());
    const { stack, db, prefix } = ctx;
    await sandboxPatch(stack.sandboxUrl, 'apollo', { credits: 3 });
    monitors.push(await startAppProcess('credit-monitor', stack.env));
    const { apiKey } = await createWorkspace(stack.gatewayUrl, 'In Flight Co');
    await check(stack, db);
    // Three Apollo calls on their way, each holding its credit in the wallet the workers share
    // (as a step does from its reservation until its call settles, which many do for nothing).
    const redis = new Redis(requireEnv('REDIS_URL'));
    try {
      const wallet = new CreditWallet(redis, creditWalletPrefix(prefix));
      for (const id of ['in-flight-1', 'in-flight-2', 'in-flight-3']) {
        expect((await wallet.reserve('apollo', id, 1, 600_000)).ok).toBe(true);
      }
      await check(stack, db);
      await settle();
      const credits = await call<{ providers: ProviderCredits[] }>(stack.gatewayUrl, 'GET', '/v1/credits', {
        token: apiKey,
      });
      // The balance (3) pays for a call (1): the workers would wait for those calls to settle, not
      // give up on Apollo, and the monitor must not pause it either.
      expect(credits.body.providers.find((p) => p.provider === 'apollo')).toMatchObject({
        balance: 3,
        reserved: 3,
        queue: { state: 'running' },
      });
      expect(alertsOf(sink, 'provider.paused')).toHaveLength(0);
    } finally {
      redis.disconnect();
    }
  });

  it('forecasts exhaustion from the last seven days of spend', async () => {
    const now = new Date();
    const inSixDays = new Date(now.getTime() + 6 * 86_400_000);
    const renewalDay = inSixDays.getUTCDate() > 28 ? 1 : inSixDays.getUTCDate();
    const policies = JSON.stringify({ apollo: { renewalDay } });
    ctx = await setUp({ ...alertEnv(), CREDIT_POLICIES: policies, RENEWAL_REMINDER_DAYS: '10' });
    const { stack, db } = ctx;
    // 700 credits over the last week (100 a day), and an older charge the forecast must ignore.
    for (let day = 0; day < 7; day += 1) {
      await db.dataSource.query(
        `INSERT INTO credit_ledger (provider, kind, credits, idempotency_key, created_at)
         VALUES ('apollo', 'charge', 100, $1, now() - make_interval(hours => $2))`,
        [`synthetic-${day}`, day * 24 + 12],
      );
    }
    await db.dataSource.query(
      `INSERT INTO credit_ledger (provider, kind, credits, idempotency_key, created_at)
       VALUES ('apollo', 'charge', 5000, 'synthetic-old', now() - interval '9 days')`,
    );
    await sandboxPatch(stack.sandboxUrl, 'apollo', { credits: 450 });
    // 50 of them held by calls in flight (each step holds its price until its call settles).
    const redis = new Redis(requireEnv('REDIS_URL'));
    try {
      const wallet = new CreditWallet(redis, creditWalletPrefix(ctx.prefix));
      expect((await wallet.reserve('apollo', 'in-flight', 50, 600_000)).ok).toBe(true);
    } finally {
      redis.disconnect();
    }
    monitors.push(await startAppProcess('credit-monitor', stack.env));
    await check(stack, db);
    const { apiKey } = await createWorkspace(stack.gatewayUrl, 'Forecast Co');
    const answer = await call<{ providers: ProviderCredits[] }>(stack.gatewayUrl, 'GET', '/v1/credits', {
      token: apiKey,
    });
    const apollo = answer.body.providers.find((p) => p.provider === 'apollo') as ProviderCredits;
    expect(apollo.burn_rate_per_day).toBe(100);
    // The 400 credits the reservations leave, at 100 a day: four days from now.
    const expected = Date.now() + 4 * 86_400_000;
    expect(Math.abs(new Date(apollo.forecast_exhaustion as string).getTime() - expected)).toBeLessThan(
      120_000,
    );
    expect(apollo.renewal_date).toBe(nextRenewal(new Date(), renewalDay).toISOString());
    // The credits run out before the renewal (at least six days away): one forecast alert, whose
    // days are counted from the credits it quotes.
    await eventually(() => alertsOf(sink, 'forecast.exhaustion').length === 1 || undefined, {
      what: 'the forecast alert',
    });
    const [forecastAlert] = await db.dataSource.query<{ text: string; details: Record<string, unknown> }[]>(
      `SELECT text, details FROM alerts WHERE kind = 'forecast.exhaustion'`,
    );
    expect(forecastAlert?.text).toContain(
      "apollo's 400 available credits (balance 450, less 50 reserved by calls in flight) last about 4 days",
    );
    expect(forecastAlert?.details).toMatchObject({
      balance: 450,
      reserved: 50,
      available: 400,
      days_left: 4,
    });
    expect(alertsOf(sink, 'credits.threshold')).toHaveLength(0);
    // The renewal is within the ten days' notice asked for: one reminder, not one per check.
    await check(stack, db);
    await eventually(() => alertsOf(sink, 'renewal.reminder').length === 1 || undefined, {
      what: 'the renewal reminder',
    });
    await settle();
    expect(alertsOf(sink, 'renewal.reminder')).toHaveLength(1);
    expect(alertsOf(sink, 'forecast.exhaustion')).toHaveLength(1);
  });

  it('shows in GET /v1/credits the renewal the provider reports, the one its forecast alert is raised against', async () => {
    const { stack, db } = await snovRunningOut();
    monitors.push(await startAppProcess('credit-monitor', stack.env));
    await check(stack, db, 'snov');
    const [alert] = await snovExhaustionAlerts(db);
    const reported = new Date(alert?.details.renews_at ?? NaN).getTime();
    expect(Math.abs(reported - (Date.now() + 29 * 86_400_000))).toBeLessThan(600_000);
    const snov = await snovCredits(stack, 'Reported Renewal Co');
    // Snov.io counts its renewal in days from each reading: a later reading (the monitor reads at
    // start-up too) names the same renewal a few moments later.
    expect(snov.renewal_date).not.toBeNull();
    expect(Math.abs(new Date(snov.renewal_date as string).getTime() - reported)).toBeLessThan(60_000);
  });

  it('names one date for one renewal however the day count Snov.io reports moves with the time of reading', async () => {
    const { stack, db } = await snovRunningOut();
    // The last reading, a day-count earlier, named the renewal half a day before what "now + 29 days"
    // names now: read before midnight, the same 29 days end on the day before.
    const [{ kept }] = await db.dataSource.query<[{ kept: Date }]>(
      `INSERT INTO credit_snapshots (provider, balance, reserved, renews_at, taken_at, answered_at)
       VALUES ('snov', 450, 0, date_trunc('milliseconds', now() + interval '28 days 12 hours'), now() - interval '1 minute', now() - interval '1 minute')
       RETURNING renews_at AS kept`,
    );
    monitors.push(await startAppProcess('credit-monitor', stack.env));
    await check(stack, db, 'snov');
    const alerts = await snovExhaustionAlerts(db);
    const date = kept.toISOString().slice(0, 10);
    expect(alerts.map((alert) => [alert.details.renews_at, alert.title.endsWith(date)])).toEqual([
      [kept.toISOString(), true],
    ]);
    const renewals = await db.dataSource.query<{ renews_at: Date }[]>(
      `SELECT DISTINCT renews_at FROM credit_snapshots WHERE provider = 'snov'`,
    );
    expect(renewals.map((row) => row.renews_at.toISOString())).toEqual([kept.toISOString()]);
    expect((await snovCredits(stack, 'Steady Renewal Co')).renewal_date).toBe(kept.toISOString());
  });

  it('measures the burn of a provider charging for two days over those two days', async () => {
    ctx = await setUp(alertEnv());
    const { stack, db } = ctx;
    // A new installation: 100 credits two days ago, 100 half a day ago. 100 a day, not 200 / 7.
    for (const [key, hours] of [
      ['new-1', 48],
      ['new-2', 12],
    ] as const) {
      await db.dataSource.query(
        `INSERT INTO credit_ledger (provider, kind, credits, idempotency_key, created_at)
         VALUES ('apollo', 'charge', 100, $1, now() - make_interval(hours => $2))`,
        [key, hours],
      );
    }
    await sandboxPatch(stack.sandboxUrl, 'apollo', { credits: 450 });
    monitors.push(await startAppProcess('credit-monitor', stack.env));
    await check(stack, db);
    const { apiKey } = await createWorkspace(stack.gatewayUrl, 'New Installation Co');
    const answer = await call<{ providers: ProviderCredits[] }>(stack.gatewayUrl, 'GET', '/v1/credits', {
      token: apiKey,
    });
    const apollo = answer.body.providers.find((p) => p.provider === 'apollo') as ProviderCredits;
    expect(apollo.burn_rate_per_day).toBeCloseTo(100, 1);
    // 450 credits at 100 a day: four and a half days from now (at 200 / 7 a day, more than fifteen).
    const expected = Date.now() + 4.5 * 86_400_000;
    expect(Math.abs(new Date(apollo.forecast_exhaustion as string).getTime() - expected)).toBeLessThan(
      3_600_000,
    );
  });

  it('raises operational alerts: a failing provider, tasks stuck past their deadline, a long pause', async () => {
    ctx = await setUp({
      ...alertEnv(),
      OPS_CHECK_INTERVAL_MS: '300',
      FAILURE_RATE_MIN_CALLS: '3',
      STUCK_TASK_GRACE_MS: '0',
      PAUSE_ALERT_AFTER_MS: '1000',
    });
    const { stack, db } = ctx;
    monitors.push(await startAppProcess('credit-monitor', stack.env));
    const { apiKey } = await createWorkspace(stack.gatewayUrl, 'Ops Co');
    // Apollo down: every call fails, and its steps keep retrying.
    await sandboxPatch(stack.sandboxUrl, 'apollo', { outage: true });
    const world = (await people(stack.sandboxUrl)).filter((p) => p.emails.apollo);
    for (const person of world.slice(0, 8)) {
      await enqueue(stack, apiKey, { type: 'person.email', input: personInput(person), priority: 'bulk' });
    }
    await eventually(() => alertsOf(sink, 'provider.failure_rate').length === 1 || undefined, {
      what: 'the failure-rate alert',
    });
    expect(alertsOf(sink, 'provider.failure_rate')[0]).toMatchObject({
      provider: 'apollo',
      severity: 'critical',
    });

    // A task waiting at Apollo whose deadline passed while no worker finished it (the workers are
    // gone: a running worker would fail it at its deadline, as it should).
    await stack.worker?.close();
    stack.worker = null;
    const [, stuck] = await db.dataSource.query<[unknown, number]>(
      `UPDATE enrichment_steps
          SET state = 'pending', provider_task_id = 'task-1', deadline_at = now() - interval '1 hour'
        WHERE id = (SELECT id FROM enrichment_steps WHERE provider = 'apollo' LIMIT 1)`,
    );
    expect(stuck).toBe(1);
    await eventually(() => alertsOf(sink, 'tasks.stuck').length === 1 || undefined, {
      what: 'the stuck-task alert',
    });

    // Paused for credits longer than allowed: one alert, besides the pause's own.
    await sandboxPatch(stack.sandboxUrl, 'apollo', { outage: false, credits: 0 });
    await check(stack, db);
    await eventually(() => alertsOf(sink, 'provider.paused_long').length === 1 || undefined, {
      what: 'the long-pause alert',
      timeoutMs: 30_000,
    });
    await settle();
    expect(alertsOf(sink, 'provider.paused')).toHaveLength(1);
    expect(alertsOf(sink, 'provider.failure_rate')).toHaveLength(1);
    expect(alertsOf(sink, 'tasks.stuck')).toHaveLength(1);
    expect(alertsOf(sink, 'provider.paused_long')).toHaveLength(1);
  });

  it('alerts once for a provider without a balance endpoint that stays out of credits, however often it is probed, and says when the pause lasts', async () => {
    ctx = await setUp({
      ...alertEnv(),
      PROVIDER_OVERRIDES: JSON.stringify({ rocketreach: { enabled: false } }),
      CREDIT_PROBE_AFTER_MS: '500',
      OPS_CHECK_INTERVAL_MS: '300',
      PAUSE_ALERT_AFTER_MS: '3000',
    });
    const { stack, db } = ctx;
    // Serper publishes no balance: only its 402s tell it is out of credits, and only a call tried
    // again (a probe, every CREDIT_PROBE_AFTER_MS) tells the credits are back.
    await sandboxPatch(stack.sandboxUrl, 'serper', { credits: 0 });
    monitors.push(await startAppProcess('credit-monitor', stack.env));
    const { apiKey } = await createWorkspace(stack.gatewayUrl, 'Probe Co');
    const companies = (await answerKey<WorldCompany>(stack.sandboxUrl, 'companies'))
      .filter((company) => company.domain_known_by.includes('serper'))
      .slice(0, 3);
    expect(companies).toHaveLength(3);
    const ids: string[] = [];
    for (const company of companies) {
      ids.push(
        await enqueue(stack, apiKey, {
          type: 'company.domain',
          input: { company_name: company.company_name },
          options: { wait_for_credits: true },
        }),
      );
    }
    await eventually(() => alertsOf(sink, 'provider.paused').length >= 1 || undefined, {
      what: 'the pause alert',
    });
    // Six seconds of outage, probed about every second and refused each time: one pause alert, and
    // one long-pause alert once it has lasted three seconds from its first pause.
    await new Promise((resolve) => setTimeout(resolve, 6000));
    expect((await calls(stack.sandboxUrl, 'serper')).total).toBeGreaterThanOrEqual(4);
    await settle();
    expect({
      paused: alertsOf(sink, 'provider.paused').length,
      paused_long: alertsOf(sink, 'provider.paused_long').length,
      mails: smtp.mails.length,
    }).toEqual({ paused: 1, paused_long: 1, mails: 2 });

    // Credits back: the next probe's call is answered, the jobs complete, and both alerts re-arm.
    await sandboxPatch(stack.sandboxUrl, 'serper', { credits: 100 });
    const done = await Promise.all(ids.map((id) => finished(stack, apiKey, id, 20_000)));
    expect(done.map((view) => view.status)).toEqual(ids.map(() => 'completed'));
    await eventually(
      async () => {
        const rows = await db.dataSource.query<{ key: string; fired: boolean }[]>(
          `SELECT key, fired FROM alert_states WHERE key LIKE 'provider.paused%:serper' ORDER BY key`,
        );
        return rows.length === 2 && rows.every((row) => !row.fired) ? rows : undefined;
      },
      { what: 'the pause alerts re-armed' },
    );
  });

  it('does not raise the platform’s failure-rate alert for a workspace’s own key refused, as it does for the platform’s', async () => {
    ctx = await setUp({ ...alertEnv(), OPS_CHECK_INTERVAL_MS: '300', FAILURE_RATE_MIN_CALLS: '3' });
    const { db } = ctx;
    monitors.push(await startAppProcess('credit-monitor', ctx.stack.env));
    // Companies House refusing a workspace's own key (stored credentials that were wrong) and
    // Apollo refusing the platform's: ten calls each, every one refused.
    const row = (provider: string, ownAccount: boolean): string =>
      `('${provider}', 'company.profile', 'GET /company', 'error', 'unauthorized', 5, ${ownAccount})`;
    const rows = Array.from({ length: 10 }, () => [
      row('companies-house', true),
      row('apollo', false),
    ]).flat();
    await db.dataSource.query(
      `INSERT INTO provider_calls (provider, operation, endpoint, outcome, error_kind, latency_ms, own_account)
       VALUES ${rows.join(', ')}`,
    );
    await eventually(() => alertsOf(sink, 'provider.failure_rate').length === 1 || undefined, {
      what: 'Apollo’s failure-rate alert',
    });
    await settle();
    await new Promise((resolve) => setTimeout(resolve, 1000)); // a few more ops checks
    expect(alertsOf(sink, 'provider.failure_rate').map((alert) => alert.provider)).toEqual(['apollo']);
  });

  it('does not count a provider’s out-of-credits or rate-limited answers as failures, nor as calls: the pause and back-off handle those', async () => {
    ctx = await setUp({ ...alertEnv(), OPS_CHECK_INTERVAL_MS: '300', FAILURE_RATE_MIN_CALLS: '3' });
    const { stack, db } = ctx;
    monitors.push(await startAppProcess('credit-monitor', stack.env));
    // Serper out of credits (its calls answered 402, as it has no balance endpoint to read first)
    // and Snov.io in a storm of 429s, beside Apollo failing outright amid 429s of its own: ten
    // times as many as its failures, so that counted as calls they would hide the outage (5 of 55
    // is under the 10% threshold), as they do not from its circuit.
    const row = (provider: string, kind: string): string =>
      `('${provider}', 'company.domain', 'POST /search', 'error', '${kind}', 5)`;
    const rows = [
      ...Array.from({ length: 5 }, () => [row('serper', 'out_of_credits'), row('apollo', 'unavailable')]),
      ...Array.from({ length: 50 }, () => [row('snov', 'rate_limited'), row('apollo', 'rate_limited')]),
    ].flat();
    await db.dataSource.query(
      `INSERT INTO provider_calls (provider, operation, endpoint, outcome, error_kind, latency_ms) VALUES
         ${rows.join(', ')}`,
    );
    await eventually(() => alertsOf(sink, 'provider.failure_rate').length === 1 || undefined, {
      what: 'Apollo’s failure-rate alert',
    });
    await settle();
    await new Promise((resolve) => setTimeout(resolve, 1000)); // a few more ops checks
    expect(alertsOf(sink, 'provider.failure_rate').map((alert) => alert.provider)).toEqual(['apollo']);
    const [alert] = await db.dataSource.query<{ text: string; details: Record<string, unknown> }[]>(
      `SELECT text, details FROM alerts WHERE kind = 'provider.failure_rate'`,
    );
    // Its calls: the five failures and the monitor's balance reads, not the 429s.
    expect(alert?.details).toMatchObject({ failed: 5, held_back: 50 });
    expect(alert?.details.calls).toBeLessThan(10);
    expect(alert?.text).toMatch(/^5 of \d calls to apollo failed .* 50 more were answered 429/);
  });

  it('delivers a still-firing alert whose webhook delivery was given up once the webhook is back', async () => {
    ctx = await setUp({
      ...alertEnv(),
      OPS_CHECK_INTERVAL_MS: '300',
      FAILURE_RATE_MIN_CALLS: '3',
      ALERT_DELIVERY_ATTEMPTS: '1',
      ALERT_REDELIVER_AFTER_MS: '1000',
    });
    const { stack, db } = ctx;
    sink.down = true;
    monitors.push(await startAppProcess('credit-monitor', stack.env));
    // Apollo failing: a critical alert whose condition holds while the calls stay in the window.
    await db.dataSource.query(
      `INSERT INTO provider_calls (provider, operation, endpoint, outcome, error_kind, latency_ms)
       SELECT 'apollo', 'person.email', 'POST /people/match', 'error', 'unavailable', 5 FROM generate_series(1, 5)`,
    );
    const delivery = async (): Promise<{ ok: boolean } | undefined> =>
      (
        await db.dataSource.query<{ deliveries: Record<string, { ok: boolean }> }[]>(
          `SELECT deliveries FROM alerts WHERE kind = 'provider.failure_rate'`,
        )
      )[0]?.deliveries.webhook;
    await eventually(async () => (await delivery())?.ok === false || undefined, {
      what: 'the webhook delivery given up',
    });
    await eventually(() => smtp.mails.length === 1 || undefined, { what: 'the e-mail' });
    sink.down = false;
    // Back after its retries gave up: the alert, still firing, is delivered at the next round.
    await new Promise((resolve) => setTimeout(resolve, 4000));
    expect(alertsOf(sink, 'provider.failure_rate')).toHaveLength(1);
    expect(await delivery()).toMatchObject({ ok: true });
    await settle();
    expect(alertsOf(sink, 'provider.failure_rate')).toHaveLength(1);
    expect(smtp.mails).toHaveLength(1); // delivered channels are not sent again
  });

  it('a quota set after jobs were accepted refuses the next job at once (the gateway forgets it had none)', async () => {
    ctx = await setUp({ PROVIDER_OVERRIDES: APOLLO_ONLY });
    const { stack } = ctx;
    const { id: workspaceId, apiKey } = await createWorkspace(stack.gatewayUrl, 'Late Quota Co');
    const world = (await people(stack.sandboxUrl)).filter((p) => p.emails.apollo);
    const post = (i: number) =>
      call<{ code?: string }>(stack.gatewayUrl, 'POST', '/v1/jobs', {
        token: apiKey,
        body: { type: 'person.email', input: personInput(world[i]) },
      });
    // Accepted: the gateway now remembers, for a few seconds, that this workspace has no quota.
    expect((await post(0)).status).toBe(202);
    for (const provider of ['snov', 'rocketreach', 'apollo']) {
      const set = await call(
        stack.gatewayUrl,
        'PUT',
        `/v1/admin/workspaces/${workspaceId}/quotas/${provider}`,
        {
          token: TEST_ADMIN_TOKEN,
          body: { monthly_credits: 0 },
        },
      );
      expect(set.status).toBe(200);
    }
    const refused = await post(1);
    expect(refused.status).toBe(402);
    expect(refused.body.code).toBe('quota_exceeded');
    // And removing them lets work in again at once.
    for (const provider of ['snov', 'rocketreach', 'apollo']) {
      const removed = await call(
        stack.gatewayUrl,
        'DELETE',
        `/v1/admin/workspaces/${workspaceId}/quotas/${provider}`,
        { token: TEST_ADMIN_TOKEN },
      );
      expect(removed.status).toBeLessThan(300);
    }
    expect((await post(2)).status).toBe(202);
  });

  it('refuses work beyond a workspace’s quota with 402 and spends nothing; a quota stops spend mid-month', async () => {
    ctx = await setUp({ PROVIDER_OVERRIDES: APOLLO_ONLY });
    const { stack, db } = ctx;
    const { id: workspaceId, apiKey } = await createWorkspace(stack.gatewayUrl, 'Quota Co');
    const quota = (provider: string, body: Record<string, unknown>) =>
      call(stack.gatewayUrl, 'PUT', `/v1/admin/workspaces/${workspaceId}/quotas/${provider}`, {
        token: TEST_ADMIN_TOKEN,
        body,
      });
    expect((await quota('apollo', { monthly_credits: -1 })).status).toBe(400);
    const fine = await quota('apollo', { monthly_credits: 1e-7 });
    expect(fine.status).toBe(400);
    expect(JSON.stringify(fine.body)).toContain('at most 4 decimal places');
    expect((await quota('apollo', { monthly_credits: 5, policy: 'later' })).status).toBe(400);
    expect((await quota('nobody', { monthly_credits: 5 })).status).toBe(404);
    for (const provider of ['snov', 'rocketreach', 'apollo']) {
      expect((await quota(provider, { monthly_credits: 0 })).status).toBe(200);
    }
    const world = (await people(stack.sandboxUrl)).filter((p) => p.emails.apollo);
    const refused = await call<{ code: string; message: string }>(stack.gatewayUrl, 'POST', '/v1/jobs', {
      token: apiKey,
      body: { type: 'person.email', input: personInput(world[0]) },
    });
    expect(refused.status).toBe(402);
    expect(refused.body.code).toBe('quota_exceeded');
    expect(refused.body.message).toMatch(/apollo \(0 of 0 credits used\)/);
    expect(await db.dataSource.getRepository(EnrichmentRequest).countBy({ workspaceId })).toBe(0);
    expect(paidCalls(await calls(stack.sandboxUrl, 'apollo'), MATCH)).toBe(0);
    // A phone question is asked of the phone-lookup providers only: with their quotas used up it is
    // refused, whatever RocketReach has left (its adapter can find phones, and it was counted as able
    // to answer one: the job was accepted and then skipped every provider for its quota).
    for (const provider of ['orion-connect', 'astra-dialer', 'nimbus-lookup']) {
      expect((await quota(provider, { monthly_credits: 0 })).status).toBe(200);
    }
    expect((await quota('rocketreach', { monthly_credits: 50 })).status).toBe(200);
    const phone = await call<{ code: string; message: string }>(stack.gatewayUrl, 'POST', '/v1/jobs', {
      token: apiKey,
      body: { type: 'person.phone', input: personInput(world[0]) },
    });
    expect([phone.status, phone.body.code]).toEqual([402, 'quota_exceeded']);
    expect(phone.body.message).toMatch(
      /person\.phone: orion-connect .*astra-dialer .*nimbus-lookup \(0 of 0/,
    );
    expect(await db.dataSource.getRepository(EnrichmentRequest).countBy({ workspaceId })).toBe(0);
    expect((await quota('rocketreach', { monthly_credits: 0 })).status).toBe(200);

    // Two credits at Apollo, eight requests at once: two are answered, the others skip Apollo without a call.
    expect((await quota('apollo', { monthly_credits: 2 })).status).toBe(200);
    // In one submission, so that none is refused at the gateway once the first two have paid.
    const submitted = await call<{ accepted: { id: string }[] }>(stack.gatewayUrl, 'POST', '/v1/jobs/bulk', {
      token: apiKey,
      body: {
        jobs: world.slice(0, 8).map((person) => ({ type: 'person.email', input: personInput(person) })),
      },
    });
    expect(submitted.status).toBe(202);
    const ids = submitted.body.accepted.map((job) => job.id);
    expect(ids).toHaveLength(8);
    const views = await Promise.all(ids.map((id) => finished(stack, apiKey, id)));
    const apolloSteps = views.flatMap((view) => view.steps.filter((step) => step.provider === 'apollo'));
    expect(apolloSteps.filter((step) => step.state === 'completed')).toHaveLength(2);
    expect(apolloSteps.filter((step) => step.reason === 'quota_exceeded')).toHaveLength(6);
    expect(paidCalls(await calls(stack.sandboxUrl, 'apollo'), MATCH)).toBe(2);
    const credits = await call<{ providers: ProviderCredits[] }>(stack.gatewayUrl, 'GET', '/v1/credits', {
      token: apiKey,
    });
    expect(credits.body.providers.find((p) => p.provider === 'apollo')?.quota).toMatchObject({
      monthly_credits: 2,
      used: 2,
      remaining: 0,
      policy: 'refuse',
    });
    expect(
      (
        await call(stack.gatewayUrl, 'POST', '/v1/jobs', {
          token: apiKey,
          body: { type: 'person.email', input: personInput(world[9] as never) },
        })
      ).status,
    ).toBe(402);

    // Hold: work beyond the quota waits instead (after the workers' quota cache of 5 s lapses).
    expect((await quota('apollo', { monthly_credits: 3, policy: 'hold' })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 5500));
    const answered = await enqueue(stack, apiKey, {
      type: 'person.email',
      input: personInput(world[10]),
    });
    expect((await finished(stack, apiKey, answered)).status).toBe('completed');
    const held = await enqueue(stack, apiKey, {
      type: 'person.email',
      input: personInput(world[11]),
    });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(
      (await call<JobView>(stack.gatewayUrl, 'GET', `/v1/jobs/${held}`, { token: apiKey })).body.status,
    ).toBe('running');
    expect(paidCalls(await calls(stack.sandboxUrl, 'apollo'), MATCH)).toBe(3);
  });
});
