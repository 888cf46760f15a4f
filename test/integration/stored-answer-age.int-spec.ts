import { randomUUID } from 'node:crypto';
import { StoredResults } from '../../apps/enrichment-worker/src/pipeline/stored-results';
import { PipelineConfig } from '@sluice/config';
import type { EnrichmentRequest, EnrichmentStep } from '@sluice/db';
import { cacheKeyOf, GOALS, type Goal } from '@sluice/enrichment';
import { createTestDatabase, type TestDatabase } from '../support/database';

/**
 * An answer paid for again (its stored copy too old to serve, STORE_FRESH_DAYS) is as young in the
 * store as that answer: otherwise the next question finds it too old again and pays once more. For
 * every table the store answers from, at the level of its SQL.
 */
describe('the age of an answer stored again', () => {
  let db: TestDatabase;
  let stored: StoredResults;
  const workspaceId = randomUUID();
  const person = { firstName: 'Jane', lastName: 'Doe', domain: 'acme.co.uk' };
  const personQuestion = { first_name: 'jane', last_name: 'doe', domain: 'acme.co.uk' };
  const companyNumber = `T${Date.now().toString().slice(-7)}`;

  beforeAll(async () => {
    db = await createTestDatabase();
    stored = new StoredResults(db.dataSource, new PipelineConfig());
  });

  afterAll(async () => {
    await db?.drop();
  });

  const request = (input: Record<string, string>): EnrichmentRequest =>
    ({ workspaceId, input }) as unknown as EnrichmentRequest;
  const step = (goal: string, provider: string, cacheKey: string | null = null): EnrichmentStep =>
    ({ goal, provider, cacheKey }) as unknown as EnrichmentStep;

  /** `answer` stored as `provider`'s paid answer to `goal`, as a step's settlement stores it. */
  const write = async (
    goal: Goal,
    input: Record<string, string>,
    paid: EnrichmentStep,
    answer: Record<string, unknown>,
  ): Promise<void> => {
    await db.dataSource.transaction((manager) => stored.write(manager, request(input), paid, answer, goal));
  };

  /** Every row of `table` made older than the store serves (STORE_FRESH_DAYS is 90). */
  const age = async (table: string, where: string, value: string): Promise<void> => {
    await db.dataSource.query(
      `UPDATE ${table} SET fetched_at = now() - interval '100 days' WHERE ${where} = $1`,
      [value],
    );
  };

  /** The youngest age (ms) among `table`'s rows matching. */
  const ageOf = async (table: string, where: string, value: string): Promise<number> => {
    const [row] = await db.dataSource.query<{ fetched_at: Date }[]>(
      `SELECT max(fetched_at) AS fetched_at FROM ${table} WHERE ${where} = $1`,
      [value],
    );
    return Date.now() - (row?.fetched_at.getTime() ?? 0);
  };

  const HOUR = 3600_000;
  const personInput = { person };

  const cases: {
    name: string;
    table: string;
    where: string;
    value: string;
    store: () => Promise<void>;
    /** What the store answers the question with now (null: nothing fresh). */
    answer: () => Promise<unknown>;
  }[] = [
    {
      name: 'a phone number (person_phones)',
      table: 'person_phones',
      where: 'workspace_id',
      value: workspaceId,
      store: () =>
        write(
          GOALS.phone,
          { first_name: 'Jane', last_name: 'Doe', domain: 'acme.co.uk' },
          step('phone', 'astra-dialer', cacheKeyOf('astra-dialer', GOALS.phone.operation, personQuestion)),
          { phones: [{ number: '+447911123456', extension: null, kind: 'mobile', country: 'GB' }] },
        ),
      answer: () =>
        stored.fresh(workspaceId, GOALS.phone, personInput, null, {
          question: personQuestion,
          phoneType: 'any',
        }),
    },
    {
      name: 'a work e-mail (persons)',
      table: 'persons',
      where: 'workspace_id',
      value: workspaceId,
      store: () =>
        write(
          GOALS.email,
          { first_name: 'Jane', last_name: 'Doe', domain: 'acme.co.uk' },
          step('email', 'apollo', cacheKeyOf('apollo', GOALS.email.operation, personQuestion)),
          { email: 'jane.doe@acme.co.uk', kind: 'work', verdict: 'valid', confidence: 90 },
        ),
      answer: () => stored.fresh(workspaceId, GOALS.email, personInput, null),
    },
    {
      name: 'a profile (person_profiles)',
      table: 'person_profiles',
      where: 'workspace_id',
      value: workspaceId,
      store: async () => {
        const key = cacheKeyOf('rocketreach', GOALS.profile.operation, personQuestion);
        await db.dataSource.transaction((manager) =>
          stored.writeRevealed(manager, workspaceId, step('email', 'rocketreach', key), {
            profile: { fullName: 'Jane Doe', companyDomain: 'acme.co.uk' },
          } as never),
        );
      },
      answer: () =>
        stored.fresh(workspaceId, GOALS.profile, personInput, null, {
          question: personQuestion,
          phoneType: 'any',
        }),
    },
    {
      name: 'firmographics (company_firmographics)',
      table: 'company_firmographics',
      where: 'workspace_id',
      value: workspaceId,
      store: () =>
        write(
          GOALS.firmographics,
          { domain: 'acme.co.uk' },
          step(
            'firmographics',
            'rocketreach',
            cacheKeyOf('rocketreach', GOALS.firmographics.operation, { domain: 'acme.co.uk' }),
          ),
          { company: { name: 'Acme', domain: 'acme.co.uk', industry: 'widgets' } },
        ),
      answer: () =>
        stored.fresh(workspaceId, GOALS.firmographics, personInput, null, {
          question: { domain: 'acme.co.uk' },
          phoneType: 'any',
        }),
    },
    {
      name: 'a verification (email_verifications)',
      table: 'email_verifications',
      where: 'workspace_id',
      value: workspaceId,
      store: () =>
        write(
          GOALS.verify,
          { email: 'jane.doe@acme.co.uk' },
          step(
            'verify',
            'email-verifier',
            cacheKeyOf('email-verifier', GOALS.verify.operation, { email: 'jane.doe@acme.co.uk' }),
          ),
          { email: 'jane.doe@acme.co.uk', verdict: 'valid' },
        ),
      answer: () =>
        stored.fresh(workspaceId, GOALS.verify, { email: 'jane.doe@acme.co.uk', person: {} }, null, {
          question: { email: 'jane.doe@acme.co.uk' },
          phoneType: 'any',
        }),
    },
    {
      name: 'a company’s domain (company_domains)',
      table: 'company_domains',
      where: 'workspace_id',
      value: workspaceId,
      store: () =>
        write(GOALS.domain, { company_name: 'Acme Ltd' }, step('domain', 'serper'), { domain: 'acme.co.uk' }),
      answer: () => stored.fresh(workspaceId, GOALS.domain, { companyName: 'Acme Ltd', person: {} }, null),
    },
    {
      name: 'a company profile (companies)',
      table: 'companies',
      where: 'company_number',
      value: companyNumber,
      store: () =>
        write(GOALS.company, { company_number: companyNumber }, step('company', 'companies-house'), {
          company_number: companyNumber,
          company_name: 'ACME LIMITED',
          company_status: 'active',
        }),
      answer: () => stored.fresh(workspaceId, GOALS.company, { companyNumber, person: {} }, null),
    },
  ];

  it.each(cases)('serves $name again once bought again after it had aged out', async (c) => {
    await c.store();
    expect(await c.answer()).toMatchObject({ status: 'hit', credits: 0 });
    await age(c.table, c.where, c.value);
    expect(await c.answer()).toBeNull();
    // Bought again: as young as this answer, and served again.
    await c.store();
    expect(await ageOf(c.table, c.where, c.value)).toBeLessThan(HOUR);
    expect(await c.answer()).toMatchObject({ status: 'hit', credits: 0 });
  });

  it("renews a company's officers and an officer's e-mail found again (company_officers, officer_emails)", async () => {
    const officer = { name: 'DOE, Jane', role: 'director', appointed_on: '2020-01-01', officer_id: 'OFF1' };
    await write(GOALS.officers, { company_number: companyNumber }, step('officers', 'companies-house'), {
      officers: [officer],
    });
    const goal: Goal = {
      ...GOALS.email,
      id: 'email:OFF1',
      officer: { key: 'OFF1', name: 'DOE, Jane', firstName: 'Jane', lastName: 'Doe' } as Goal['officer'],
    };
    const found = { email: 'jane.doe@acme.co.uk', kind: 'work', verdict: 'valid', confidence: 90 };
    await write(goal, { company_number: companyNumber }, step('email:OFF1', 'apollo'), found);
    await age('company_officers', 'company_number', companyNumber);
    await age('officer_emails', 'company_number', companyNumber);

    await write(GOALS.officers, { company_number: companyNumber }, step('officers', 'companies-house'), {
      officers: [officer],
    });
    await write(goal, { company_number: companyNumber }, step('email:OFF1', 'apollo'), found);
    expect(await ageOf('company_officers', 'company_number', companyNumber)).toBeLessThan(HOUR);
    expect(await ageOf('officer_emails', 'company_number', companyNumber)).toBeLessThan(HOUR);
  });
});
