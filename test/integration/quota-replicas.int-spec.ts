import { CreditWallet } from '@sluice/queue';
import { Redis } from 'ioredis';
import type { PipelineGuards } from '../../apps/enrichment-worker/src/pipeline/pipeline-redis';
import { quotaMonth, WorkspaceQuotas } from '../../apps/enrichment-worker/src/pipeline/workspace-quotas';
import { createTestDatabase, requireEnv, type TestDatabase } from '../support/database';
import { deletePrefix, uniquePrefix } from '../support/redis';

/**
 * Two enrichment-worker replicas each keep their own few seconds' copy of a workspace's quotas, and
 * share the quota's wallet in Redis. A quota changed while one replica still holds the old copy must
 * not put the old allowance back in the shared wallet.
 */
describe('a workspace quota changed while two worker replicas run', () => {
  const redisUrl = requireEnv('REDIS_URL');
  let db: TestDatabase;
  let prefix: string;
  let redis: Redis;

  beforeAll(async () => {
    db = await createTestDatabase();
    prefix = uniquePrefix();
    redis = new Redis(redisUrl);
  });

  afterAll(async () => {
    redis?.disconnect();
    await db?.drop();
    await deletePrefix(redisUrl, prefix);
  });

  /** One replica's quotas: its own cache, the shared Redis and PostgreSQL. */
  const replica = (): WorkspaceQuotas =>
    new WorkspaceQuotas(db.dataSource, {
      redis,
      prefix: `${prefix}:pipeline`,
      queuePrefix: prefix,
    } as unknown as PipelineGuards);

  const setQuota = (workspaceId: string, credits: number): Promise<unknown> =>
    db.dataSource.query(
      `INSERT INTO workspace_quotas (workspace_id, provider, monthly_credits, policy, updated_at)
       VALUES ($1, 'apollo', $2, 'refuse', now())
       ON CONFLICT (workspace_id, provider)
       DO UPDATE SET monthly_credits = EXCLUDED.monthly_credits, updated_at = now()`,
      [workspaceId, credits],
    );

  /** A step's charge, as its settlement writes it: to the ledger, then to the quota's wallet. */
  const charge = async (
    quotas: WorkspaceQuotas,
    workspaceId: string,
    stepId: string,
    credits: number,
  ): Promise<void> => {
    await db.dataSource.query(
      `INSERT INTO credit_ledger (provider, workspace_id, kind, credits, idempotency_key)
       VALUES ('apollo', $1, 'charge', $2, $3)`,
      [workspaceId, credits, `charge:${stepId}`],
    );
    await quotas.commit(workspaceId, 'apollo', stepId, credits);
  };

  it('keeps the lowered quota in the shared wallet when the other replica still has the old one', async () => {
    const [{ id: workspaceId }] = await db.dataSource.query<{ id: string }[]>(
      `INSERT INTO workspaces (name, slug) VALUES ('Two Replicas Co', 'two-replicas-co') RETURNING id`,
    );
    await setQuota(workspaceId, 100);
    const a = replica();
    const b = replica();
    const ttl = 60_000;
    expect(await a.reserve(workspaceId, 'apollo', 'step-1', 1, ttl)).toEqual({ ok: true });
    await charge(a, workspaceId, 'step-1', 1);
    // The quota stays as it is for a while (past the replicas' first initialisation of its wallet).
    await new Promise((resolve) => setTimeout(resolve, 31_000));
    // Replica B works for the workspace: it reads the quota of 100 and keeps it a few seconds.
    expect(await b.reserve(workspaceId, 'apollo', 'step-2', 1, ttl)).toEqual({ ok: true });
    await charge(b, workspaceId, 'step-2', 1);
    // The operator lowers the quota to 10 (2 credits spent): replica A reads it (its own copy had
    // expired, or a held step was woken) while B's copy still says 100.
    await setQuota(workspaceId, 10);
    expect(await a.reserve(workspaceId, 'apollo', 'step-3', 1, ttl, true)).toEqual({ ok: true });
    await charge(a, workspaceId, 'step-3', 1);
    // B, seconds later, asks for 50 credits: the quota has 7 left, whatever B remembers.
    const onB = await b.reserve(workspaceId, 'apollo', 'step-4', 50, ttl);
    expect(onB).toMatchObject({ ok: false, balance: 7 });
    // A goes on working at once, rather than waiting for a wallet that never becomes its quota's.
    const started = Date.now();
    expect(await a.reserve(workspaceId, 'apollo', 'step-5', 1, ttl)).toEqual({ ok: true });
    expect(Date.now() - started).toBeLessThan(2000);
    const wallet = new CreditWallet(redis, `${prefix}:pipeline:quota`);
    const snapshot = await wallet.snapshot(`${workspaceId}:apollo:${quotaMonth()}`);
    expect(snapshot.balance).toBe(7);
  }, 90_000);
});
