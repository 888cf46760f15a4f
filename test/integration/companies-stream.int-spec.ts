import type { INestApplication } from '@nestjs/common';
import { cacheKeyOf } from '@sluice/enrichment';
import { Redis } from 'ioredis';
import { createWorkerApp } from '../../apps/enrichment-worker/src/app';
import { call, createWorkspace } from '../support/api';
import { requireEnv } from '../support/database';
import { answerKey, enqueue, job, sandboxPatch, setUp, tearDown } from '../support/pipeline';
import type { WorldCompany } from '../support/sandbox-world';
import { eventually } from '../support/wait';
import { startAppProcess } from '../support/worker-process';

/** The sandbox streams the world's companies in order, one event per tick from its first timepoint. */
const FIRST_TIMEPOINT = 47_000_000;

interface CallCounts {
  by_endpoint: Record<string, number>;
}

describe('following the Companies House companies stream', () => {
  let ctx: Awaited<ReturnType<typeof setUp>>;
  let register: WorldCompany[];

  beforeAll(async () => {
    ctx = await setUp({ COMPANIES_HOUSE_STREAM_ENABLED: 'true' });
    register = await answerKey<WorldCompany>(ctx.stack.sandboxUrl, 'companies');
  });
  afterAll(() => tearDown(ctx));

  /** Waits until the stored position is past `timepoint`, and returns it. */
  function positionPast(timepoint: number): Promise<number> {
    return eventually(
      async () => {
        const now = await position();
        return now > timepoint ? now : null;
      },
      { timeoutMs: 15_000, what: `the stream past ${timepoint}` },
    );
  }

  async function position(): Promise<number> {
    const rows = await ctx.db.dataSource.query<{ timepoint: string }[]>(
      "SELECT timepoint FROM stream_positions WHERE stream = 'companies-house:companies'",
    );
    return rows[0] ? Number(rows[0].timepoint) : 0;
  }

  it('cancels pending paid work for a company that turns dissolved or striking-off, and refreshes the store', async () => {
    // A company far enough down the stream that its event comes after the work below is queued:
    // 24 events (6 s at the sandbox's pace) past where the stream is now, not past its start, which
    // on a loaded machine it may have left well behind by the time the stack is up.
    const ahead = Math.max(0, (await position()) - FIRST_TIMEPOINT) + 24;
    const index = register.findIndex(
      (c, i) =>
        i >= ahead &&
        (c.company_status === 'dissolved' || c.company_status_detail === 'active-proposal-to-strike-off'),
    );
    expect(index).toBeGreaterThan(0);
    const company = register[index];
    if (!company) {
      throw new Error('no dissolved or striking-off company far enough down the stream');
    }
    expect(await position()).toBeLessThan(FIRST_TIMEPOINT + index);

    // Paid (LOW) work about it, held on the wire by a slow search provider.
    await sandboxPatch(ctx.stack.sandboxUrl, 'serper', { latency_ms: 60_000 });
    const { apiKey } = await createWorkspace(ctx.stack.gatewayUrl, 'Stream Co');
    const id = await enqueue(ctx.stack, apiKey, {
      type: 'company.domain',
      input: { company_number: company.company_number, company_name: company.company_name },
    });
    await eventually(async () => {
      const view = await job(ctx.stack, apiKey, id);
      return view.steps.some((s) => s.provider === 'serper' && s.state === 'pending') ? view : null;
    });

    const cancelled = await eventually(
      async () => {
        const view = await job(ctx.stack, apiKey, id);
        return view.status === 'cancelled' ? view : null;
      },
      { timeoutMs: 60_000, what: `the stream to reach ${company.company_number}` },
    );
    const reason = company.company_status === 'dissolved' ? 'company_dissolved' : 'proposed_strike_off';
    expect(cancelled.error).toMatch(/register now says/);
    expect(cancelled.steps.map((s) => [s.provider, s.state, s.reason])).toEqual([
      ['serper', 'skipped', reason],
    ]);
    const [stored] = await ctx.db.dataSource.query<{ status: string; status_detail: string | null }[]>(
      'SELECT status, status_detail FROM companies WHERE company_number = $1',
      [company.company_number],
    );
    expect(stored).toEqual({ status: company.company_status, status_detail: company.company_status_detail });
    expect(await position()).toBeGreaterThanOrEqual(FIRST_TIMEPOINT + index);
  });

  it("drops every workspace's cached profile of a company the register strikes off, and only that", async () => {
    // A company far enough down the stream that its event comes after the lookups below, struck
    // off (dissolved or proposed for strike-off), and one whose events leave it active.
    const ahead = Math.max(0, (await position()) - FIRST_TIMEPOINT) + 40;
    const index = register.findIndex(
      (c, i) =>
        i >= ahead &&
        (c.company_status === 'dissolved' || c.company_status_detail === 'active-proposal-to-strike-off'),
    );
    const struck = register[index];
    const active = register.find((c) => c.company_status === 'active' && !c.company_status_detail);
    if (!struck || !active) {
      throw new Error('no struck-off company far enough down the stream, or no active company');
    }
    const workspaces = await Promise.all(
      ['Cache Co A', 'Cache Co B'].map((name) => createWorkspace(ctx.stack.gatewayUrl, name)),
    );
    for (const { apiKey } of workspaces) {
      // The register's copy in the store is shared by every workspace: made stale, so that each
      // workspace asks Companies House itself and caches its answer, as after the store's freshness
      // window (STORE_FRESH_DAYS) has passed.
      await ctx.db.dataSource.query(
        "UPDATE companies SET fetched_at = now() - interval '10 years' WHERE company_number = ANY($1)",
        [[struck.company_number, active.company_number]],
      );
      for (const company of [struck, active]) {
        const id = await enqueue(ctx.stack, apiKey, {
          type: 'company.profile',
          input: { company_number: company.company_number },
        });
        await eventually(async () =>
          (await job(ctx.stack, apiKey, id)).status === 'completed' ? true : null,
        );
      }
    }
    const redis = new Redis(requireEnv('REDIS_URL'));
    try {
      const cached = (company: WorldCompany) =>
        Promise.all(
          workspaces.map(
            async ({ id }) =>
              (await redis.exists(
                `${ctx.prefix}:pipeline:cache:${id}:${cacheKeyOf('companies-house', 'company.profile', {
                  company_number: company.company_number,
                })}`,
              )) === 1,
          ),
        );
      expect({ struck: await cached(struck), active: await cached(active) }).toEqual({
        struck: [true, true],
        active: [true, true],
      });
      expect(await position()).toBeLessThan(FIRST_TIMEPOINT + index);

      await positionPast(FIRST_TIMEPOINT + index);
      // Gone in both workspaces; the active company's profiles, whose events changed nothing, kept.
      expect({ struck: await cached(struck), active: await cached(active) }).toEqual({
        struck: [false, false],
        active: [true, true],
      });
    } finally {
      redis.disconnect();
    }
  });

  it('resumes from the stored timepoint after the connection drops', async () => {
    const counts = async (): Promise<number> =>
      (await call<CallCounts>(ctx.stack.sandboxUrl, 'GET', '/_sandbox/providers/companies-house/calls')).body
        .by_endpoint['GET /companies (stream)'] ?? 0;
    const connectionsBefore = await counts();
    const before = await position();
    const dropped = await call<{ disconnected: number }>(
      ctx.stack.sandboxUrl,
      'POST',
      '/_sandbox/providers/companies-house/stream/disconnect',
    );
    expect(dropped.body.disconnected).toBe(1);
    await eventually(async () => ((await counts()) > connectionsBefore ? true : null), { timeoutMs: 15_000 });
    // It carries on from where it was, not from the head or the start.
    const after = await positionPast(before + 4);
    expect(after).toBeGreaterThan(before);
  });

  it('resumes from its timepoint after a restart, with no event lost or applied twice', async () => {
    // Stop the worker that follows the stream (it hands back its lease) and start another.
    await (ctx.stack.worker as INestApplication).close();
    ctx.stack.worker = null;
    const stopped = await position();
    const { app } = await createWorkerApp(ctx.stack.env);
    ctx.stack.worker = app;
    await app.listen(0, '127.0.0.1');
    // The new one asks for the stream after the last event handled: the sandbox saw that request.
    const resumed = await eventually(
      async () => {
        const opened = (
          await call<{ timepoint: number | null; from: number }[]>(
            ctx.stack.sandboxUrl,
            'GET',
            '/_sandbox/providers/companies-house/stream/connections',
          )
        ).body;
        const last = opened.at(-1);
        return last && last.timepoint === stopped ? last : null;
      },
      { timeoutMs: 20_000, what: `a connection resuming from ${stopped}` },
    );
    expect(resumed.from).toBe(stopped);
    const after = await positionPast(stopped + 3);
    expect(after).toBeGreaterThan(stopped);
  });

  it('follows from now when Companies House no longer keeps the stored timepoint (416), and alerts the gap', async () => {
    // The credit monitor turns the worker's word of the gap into an alert.
    const monitor = await startAppProcess('credit-monitor', ctx.stack.env);
    try {
      await streamFromStalePosition();
    } finally {
      await monitor.stop();
    }
  });

  async function streamFromStalePosition(): Promise<void> {
    await (ctx.stack.worker as INestApplication).close();
    ctx.stack.worker = null;
    // A position from before what the stream keeps: a worker stopped for longer than its retention.
    const stale = FIRST_TIMEPOINT - 5_000;
    await ctx.db.dataSource.query(
      "UPDATE stream_positions SET timepoint = $1 WHERE stream = 'companies-house:companies'",
      [stale],
    );
    const { app } = await createWorkerApp(ctx.stack.env);
    ctx.stack.worker = app;
    await app.listen(0, '127.0.0.1');
    // Before, every reconnect asked for the refused position again, and the stream was never followed.
    const after = await positionPast(FIRST_TIMEPOINT);
    const opened = (
      await call<{ timepoint: number | null; from: number | null; refused?: number }[]>(
        ctx.stack.sandboxUrl,
        'GET',
        '/_sandbox/providers/companies-house/stream/connections',
      )
    ).body;
    const refused = opened.findIndex((connection) => connection.timepoint === stale);
    expect(refused).toBeGreaterThanOrEqual(0);
    expect(opened.filter((connection) => connection.timepoint === stale)).toHaveLength(1);
    expect(opened[refused]).toMatchObject({ refused: 416, from: null });
    // Then once from the head, and on from there.
    expect(opened.slice(refused + 1)).toEqual([expect.objectContaining({ timepoint: null })]);
    expect(after).toBeGreaterThanOrEqual(opened[refused + 1].from ?? Infinity);
    const alerts = await eventually(
      async () => {
        const rows = await ctx.db.dataSource.query<{ severity: string; details: Record<string, string> }[]>(
          "SELECT severity, details FROM alerts WHERE kind = 'stream.gap'",
        );
        return rows.length > 0 ? rows : null;
      },
      { timeoutMs: 15_000, what: 'the stream gap alert' },
    );
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      severity: 'warning',
      details: { stream: 'companies-house:companies', timepoint: String(stale) },
    });
  }
});
