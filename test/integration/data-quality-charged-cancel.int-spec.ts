import { CreditMonitorConfig } from '@sluice/config';
import { DataQuality } from '../../apps/gateway/src/admin-ops/data-quality';
import { createTestDatabase, type TestDatabase } from '../support/database';

describe('the data-quality provider figures', () => {
  let db: TestDatabase;
  let workspaceId: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    const [workspace] = await db.dataSource.query<{ id: string }[]>(
      `INSERT INTO workspaces (name, slug) VALUES ('quality', 'quality') RETURNING id`,
    );
    workspaceId = workspace.id;
  });

  afterAll(async () => {
    await db?.drop();
  });

  it('count a call its job was cancelled during, which the ledger charged, as usage does', async () => {
    const [request] = await db.dataSource.query<{ id: string }[]>(
      `INSERT INTO enrichment_requests (workspace_id, type, input, correlation_id, status, completed_at)
         VALUES ($1, 'email.verify', '{}', gen_random_uuid()::text, 'cancelled', now()) RETURNING id`,
      [workspaceId],
    );
    const step = async (
      seq: number,
      state: string,
      reason: string | null,
      credits: number,
    ): Promise<void> => {
      await db.dataSource.query(
        `INSERT INTO enrichment_steps (request_id, workspace_id, seq, goal, provider, operation, state, reason,
                                       credits, completed_at)
           VALUES ($1, $2, $3, 'verify', 'email-verifier', 'email.verify', $4, $5, $6, now())`,
        [request.id, workspaceId, seq, state, reason, credits],
      );
    };
    await step(0, 'completed', null, 1);
    // Skipped by the cancellation while its call was out: the provider charged it.
    await step(1, 'skipped', 'cancelled', 1);
    // Skipped before any call: no call, no charge.
    await step(2, 'skipped', 'cancelled', 0);

    const report = await new DataQuality(db.dataSource, new CreditMonitorConfig()).report({
      from: new Date(Date.now() - 3_600_000),
      to: new Date(Date.now() + 3_600_000),
      workspaceId,
      segment: null,
    });
    expect(report.providers).toEqual([
      { provider: 'email-verifier', calls: 2, hits: 1, credits: 2, hit_rate: 0.5, cost_per_hit: 2 },
    ]);
  });
});
