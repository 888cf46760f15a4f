import { CreditMonitorConfig } from '@sluice/config';
import { DataQuality } from '../../apps/gateway/src/admin-ops/data-quality';
import { createTestDatabase, type TestDatabase } from '../support/database';

describe('the compliance status’s results carrying RocketReach’s attribution', () => {
  let db: TestDatabase;
  let workspaceId: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    const [workspace] = await db.dataSource.query<{ id: string }[]>(
      `INSERT INTO workspaces (name, slug) VALUES ('attribution', 'attribution') RETURNING id`,
    );
    workspaceId = workspace.id;
  });

  afterAll(async () => {
    await db?.drop();
  });

  const finished = async (type: string, result: Record<string, unknown>): Promise<void> => {
    await db.dataSource.query(
      `INSERT INTO enrichment_requests (workspace_id, type, input, correlation_id, status, result, completed_at)
         VALUES ($1, $2, '{}', gen_random_uuid()::text, 'completed', $3::jsonb, now())`,
      [workspaceId, type, JSON.stringify(result)],
    );
  };

  it('counts every finished result that carries it, merged fields or not', async () => {
    const attribution = ['Powered by RocketReach'];
    // A company's domain found by RocketReach's company search: no merged fields.
    await finished('company.domain', {
      domain: { domain: 'acme.co.uk', source: 'rocketreach' },
      attribution,
    });
    // A chain's officer e-mails from RocketReach: kept with their officers, not merged.
    await finished('company.officer_emails', {
      officer_emails: [{ officer_key: 'k', email: 'a@acme.co.uk', source: 'rocketreach' }],
      attribution,
    });
    // A person's e-mail, merged into `data` with its source.
    await finished('person.email', {
      data: { business_email: 'b@acme.co.uk' },
      sources: { business_email: 'rocketreach' },
      attribution,
    });
    // Another provider's answer: no attribution owed.
    await finished('person.email', {
      data: { business_email: 'c@acme.co.uk' },
      sources: { business_email: 'snov' },
    });

    const report = await new DataQuality(db.dataSource, new CreditMonitorConfig()).compliance();
    expect(report.attribution).toEqual({ text: 'Powered by RocketReach', results: 3 });
  });
});
