import { randomUUID } from 'node:crypto';
import { StoredResults } from '../../apps/enrichment-worker/src/pipeline/stored-results';
import { PipelineConfig } from '@sluice/config';
import type { EnrichmentRequest, EnrichmentStep } from '@sluice/db';
import { cacheKeyOf, GOALS } from '@sluice/enrichment';
import { mapRocketReachProfile } from '@sluice/providers';
import { createTestDatabase, type TestDatabase } from '../support/database';

/**
 * A number's extension (which E.164 has no room for) is stored with the number in PostgreSQL and
 * given again when the store answers a later phone question.
 */
describe('phone extensions in the store', () => {
  let db: TestDatabase;
  let stored: StoredResults;
  const workspaceId = randomUUID();
  const question = { first_name: 'jane', last_name: 'doe', domain: 'acme.co.uk' };
  const input = { person: { firstName: 'Jane', lastName: 'Doe', domain: 'acme.co.uk' } };
  const request = {
    workspaceId,
    input: { first_name: 'Jane', last_name: 'Doe', domain: 'acme.co.uk' },
  } as unknown as EnrichmentRequest;
  // A RocketReach profile lookup: the profile it answers with carries the person's phones.
  const step = {
    goal: 'profile',
    provider: 'rocketreach',
    cacheKey: cacheKeyOf('rocketreach', GOALS.profile.operation, question),
  } as unknown as EnrichmentStep;

  beforeAll(async () => {
    db = await createTestDatabase();
    stored = new StoredResults(db.dataSource, new PipelineConfig());
  });

  afterAll(async () => {
    await db?.drop();
  });

  /** What the store answers the phone question with now. */
  const answer = async () =>
    stored.fresh(workspaceId, GOALS.phone, input, null, { question, phoneType: 'any' });

  /** A RocketReach profile giving the direct line with `extension`, as its adapter maps it, stored. */
  const write = async (extension: string | null) => {
    const person = mapRocketReachProfile({
      id: 1,
      status: 'complete',
      name: 'Jane Doe',
      current_employer_domain: 'acme.co.uk',
      phones: [{ number: '+44 20 7946 0958', e164: '+442079460958', extension, type: 'direct dial' }],
    });
    await db.dataSource.transaction((manager) =>
      stored.write(manager, request, step, { person }, GOALS.profile),
    );
  };

  it('stores the extension a provider found and answers a later question with it', async () => {
    await write('123');
    const rows = await db.dataSource.query<{ number: string; extension: string | null }[]>(
      'SELECT number, extension FROM person_phones WHERE workspace_id = $1',
      [workspaceId],
    );
    expect(rows).toEqual([{ number: '+442079460958', extension: '123' }]);
    expect(await answer()).toEqual({
      status: 'hit',
      credits: 0,
      output: {
        phones: [{ number: '+442079460958', extension: '123', kind: 'direct', country: 'GB' }],
        found_by: 'rocketreach',
      },
    });
  });

  it('keeps the stored extension when the number is found again without one, and takes a newer one', async () => {
    await write(null);
    expect(await answer()).toMatchObject({
      output: { phones: [{ number: '+442079460958', extension: '123' }] },
    });
    await write('456');
    expect(await answer()).toMatchObject({
      output: { phones: [{ number: '+442079460958', extension: '456' }] },
    });
    const [{ n }] = await db.dataSource.query<{ n: string }[]>(
      'SELECT count(*) AS n FROM person_phones WHERE workspace_id = $1',
      [workspaceId],
    );
    expect(Number(n)).toBe(1);
  });
});
