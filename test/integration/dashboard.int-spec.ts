import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { call, createWorkspace } from '../support/api';
import { ensureChromium } from '../support/chromium';
import type { TestDatabase } from '../support/database';
import { enqueue, finished, people, personInput, sandboxPatch, setUp, tearDown } from '../support/pipeline';
import { TEST_ADMIN_TOKEN, type Stack } from '../support/stack';
import { eventually } from '../support/wait';
import { startAppProcess, type WorkerProcess } from '../support/worker-process';

// Apollo alone, so the jobs below spend Apollo credits and the page has spend to show.
const APOLLO_ONLY = JSON.stringify({ snov: { enabled: false }, rocketreach: { enabled: false } });

interface Summary {
  providers: { provider: string; balance: number | null; paused: boolean; circuit: string }[];
  balance_history: { provider: string; points: { at: string; balance: number }[] }[];
  burn: { day: string; provider: string; credits: number }[];
  spend_by_provider: {
    provider: string;
    calls: number;
    hits: number;
    credits: number;
    hit_rate: number | null;
  }[];
  spend_by_workspace: { workspace: string; calls: number; credits: number }[];
  queues: { name: string; counts: Record<string, number> }[];
  alerts: { kind: string; severity: string; title: string }[];
}

describe('the ops dashboard', () => {
  let ctx: { stack: Stack; db: TestDatabase; prefix: string } | undefined;
  let monitor: WorkerProcess | undefined;
  let browser: Browser | undefined;

  beforeAll(() => {
    ensureChromium();
  });

  afterEach(async () => {
    await browser?.close();
    browser = undefined;
    await monitor?.stop();
    monitor = undefined;
    await tearDown(ctx);
    ctx = undefined;
  });

  const snapshots = async (db: TestDatabase): Promise<number> =>
    Number(
      (
        await db.dataSource.query<{ n: string }[]>(
          `SELECT count(*) AS n FROM credit_snapshots WHERE provider = 'apollo'`,
        )
      )[0]?.n ?? 0,
    );

  /** Asks for a balance check now (as ops would) and waits until the monitor has taken the reading. */
  const check = async (stack: Stack, db: TestDatabase): Promise<void> => {
    const before = await snapshots(db);
    const answer = await call(stack.gatewayUrl, 'POST', '/v1/admin/credits/check', {
      token: TEST_ADMIN_TOKEN,
    });
    expect(answer.status).toBe(202);
    await eventually(async () => (await snapshots(db)) > before || undefined, {
      timeoutMs: 15_000,
      what: 'a new apollo snapshot',
    });
  };

  const text = async (page: Page, selector: string): Promise<string> =>
    ((await page.locator(selector).first().textContent({ timeout: 5_000 })) ?? '').trim();

  it('serves only a session or the admin token, never the token in a cookie', async () => {
    ctx = await setUp({});
    const { stack } = ctx;
    const url = stack.gatewayUrl;

    const anonymous = await fetch(`${url}/dashboard`, { redirect: 'manual' });
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get('location')).toBe('/dashboard/login');
    expect((await call(url, 'GET', '/dashboard/api/summary')).status).toBe(401);
    const { apiKey } = await createWorkspace(url, 'Not An Admin');
    expect((await call(url, 'GET', '/dashboard/api/summary', { token: apiKey })).status).toBe(401);
    expect((await call(url, 'GET', '/dashboard/api/summary', { token: TEST_ADMIN_TOKEN })).status).toBe(200);

    const login = await fetch(`${url}/dashboard/login`);
    expect(login.status).toBe(200);
    const csp = login.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');

    const wrong = await call(url, 'POST', '/dashboard/login', {
      body: { token: 'not-the-admin-token-at-all' },
    });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('set-cookie')).toBeNull();
    const missing = await call(url, 'POST', '/dashboard/login', { body: {} });
    expect(missing.status).toBe(400);
    expect(JSON.stringify(missing.body)).toContain('token');

    const right = await call(url, 'POST', '/dashboard/login', { body: { token: TEST_ADMIN_TOKEN } });
    expect(right.status).toBe(204);
    const cookie = right.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^sluice_dashboard=v1\.\d+\.[\w-]{22}\.[\w-]{43};/);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    expect(cookie).not.toContain(TEST_ADMIN_TOKEN);
    const session = cookie.split(';')[0];
    const withSession = await call<Summary>(url, 'GET', '/dashboard/api/summary', {
      headers: { cookie: session },
    });
    expect(withSession.status).toBe(200);
    expect(withSession.body.providers.map((p) => p.provider)).toContain('apollo');
    expect(withSession.body.queues.map((q) => q.name)).toContain('credit-monitor');
    // A forged or altered session is refused.
    const forged = session.replace(/\.[\w-]+$/, '.' + 'A'.repeat(43));
    expect((await call(url, 'GET', '/dashboard/api/summary', { headers: { cookie: forged } })).status).toBe(
      401,
    );

    expect((await fetch(`${url}/dashboard/static/chart.umd.min.js`)).status).toBe(200);
    expect((await fetch(`${url}/dashboard/static/..%2Fsession.ts`)).status).toBe(404);
    expect((await fetch(`${url}/dashboard/static/toString`)).status).toBe(404);

    // Logging out revokes that session on the server too: a copy of the cookie is refused after.
    const another = await call(url, 'POST', '/dashboard/login', { body: { token: TEST_ADMIN_TOKEN } });
    const otherSession = (another.headers.get('set-cookie') ?? '').split(';')[0];
    const logout = await call(url, 'POST', '/dashboard/logout', { headers: { cookie: session } });
    expect(logout.status).toBe(204);
    expect(logout.headers.get('set-cookie')).toMatch(/^sluice_dashboard=; Max-Age=0;/);
    expect((await call(url, 'GET', '/dashboard/api/summary', { headers: { cookie: session } })).status).toBe(
      401,
    );
    const page = await fetch(`${url}/dashboard`, { redirect: 'manual', headers: { cookie: session } });
    expect(page.status).toBe(303);
    // Only that one: another login's session still works.
    expect(
      (await call(url, 'GET', '/dashboard/api/summary', { headers: { cookie: otherSession } })).status,
    ).toBe(200);

    // An operators' page, not public API: absent from the OpenAPI document (and the client).
    const spec = await call<{ paths: Record<string, unknown> }>(url, 'GET', '/docs-json');
    expect(Object.keys(spec.body.paths).filter((path) => path.startsWith('/dashboard'))).toEqual([]);
  });

  it('logs in with the admin token in Chromium, shows balances, spend and queues, and follows a drained balance without a reload', async () => {
    ctx = await setUp({ PROVIDER_OVERRIDES: APOLLO_ONLY });
    const { stack, db } = ctx;
    await sandboxPatch(stack.sandboxUrl, 'apollo', { credits: 40 });
    monitor = await startAppProcess('credit-monitor', stack.env);
    const { apiKey } = await createWorkspace(stack.gatewayUrl, 'Dashboard Co');
    await check(stack, db);

    // Some real spend through the pipeline: three Apollo lookups.
    const world = (await people(stack.sandboxUrl)).filter((p) => p.emails.apollo).slice(0, 3);
    const ids: string[] = [];
    for (const person of world) {
      ids.push(
        await enqueue(stack, apiKey, { type: 'person.email', input: personInput(person), priority: 'bulk' }),
      );
    }
    const views = await Promise.all(ids.map((id) => finished(stack, apiKey, id, 30_000)));
    expect(views.every((view) => view.status === 'completed')).toBe(true);
    await check(stack, db);

    // What the page is fed: the readings before and after, the ledger's burn, usage per provider and workspace.
    const summary = await call<Summary>(stack.gatewayUrl, 'GET', '/dashboard/api/summary', {
      token: TEST_ADMIN_TOKEN,
    });
    expect(summary.status).toBe(200);
    const readings =
      summary.body.balance_history.find((series) => series.provider === 'apollo')?.points ?? [];
    expect(readings.map((point) => point.balance)).toEqual(expect.arrayContaining([40, 37]));
    expect(summary.body.burn).toEqual([
      { day: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) as unknown, provider: 'apollo', credits: 3 },
    ]);
    expect(summary.body.spend_by_provider).toEqual([
      { provider: 'apollo', calls: 3, hits: 3, credits: 3, hit_rate: 1 },
    ]);
    expect(summary.body.spend_by_workspace).toEqual([
      expect.objectContaining({ workspace: 'Dashboard Co', calls: 3, credits: 3 }),
    ]);

    browser = await chromium.launch({
      executablePath: ensureChromium(),
      headless: true,
      args: ['--no-sandbox'],
    });
    const context = await browser.newContext({ viewport: { width: 1400, height: 1100 } });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') {
        problems.push(message.text());
      }
    });
    page.on('pageerror', (error) => problems.push(error.message));

    // Without a session the page sends the browser to the login form; a wrong token is refused.
    await page.goto(`${stack.gatewayUrl}/dashboard`);
    expect(new URL(page.url()).pathname).toBe('/dashboard/login');
    await page.fill('#token', 'not-the-admin-token-at-all');
    await page.click('#login-button');
    await page.locator('#login-error').waitFor({ state: 'visible', timeout: 10_000 });
    expect(await text(page, '#login-error')).toBe('Wrong admin token.');
    expect(new URL(page.url()).pathname).toBe('/dashboard/login');
    expect(await context.cookies()).toHaveLength(0);
    problems.length = 0; // the refused login's 401 is logged by the browser, as it should be

    await page.fill('#token', TEST_ADMIN_TOKEN);
    await Promise.all([page.waitForURL(`${stack.gatewayUrl}/dashboard`), page.click('#login-button')]);
    const [cookie] = await context.cookies();
    expect(cookie).toMatchObject({
      name: 'sluice_dashboard',
      httpOnly: true,
      sameSite: 'Strict',
      path: '/dashboard',
    });
    expect(cookie.value).not.toContain(TEST_ADMIN_TOKEN);

    // The balances the monitor read: 40 - 3 credits spent.
    const apolloRow = 'tr[data-provider="apollo"]';
    await eventually(async () => (await text(page, `${apolloRow} .balance`)) === '37' || undefined, {
      timeoutMs: 15_000,
      what: 'the apollo balance on the page',
    });
    expect(await text(page, `${apolloRow} .queue-state`)).toBe('running');
    expect(await text(page, `${apolloRow} .circuit`)).toBe('closed');
    expect(await page.evaluate(() => typeof (globalThis as unknown as { Chart?: unknown }).Chart)).toBe(
      'function',
    );
    expect(await page.locator('#balance-chart').getAttribute('height')).not.toBeNull();
    const spendRow = await text(page, '#spend-workspaces tbody tr');
    expect(spendRow).toContain('Dashboard Co');
    expect(await text(page, '#spend-providers tbody tr')).toContain('apollo');
    expect(await page.locator('#queues tbody tr[data-queue="credit-monitor"]').count()).toBe(1);

    // Drain Apollo at the provider: the next check reads 0 and pauses it; the open page follows.
    await page.evaluate(() => {
      (globalThis as unknown as { notReloaded?: boolean }).notReloaded = true;
    });
    await sandboxPatch(stack.sandboxUrl, 'apollo', { credits: 0 });
    await check(stack, db);
    await eventually(
      async () =>
        ((await text(page, `${apolloRow} .balance`)) === '0' &&
          (await text(page, `${apolloRow} .queue-state`)).startsWith('paused')) ||
        undefined,
      { timeoutMs: 20_000, what: 'the page to show apollo drained and paused' },
    );
    expect(await text(page, `${apolloRow} .queue-state`)).toBe('paused (credits)');
    expect(await page.evaluate(() => (globalThis as unknown as { notReloaded?: boolean }).notReloaded)).toBe(
      true,
    );
    await eventually(async () => (await text(page, '#alerts')).includes('critical') || undefined, {
      timeoutMs: 15_000,
      what: 'the pause alert in the list',
    });

    if (process.env.DASHBOARD_SCREENSHOT === '1') {
      const docs = join(__dirname, '..', '..', 'docs');
      mkdirSync(docs, { recursive: true });
      await page.screenshot({ path: join(docs, 'dashboard.png'), fullPage: true });
    }
    // No script error and no Content-Security-Policy violation (both are console errors).
    expect(problems).toEqual([]);

    // Logging out ends the page's access.
    await Promise.all([page.waitForURL(`${stack.gatewayUrl}/dashboard/login`), page.click('#logout')]);
    expect(await context.cookies()).toHaveLength(0);
    await page.goto(`${stack.gatewayUrl}/dashboard`);
    expect(new URL(page.url()).pathname).toBe('/dashboard/login');
  });
});
