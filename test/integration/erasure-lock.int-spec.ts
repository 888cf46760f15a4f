import type { CallbackConfig, CoreConfig } from '@sluice/config';
import { ERASURE_LOCK_CLASS, createDataSource } from '@sluice/db';
import type { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type { DataSource } from 'typeorm';
import { DurableIdempotencyAnswers } from '../../apps/gateway/src/auth/durable-idempotency-answers';
import { ErasureService } from '../../apps/gateway/src/persons/erasure.service';
import { createTestDatabase, requireEnv, type TestDatabase } from '../support/database';
import { deletePrefix, uniquePrefix } from '../support/redis';
import { eventually } from '../support/wait';

const EMAIL = 'jane.target@acme.example';
const LINKEDIN = 'https://www.linkedin.com/in/jane-target';

/**
 * An erasure in a workspace with a long history searches every row it keeps for the person, which
 * takes long; the workspace's erasure lock (which every settlement storing a named person takes
 * shared) is held exclusively only while the suppression is recorded, not while history is read.
 */
describe('erasure in a workspace with a long history', () => {
  let db: TestDatabase;
  let source: DataSource;
  let redis: Redis;
  let prefix: string;
  let workspaceId: string;
  const redisUrl = requireEnv('REDIS_URL');

  beforeAll(async () => {
    prefix = uniquePrefix();
    redis = new Redis(redisUrl);
    db = await createTestDatabase();
    // The gateway's own settings, its statement timeout included.
    source = createDataSource({ url: db.url, poolSize: 4 });
    await source.initialize();
    const [workspace] = await source.query<{ id: string }[]>(
      `INSERT INTO workspaces (name, slug) VALUES ('history', 'history') RETURNING id`,
    );
    workspaceId = workspace.id;
    // 60,000 finished jobs of other people, two steps each, the second with the answer found.
    await source.query(
      `INSERT INTO enrichment_requests (id, workspace_id, type, input, status, correlation_id, result)
       SELECT md5('r' || g)::uuid, $1, 'person.email',
              jsonb_build_object('full_name', 'Person ' || g, 'company_domain', 'co' || g % 500 || '.example'),
              'completed', 'c', jsonb_build_object('email', 'p' || g || '@co' || g % 500 || '.example')
         FROM generate_series(1, 60000) g`,
      [workspaceId],
    );
    await source.query(
      `INSERT INTO enrichment_steps (request_id, workspace_id, seq, provider, operation, state, credits, output)
       SELECT r.id, r.workspace_id, s, 'apollo', 'person.email', 'completed', 1,
              CASE s WHEN 2 THEN r.result || jsonb_build_object('title', 'Head of Things', 'raw', r.input) END
         FROM enrichment_requests r, generate_series(1, 2) s`,
    );
    // The person's own job and record.
    await source.query(
      `INSERT INTO enrichment_requests (id, workspace_id, type, input, status, correlation_id, result)
       VALUES (md5('target')::uuid, $1, 'person.email', '{"full_name": "Jane Target"}', 'completed', 'c', $2)`,
      [workspaceId, JSON.stringify({ email: EMAIL })],
    );
    await source.query(
      `INSERT INTO enrichment_steps (request_id, workspace_id, seq, provider, operation, state, credits, output)
       VALUES (md5('target')::uuid, $1, 1, 'apollo', 'person.email', 'completed', 1, $2)`,
      [workspaceId, JSON.stringify({ email: EMAIL, linkedin_url: LINKEDIN })],
    );
    await source.query(
      `INSERT INTO persons (workspace_id, email, linkedin_url, full_name, fetched_at)
       VALUES ($1, $2, $3, 'Jane Target', now())`,
      [workspaceId, EMAIL, LINKEDIN],
    );
    await source.query('ANALYZE');
  }, 120_000);

  afterAll(async () => {
    redis?.disconnect();
    await deletePrefix(redisUrl, prefix);
    await source?.destroy();
    await db?.drop();
  });

  it('lets settlements take the erasure lock while it searches the history', async () => {
    const erasure = new ErasureService(
      source,
      { client: Promise.resolve(redis) } as unknown as Queue,
      new DurableIdempotencyAnswers(source),
      { queuePrefix: prefix } as CoreConfig,
      { encryptionKey: undefined } as unknown as CallbackConfig,
    );
    let done = false;
    const erased = erasure.erase(workspaceId, 'email', EMAIL).finally(() => {
      done = true;
    });
    // While the erasure reads the steps, a settlement asks for the lock shared: it is free (asked
    // in the same statement that sees the search running, so the two are seen at one moment).
    const seen = await eventually(
      async () => {
        const [row] = await db.dataSource.query<{ searching: boolean; free: boolean | null }[]>(
          `WITH searching AS (
             SELECT EXISTS (SELECT 1 FROM pg_stat_activity
                             WHERE datname = current_database() AND pid <> pg_backend_pid()
                               AND state = 'active' AND query LIKE '%FROM enrichment_steps t%') AS yes)
           SELECT s.yes AS searching,
                  CASE WHEN s.yes THEN pg_try_advisory_xact_lock_shared($1, hashtext($2::text)) END AS free
             FROM searching s`,
          [ERASURE_LOCK_CLASS, workspaceId],
        );
        return row.searching || done ? row : null;
      },
      { timeoutMs: 60_000, intervalMs: 5, what: 'the erasure searching the steps' },
    );
    const report = await erased;
    expect(seen).toEqual({ searching: true, free: true });
    expect(report.erased).toMatchObject({ enrichment_requests: 1, persons: 1 });
    expect(report.suppressed).toEqual([{ kind: 'email' }, { kind: 'linkedin_url' }]);
    const [left] = await source.query<{ n: number }[]>(
      `SELECT (SELECT count(*) FROM enrichment_requests t WHERE t::text LIKE '%jane.target%')
            + (SELECT count(*) FROM enrichment_steps t WHERE t::text LIKE '%jane.target%')
            + (SELECT count(*) FROM persons t WHERE t::text LIKE '%jane.target%') AS n`,
    );
    expect(Number(left.n)).toBe(0);
    // The other people's history is untouched.
    const [kept] = await source.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM enrichment_steps`);
    expect(kept.n).toBe(120_000);
  }, 180_000);
});
