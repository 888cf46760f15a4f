import { ProviderSettingsRow } from '@sluice/db';
import { call, createWorkspace } from '../support/api';
import { createTestDatabase, requireEnv, type TestDatabase } from '../support/database';
import { alertsOf, startHttpSink } from '../support/alert-sinks';
import {
  calls,
  enqueue,
  FAST,
  finished,
  job,
  people,
  personInput,
  sandboxPatch,
  type JobView,
} from '../support/pipeline';
import { deletePrefix, uniquePrefix } from '../support/redis';
import type { WorldPerson } from '../support/sandbox-world';
import { startStack, TEST_ADMIN_TOKEN, type Stack } from '../support/stack';
import { eventually } from '../support/wait';
import { startAppProcess, startWorkerProcess, type WorkerProcess } from '../support/worker-process';

interface SettingsView {
  name: string;
  settings: Record<string, unknown>;
  from_database: string[];
  defaults: Record<string, unknown>;
  updated_at: string | null;
  updated_by: string | null;
}

/**
 * Provider settings changed through the admin API reach a running worker process (its own process,
 * as in production) without a restart: the gateway announces the change over Redis pub/sub. The
 * worker's periodic reload is set far beyond the test's length, so only the announcement can
 * explain a change seen here.
 */
describe('provider settings edited live through the admin API', () => {
  const redisUrl = requireEnv('REDIS_URL');
  let db: TestDatabase;
  let prefix: string;
  let stack: Stack;
  let worker: WorkerProcess;
  let apiKey: string;
  let world: WorldPerson[];
  let used = 0;

  const put = (name: string, body: unknown, headers: Record<string, string> = {}) =>
    call<SettingsView & { message?: string[] }>(
      stack.gatewayUrl,
      'PUT',
      `/v1/admin/providers/${name}/settings`,
      {
        token: TEST_ADMIN_TOKEN,
        body,
        headers,
      },
    );
  const reset = (name: string) =>
    call<SettingsView>(stack.gatewayUrl, 'DELETE', `/v1/admin/providers/${name}/settings`, {
      token: TEST_ADMIN_TOKEN,
    });
  const emailSteps = (view: JobView) =>
    view.steps.filter((s) => s.goal === 'email').map((s) => [s.provider, s.state, s.reason]);

  /** A person both Snov.io and Apollo find, not asked for before (so no cache answers). */
  const nextPerson = (): WorldPerson => {
    const candidates = world.filter((p) => p.emails.snov === p.email && p.emails.apollo === p.email);
    const person = candidates[used];
    used += 1;
    if (!person) {
      throw new Error('the sandbox world has too few people known to both Snov.io and Apollo');
    }
    return person;
  };
  const lookUp = async (): Promise<JobView> =>
    finished(
      stack,
      apiKey,
      await enqueue(stack, apiKey, { type: 'person.email', input: personInput(nextPerson()) }),
    );

  beforeAll(async () => {
    db = await createTestDatabase();
    prefix = uniquePrefix();
    stack = await startStack({ databaseUrl: db.url, redisUrl, prefix, worker: false, env: FAST });
    worker = await startWorkerProcess({ ...stack.env, ...FAST, PROVIDER_SETTINGS_RELOAD_MS: '3600000' });
    apiKey = (await createWorkspace(stack.gatewayUrl, 'Live Settings Co')).apiKey;
    world = await people(stack.sandboxUrl);
  });

  afterAll(async () => {
    await worker?.stop();
    await stack?.close();
    await db?.drop();
    await deletePrefix(redisUrl, prefix);
  });

  it('starts from the environment: Snov.io goes first and nothing comes from the database', async () => {
    const list = await call<{ providers: SettingsView[] }>(
      stack.gatewayUrl,
      'GET',
      '/v1/admin/providers/settings',
      {
        token: TEST_ADMIN_TOKEN,
      },
    );
    expect(list.status).toBe(200);
    const snov = list.body.providers.find((p) => p.name === 'snov');
    expect(snov).toMatchObject({
      settings: {
        enabled: true,
        priority: 1,
        rate_limits: [{ name: 'minute', limit: 60, window_ms: 60000 }],
      },
      from_database: [],
      updated_at: null,
    });
    expect(list.body.providers.map((p) => p.name)).toContain('companies-house');
    expect(emailSteps(await lookUp())[0]).toEqual(['snov', 'completed', null]);
  });

  it('disabling a provider makes new jobs skip it at once, and re-enabling it brings it back', async () => {
    const disabled = await put('snov', { enabled: false }, { 'x-admin-user': 'jane.ops' });
    expect(disabled.status).toBe(200);
    expect(disabled.body).toMatchObject({
      settings: { enabled: false, priority: 1 },
      from_database: ['enabled'],
      updated_by: 'jane.ops',
    });
    // The workspace's view of the providers says so too.
    const listed = await call<{ providers: { name: string; enabled: boolean }[] }>(
      stack.gatewayUrl,
      'GET',
      '/v1/providers',
      { token: apiKey },
    );
    expect(listed.body.providers.find((p) => p.name === 'snov')?.enabled).toBe(false);
    expect(listed.body.providers.find((p) => p.name === 'apollo')?.enabled).toBe(true);
    await eventually(
      async () => {
        const steps = emailSteps(await lookUp());
        if (steps[0]?.[0] !== 'snov' || steps[0]?.[2] !== 'disabled') {
          throw new Error(`snov not skipped yet: ${JSON.stringify(steps)}`);
        }
        expect(steps).toContainEqual(['apollo', 'completed', null]);
        return true;
      },
      { timeoutMs: 30_000, what: 'Snov.io skipped as disabled' },
    );

    const enabled = await put('snov', { enabled: null });
    expect(enabled.status).toBe(200);
    expect(enabled.body).toMatchObject({ settings: { enabled: true }, from_database: [] });
    // A row emptied of every override is gone, not left behind holding nothing.
    expect(await db.dataSource.getRepository(ProviderSettingsRow).count()).toBe(0);
    await eventually(
      async () => {
        const steps = emailSteps(await lookUp());
        if (steps[0]?.[0] !== 'snov' || steps[0]?.[1] !== 'completed') {
          throw new Error(`snov not back yet: ${JSON.stringify(steps)}`);
        }
        return true;
      },
      { timeoutMs: 30_000, what: 'Snov.io used again' },
    );
  });

  it('a priority change reorders the waterfall, and DELETE restores the order', async () => {
    const changed = await put('snov', { priority: 10 });
    expect(changed.body).toMatchObject({ settings: { priority: 10 }, defaults: { priority: 1 } });
    await eventually(
      async () => {
        const steps = emailSteps(await lookUp());
        if (steps[0]?.[0] !== 'apollo') {
          throw new Error(`apollo not first yet: ${JSON.stringify(steps)}`);
        }
        expect(steps.map(([provider]) => provider)).not.toContain('snov');
        return true;
      },
      { timeoutMs: 30_000, what: 'Apollo first' },
    );
    const restored = await reset('snov');
    expect(restored.status).toBe(200);
    expect(restored.body).toMatchObject({ settings: { priority: 1 }, from_database: [], updated_at: null });
    await eventually(
      async () => {
        const steps = emailSteps(await lookUp());
        if (steps[0]?.[0] !== 'snov') {
          throw new Error(`snov not first again: ${JSON.stringify(steps)}`);
        }
        return true;
      },
      { timeoutMs: 30_000, what: 'Snov.io first again' },
    );
  });

  it('a lowered rate limit is enforced: the second call waits for the window', async () => {
    const WINDOW_MS = 15_000;
    // Apollo alone serves e-mail look-ups, at one call per window. The limit is written first: a
    // job that sees the later writes (its steps say so) runs with it too, as workers read every row.
    const limited = await put('apollo', { rate_limits: [{ name: 'live', limit: 1, window_ms: WINDOW_MS }] });
    expect(limited.status).toBe(200);
    expect(limited.body.settings.rate_limits).toEqual([{ name: 'live', limit: 1, window_ms: WINDOW_MS }]);
    for (const name of ['snov', 'rocketreach']) {
      expect((await put(name, { enabled: false })).status).toBe(200);
    }
    try {
      const before = (await calls(stack.sandboxUrl, 'apollo')).recent.length;
      const first = await lookUp();
      expect(emailSteps(first)).toEqual([
        ['snov', 'skipped', 'disabled'],
        ['rocketreach', 'skipped', 'disabled'],
        ['apollo', 'completed', null],
      ]);
      const second = await enqueue(stack, apiKey, { type: 'person.email', input: personInput(nextPerson()) });
      await new Promise((resolve) => setTimeout(resolve, 3000));
      expect((await job(stack, apiKey, second)).status).toBe('running');
      expect((await calls(stack.sandboxUrl, 'apollo')).recent.length - before).toBe(1);

      const done = await finished(stack, apiKey, second, 60_000);
      expect(emailSteps(done)).toContainEqual(['apollo', 'completed', null]);
      const times = (await calls(stack.sandboxUrl, 'apollo')).recent.slice(before);
      expect(times).toHaveLength(2);
      expect((times[1] ?? 0) - (times[0] ?? 0)).toBeGreaterThanOrEqual(WINDOW_MS);
    } finally {
      for (const name of ['snov', 'rocketreach', 'apollo']) {
        await reset(name);
      }
    }
  });

  it('a changed per-call cost is what the ledger charges, and max_credits and the view follow it', async () => {
    const dearer = await put('snov', { costs: { find_work_email: { credits: 3 } } });
    expect(dearer.status).toBe(200);
    expect(dearer.body).toMatchObject({
      settings: { costs: { find_work_email: { credits: 3, charged_on_miss: false } } },
      defaults: { costs: { find_work_email: { credits: 1, charged_on_miss: false } } },
      from_database: ['costs'],
    });
    // The other capability keeps its published price.
    expect(dearer.body.settings.costs).toMatchObject({ lookup_company: { credits: 1 } });
    const charged = async (view: JobView): Promise<number[]> =>
      (
        await db.dataSource.query<{ credits: string }[]>(
          `SELECT credits FROM credit_ledger WHERE request_id = $1 AND provider = 'snov' AND kind = 'charge'`,
          [view.id],
        )
      ).map((row) => Number(row.credits));
    try {
      const paid = await eventually(
        async () => {
          const view = await lookUp();
          const snov = view.steps.find((s) => s.goal === 'email' && s.provider === 'snov');
          if (snov?.credits !== 3) {
            throw new Error(`snov not at 3 credits yet: ${JSON.stringify(view.steps)}`);
          }
          return view;
        },
        { timeoutMs: 30_000, what: 'Snov.io charged at the new price' },
      );
      expect(await charged(paid)).toEqual([3]);

      // A budget of 2 credits no longer covers Snov.io: the waterfall goes on to Apollo (1 credit).
      const budgeted = await finished(
        stack,
        apiKey,
        await enqueue(stack, apiKey, {
          type: 'person.email',
          input: personInput(nextPerson()),
          max_credits: 2,
        }),
      );
      expect(emailSteps(budgeted)).toEqual([
        ['snov', 'skipped', 'over_budget'],
        ['apollo', 'completed', null],
      ]);

      // A capability the provider does not have, or a bad price, is refused by name.
      const bad = await put('snov', {
        costs: { find_phone: { credits: 1 }, find_work_email: { credits: -2 } },
      });
      expect(bad.status).toBe(400);
      const message = (bad.body.message ?? []).join('\n');
      expect(message).toContain("snov has no priced capability 'find_phone'");
      expect(message).toContain('costs.find_work_email.credits must be a number');

      const back = await put('snov', { costs: { find_work_email: null } });
      expect(back.body).toMatchObject({
        settings: { costs: { find_work_email: { credits: 1 } } },
        from_database: [],
      });
      await eventually(
        async () => {
          const view = await lookUp();
          const snov = view.steps.find((s) => s.goal === 'email' && s.provider === 'snov');
          if (snov?.credits !== 1) {
            throw new Error(`snov not back at 1 credit: ${JSON.stringify(view.steps)}`);
          }
          expect(await charged(view)).toEqual([1]);
          return true;
        },
        { timeoutMs: 30_000, what: 'Snov.io at its published price again' },
      );
    } finally {
      await reset('snov');
    }
  });

  it('refuses unknown or invalid fields by name and writes nothing; an unknown provider is a 404', async () => {
    const rows = () => db.dataSource.getRepository(ProviderSettingsRow).count();
    expect((await put('apollo', { priority: 4 })).status).toBe(200);
    const stored = await db.dataSource.getRepository(ProviderSettingsRow).find();
    const bad = await put('snov', {
      enabled: 'yes',
      colour: 'red',
      rate_limits: [{ name: 'm', limit: 0, window_ms: 1 }],
    });
    expect(bad.status).toBe(400);
    const message = (bad.body.message ?? []).join('\n');
    expect(message).toContain('unknown field(s) colour');
    expect(message).toContain('enabled must be true, false or null');
    expect(message).toContain('rate_limits[0].limit');
    // One valid field beside an invalid one is not written either.
    expect((await put('snov', { priority: 3, minimum_tier: 'gold' })).status).toBe(400);
    expect((await put('snov', {})).status).toBe(400);
    expect((await put('snov', [])).status).toBe(400);
    expect((await put('apollo', { priority: 'first' })).status).toBe(400);
    expect(await db.dataSource.getRepository(ProviderSettingsRow).find()).toEqual(stored);

    const missing = await put('acme', { enabled: false });
    expect(missing.status).toBe(404);
    expect(JSON.stringify(missing.body)).toContain("No provider 'acme'");
    expect((await reset('acme')).status).toBe(404);
    const anonymous = await call(stack.gatewayUrl, 'PUT', '/v1/admin/providers/snov/settings', {
      body: { enabled: false },
    });
    expect(anonymous.status).toBe(401);
    expect(await rows()).toBe(1);
    await reset('apollo');
    expect(await rows()).toBe(0);
  });

  it('a worker picks up a change it was never told about at its periodic reload', async () => {
    await worker.stop();
    worker = await startWorkerProcess({ ...stack.env, ...FAST, PROVIDER_SETTINGS_RELOAD_MS: '1000' });
    // Written behind the gateway's back: no announcement, only the periodic reload can find it.
    await db.dataSource.query(
      `INSERT INTO provider_settings (provider, overrides, updated_by) VALUES ('snov', '{"enabled": false}', 'test')`,
    );
    try {
      await eventually(
        async () => {
          const steps = emailSteps(await lookUp());
          if (steps[0]?.[2] !== 'disabled') {
            throw new Error(`snov not skipped yet: ${JSON.stringify(steps)}`);
          }
          return true;
        },
        { timeoutMs: 15_000, what: 'Snov.io skipped after the periodic reload' },
      );
    } finally {
      await reset('snov');
    }
  });

  it('the credit monitor alerts on thresholds stored through the API at its next balance check', async () => {
    const sink = await startHttpSink();
    const monitor = await startAppProcess('credit-monitor', { ...stack.env, ALERT_WEBHOOK_URL: sink.url });
    const snapshots = async (): Promise<number> =>
      Number(
        (
          await db.dataSource.query<{ n: string }[]>(
            `SELECT count(*) AS n FROM credit_snapshots WHERE provider = 'apollo'`,
          )
        )[0]?.n ?? 0,
      );
    const check = async (): Promise<void> => {
      const before = await snapshots();
      const answer = await call(stack.gatewayUrl, 'POST', '/v1/admin/credits/check', {
        token: TEST_ADMIN_TOKEN,
      });
      expect(answer.status).toBe(202);
      await eventually(async () => (await snapshots()) > before || undefined, {
        timeoutMs: 15_000,
        what: 'a new apollo snapshot',
      });
      // Deliveries follow the snapshot's commit: give them a moment to land.
      await new Promise((resolve) => setTimeout(resolve, 800));
    };
    try {
      await sandboxPatch(stack.sandboxUrl, 'apollo', { credits: 50 });
      await check();
      // 50 credits is well above the environment's thresholds (25 and 5).
      expect(alertsOf(sink, 'credits.threshold').filter((a) => a.provider === 'apollo')).toHaveLength(0);

      const raised = await put('apollo', { credit_warning: 60, credit_critical: 10 });
      expect(raised.status).toBe(200);
      expect(raised.body).toMatchObject({
        settings: { credit_warning: 60, credit_critical: 10 },
        defaults: { credit_warning: 25, credit_critical: 5 },
        from_database: ['credit_warning', 'credit_critical'],
      });
      await check();
      await eventually(
        () =>
          alertsOf(sink, 'credits.threshold').filter((a) => a.provider === 'apollo').length === 1 ||
          undefined,
        { what: 'the warning at the stored threshold' },
      );
      expect(alertsOf(sink, 'credits.threshold').find((a) => a.provider === 'apollo')).toMatchObject({
        severity: 'warning',
      });
    } finally {
      await reset('apollo');
      await monitor.stop();
      await sink.close();
    }
  });
});
