import { createHash } from 'node:crypto';
import type { ModuleRef } from '@nestjs/core';
import type { CallbackConfig, CoreConfig, WorkerConfig } from '@sluice/config';
import { createDataSource, usageBetween } from '@sluice/db';
import type { DataSource, EntityManager } from 'typeorm';
import { RequestRecovery } from '../../apps/enrichment-worker/src/orchestrator/request-recovery.service';
import type { CreditGate } from '../../apps/enrichment-worker/src/pipeline/credit-gate';
import type { Orchestrator } from '../../apps/enrichment-worker/src/pipeline/orchestrator';
import { Redis } from 'ioredis';
import { spendOf } from '../../apps/gateway/src/credits/credits-spend';
import { SUPPRESSED_SQL } from '../../apps/gateway/src/persons/suppression-check';
import { createTestDatabase, requireEnv, type TestDatabase } from '../support/database';
import { deletePrefix, uniquePrefix } from '../support/redis';

const DAY_MS = 86_400_000;

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

/** Every node of a plan (EXPLAIN's JSON form), depth first. */
function nodesOf(node: PlanNode): PlanNode[] {
  return [node, ...(node.Plans ?? []).flatMap(nodesOf)];
}

/**
 * The reads over a window of steps or charges (usage, the recovery sweep, the credits' spend) are
 * served by an index, not by reading every step or charge ever kept: with a year of history they
 * must read the window's rows only. Each statement is planned as the code sends it, on tables
 * holding a year of rows of one workspace.
 */
describe('reads over a window of a large table', () => {
  let db: TestDatabase;
  let source: DataSource;
  let workspaceId: string;
  /** Each statement run through {@link explaining}, with its plan. */
  let planned: { sql: string; nodes: PlanNode[] }[];
  const redisUrl = requireEnv('REDIS_URL');
  let redis: Redis;
  let prefix: string;

  /** Runs every statement as given, after planning it with the same parameters. */
  const explaining = {
    query: async (sql: string, parameters?: unknown[]): Promise<unknown> => {
      const [row] = await source.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }[]>(
        `EXPLAIN (FORMAT JSON) ${sql}`,
        parameters,
      );
      planned.push({ sql, nodes: nodesOf(row['QUERY PLAN'][0].Plan) });
      return source.query(sql, parameters);
    },
  };

  const scansOf = (table: string): string[] =>
    planned.flatMap(({ nodes }) =>
      nodes
        .filter((node) => node['Relation Name'] === table)
        .map((node) => `${node['Node Type']}${node['Index Name'] ? ` ${node['Index Name']}` : ''}`),
    );

  beforeAll(async () => {
    prefix = uniquePrefix();
    redis = new Redis(redisUrl);
    db = await createTestDatabase();
    source = createDataSource({ url: db.url, poolSize: 1 });
    await source.initialize();
    const [workspace] = await source.query<{ id: string }[]>(
      `INSERT INTO workspaces (name, slug) VALUES ('history', 'history') RETURNING id`,
    );
    workspaceId = workspace.id;
    // A year of finished requests (two steps and one charge each), and a few steps pending now.
    await source.query(
      `INSERT INTO enrichment_requests (id, workspace_id, type, input, status, correlation_id, created_at, completed_at)
       SELECT md5('r' || g)::uuid, $1, 'person.email', '{}', 'completed', 'c', t, t
         FROM generate_series(1, 12000) g, LATERAL (SELECT now() - g * interval '45 minutes' AS t) at`,
      [workspaceId],
    );
    await source.query(
      `INSERT INTO enrichment_steps (request_id, workspace_id, seq, provider, operation, state, credits,
                                     created_at, completed_at)
       SELECT r.id, r.workspace_id, s, 'apollo', 'person.email', 'completed', 1, r.created_at, r.completed_at
         FROM enrichment_requests r, generate_series(1, 2) s`,
    );
    await source.query(
      `INSERT INTO credit_ledger (provider, workspace_id, request_id, kind, credits, idempotency_key, created_at)
       SELECT 'apollo', workspace_id, id, 'charge', 1, 'r:' || id, created_at FROM enrichment_requests`,
    );
    await source.query(
      `INSERT INTO enrichment_requests (id, workspace_id, type, input, status, correlation_id)
       VALUES (md5('pending')::uuid, $1, 'person.email', '{}', 'running', 'c')`,
      [workspaceId],
    );
    await source.query(
      `INSERT INTO enrichment_steps (request_id, workspace_id, seq, provider, operation)
       SELECT md5('pending')::uuid, $1, s, 'apollo', 'person.email' FROM generate_series(1, 3) s`,
      [workspaceId],
    );
    await source.query('ANALYZE enrichment_requests, enrichment_steps, credit_ledger');
  });

  beforeEach(() => {
    planned = [];
  });

  afterAll(async () => {
    redis?.disconnect();
    await deletePrefix(redisUrl, prefix);
    await source?.destroy();
    await db?.drop();
  });

  it('counts usage over a window, of a workspace or of all, from the window’s steps', async () => {
    const to = new Date();
    const from = new Date(to.getTime() - 7 * DAY_MS);
    const manager = explaining as unknown as EntityManager;
    const [workspace] = await usageBetween(manager, { from, to, workspaceId });
    const [all] = await usageBetween(manager, { from, to });
    // The 223 requests of the last 7 days (one every 45 minutes since the seeding), two steps each.
    expect(workspace).toMatchObject({ provider: 'apollo', calls: 446, credits: 446 });
    expect(all).toMatchObject({ provider: 'apollo', calls: 446, credits: 446 });
    expect(scansOf('enrichment_steps')).not.toContain('Seq Scan');
    expect(scansOf('enrichment_steps')).toHaveLength(2);
  });

  it('reads the pending steps for the recovery sweep without reading every step', async () => {
    const recovery = new RequestRecovery(
      explaining as unknown as DataSource,
      // The pending steps are newer than the cutoff: nothing to restore, Redis only keeps the position.
      { client: Promise.resolve(redis) } as unknown as ConstructorParameters<typeof RequestRecovery>[1],
      {} as ConstructorParameters<typeof RequestRecovery>[2],
      {} as WorkerConfig,
      {} as CallbackConfig,
      { queuePrefix: prefix } as CoreConfig,
      {} as ModuleRef,
      {} as CreditGate,
      {} as Orchestrator,
    );
    const sweep = recovery as unknown as {
      requeueLostSteps(cutoff: Date, renew: () => Promise<boolean>): Promise<number>;
    };
    expect(await sweep.requeueLostSteps(new Date(Date.now() - 3_600_000), () => Promise.resolve(true))).toBe(
      0,
    );
    expect(scansOf('enrichment_steps')).toEqual(['Index Scan ix_enrichment_steps_pending_created']);
  });

  it('reads the finished jobs with a callback URL of the look-back for the recovery sweep, not every finished job', async () => {
    // One job in ten carried a callback URL, and each of them was delivered.
    await source.query(
      `UPDATE enrichment_requests SET callback_url = 'https://hooks.example.com/sluice'
        WHERE completed_at IS NOT NULL AND get_byte(decode(md5(id::text), 'hex'), 0) < 26`,
    );
    const [{ count }] = await source.query<{ count: number }[]>(
      `WITH delivered AS (
         INSERT INTO callback_deliveries (workspace_id, request_id, webhook_id, url, attempt, status, created_at)
         SELECT workspace_id, id, 'msg_' || replace(id::text, '-', ''), callback_url, 1, 200, completed_at
           FROM enrichment_requests WHERE callback_url IS NOT NULL
         RETURNING 1)
       SELECT count(*)::int AS count FROM delivered`,
    );
    expect(count).toBeGreaterThan(500);
    await source.query('ANALYZE enrichment_requests, callback_deliveries');
    const recovery = new RequestRecovery(
      explaining as unknown as DataSource,
      { client: Promise.resolve(redis) } as unknown as ConstructorParameters<typeof RequestRecovery>[1],
      {} as ConstructorParameters<typeof RequestRecovery>[2],
      { callbackRecoveryMaxAgeMs: DAY_MS } as WorkerConfig,
      {} as CallbackConfig,
      { queuePrefix: prefix } as CoreConfig,
      {} as ModuleRef,
      {} as CreditGate,
      {} as Orchestrator,
    );
    const sweep = recovery as unknown as {
      requeueLostCallbacks(cutoff: Date, renew: () => Promise<boolean>): Promise<string[]>;
    };
    // Every one was delivered: nothing is queued, and Redis only keeps the scan's position.
    expect(
      await sweep.requeueLostCallbacks(new Date(Date.now() - 60_000), () => Promise.resolve(true)),
    ).toEqual([]);
    expect(scansOf('enrichment_requests')).toEqual(['Index Scan ix_enrichment_requests_callback_completed']);
    expect(scansOf('callback_deliveries')).not.toContain('Seq Scan');
  });

  it('sums the charges of the month and of the burn window from the window’s rows', async () => {
    const now = new Date();
    // GET /v1/credits's spend: the workspace's charges today and this month, every workspace's
    // over the burn window.
    const [apollo] = await spendOf(explaining as unknown as DataSource, workspaceId, now);
    // One charge every 45 minutes: the burn window's (7 days) are 223 of them.
    expect(Number(apollo?.burn)).toBe(223);
    expect(scansOf('credit_ledger')).not.toContain('Seq Scan');
  });

  it('looks a suppression up by workspace and identifier without reading the workspace’s others', async () => {
    // A workspace that erased many people, of both kinds.
    await source.query(
      `INSERT INTO suppressions (workspace_id, kind, identifier_hash)
       SELECT $1, CASE WHEN g % 2 = 0 THEN 'email' ELSE 'linkedin_url' END, md5(g::text)
         FROM generate_series(1, 20000) g`,
      [workspaceId],
    );
    await source.query('ANALYZE suppressions');
    // The check every job's creation and every paid call makes.
    const found = (await explaining.query(SUPPRESSED_SQL.text, [
      workspaceId,
      [createHash('md5').update('7').digest('hex'), 'not-suppressed'],
    ])) as { identifier_hash: string }[];
    expect(found).toHaveLength(1);
    expect(scansOf('suppressions')).toEqual(['Index Only Scan uq_suppressions_workspace_hash_kind']);
  });
});
