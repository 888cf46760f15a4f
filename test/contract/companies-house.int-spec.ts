import type { CompanyOfficer } from '@sluice/enrichment';
import { CompaniesHouseAdapter, CompaniesHouseClient, ProviderError } from '@sluice/providers';
import { startTestSandbox, type TestSandbox } from '../../apps/provider-sandbox/src/testing/test-sandbox';
import type { WorldCompany } from '../support/sandbox-world';

describe('Companies House adapter against the sandbox', () => {
  let sandbox: TestSandbox;
  let companies: WorldCompany[];

  const adapter = (
    apiKey = 'sandbox-companies-house-key',
    officersPageSize?: number,
    beforeRequest?: () => Promise<void>,
  ) =>
    new CompaniesHouseAdapter(
      new CompaniesHouseClient({
        baseUrl: `${sandbox.url}/companies-house`,
        apiKey,
        timeoutMs: 5000,
        officersPageSize,
        beforeRequest,
      }),
    );

  beforeAll(async () => {
    sandbox = await startTestSandbox({ worldSize: 300 });
    companies = (await (
      await sandbox.request('/_sandbox/world/companies?limit=300')
    ).json()) as WorldCompany[];
  });

  afterAll(async () => {
    await sandbox?.close();
  });

  const officerCalls = async (): Promise<number> =>
    (
      (await (await sandbox.request('/_sandbox/providers/companies-house/calls')).json()) as {
        by_endpoint: Record<string, number>;
      }
    ).by_endpoint['GET /company/{company_number}/officers'] ?? 0;

  beforeEach(async () => {
    await sandbox.request('/_sandbox/reset', { method: 'POST' });
  });

  it('looks a company up, free, and misses one the register does not hold', async () => {
    const company = companies[0];
    expect((await adapter().lookupCompany({ companyNumber: company.company_number })).data).toMatchObject({
      status: 'hit',
      credits: 0,
      data: { companyNumber: company.company_number, name: company.company_name },
    });
    expect((await adapter().lookupCompany({ companyNumber: '09999999' })).data).toMatchObject({
      status: 'miss',
      credits: 0,
    });
  });

  it('lists every officer of a company in canonical form', async () => {
    const company = companies.find((c) => c.company_status === 'active')!;
    const raw = (await (
      await sandbox.request(
        `/companies-house/company/${company.company_number}/officers?items_per_page=100`,
        {
          headers: { authorization: `Basic ${Buffer.from('sandbox-k:').toString('base64')}` },
        },
      )
    ).json()) as { total_results: number; items: { name: string }[] };
    const result = await adapter().listCompanyOfficers(company.company_number);
    expect(result.data.status).toBe('hit');
    const officers = result.data.status === 'hit' ? result.data.data : [];
    expect(officers).toHaveLength(raw.total_results);
    expect(officers.map((o) => o.name)).toEqual(raw.items.map((i) => i.name));
    for (const officer of officers.filter((o) => o.kind === 'individual')) {
      expect(officer.firstName).toBeTruthy();
      expect(officer.lastName).toBeTruthy();
      expect(officer.active).toBe(officer.resignedOn === null);
    }
  });

  /** An active company with at least five officers, and its officers as one page lists them. */
  const companyWithOfficers = async (): Promise<{ company: WorldCompany; officers: CompanyOfficer[] }> => {
    for (const company of companies.filter((c) => c.company_status === 'active')) {
      const listed = await adapter().listCompanyOfficers(company.company_number);
      const officers = listed.data.status === 'hit' ? listed.data.data : [];
      if (officers.length >= 5) {
        return { company, officers };
      }
    }
    throw new Error('no company of the sandbox world has five officers');
  };

  it('pages through the officers of a company until the last one', async () => {
    const { company, officers } = await companyWithOfficers();
    const before = await officerCalls();
    const paged = await adapter('sandbox-companies-house-key', 2).listCompanyOfficers(company.company_number);
    expect(paged.data.status === 'hit' && paged.data.data).toEqual(officers);
    expect((await officerCalls()) - before).toBe(Math.ceil(officers.length / 2));
  });

  it('passes its gate before each page, and stops before a page the gate refuses', async () => {
    const { company, officers } = await companyWithOfficers();
    const pages = Math.ceil(officers.length / 2);
    let gated = 0;
    const before = await officerCalls();
    const listed = await adapter('sandbox-companies-house-key', 2, () => {
      gated += 1;
      return Promise.resolve();
    }).listCompanyOfficers(company.company_number);
    expect(listed.data.status).toBe('hit');
    expect(gated).toBe(pages);
    expect((await officerCalls()) - before).toBe(pages);

    // A window with room for two requests: the third page is never asked for.
    let left = 2;
    const refused = await adapter('sandbox-companies-house-key', 2, () => {
      if (left === 0) {
        return Promise.reject(
          new ProviderError({ provider: 'companies-house', kind: 'rate_limited', message: 'no slot' }),
        );
      }
      left -= 1;
      return Promise.resolve();
    })
      .listCompanyOfficers(company.company_number)
      .catch((error: ProviderError) => error);
    expect(refused).toMatchObject({ kind: 'rate_limited', message: 'no slot' });
    expect((await officerCalls()) - before).toBe(pages + 2);
  });

  it('searches companies by name', async () => {
    const company = companies[10];
    const result = await adapter().searchCompanies({ name: company.company_name, limit: 5 });
    expect(result.data.status === 'hit' && result.data.data.map((h) => h.companyNumber)).toContain(
      company.company_number,
    );
  });

  it('reads its 429 with the X-Ratelimit reset as a wait, and refuses a non-sandbox key', async () => {
    await sandbox.send('PATCH', '/_sandbox/providers/companies-house', {
      rate_limit: { limit: 1, window_seconds: 300 },
    });
    await adapter().lookupCompany({ companyNumber: companies[0].company_number });
    const limited = (await adapter()
      .lookupCompany({ companyNumber: companies[1].company_number })
      .catch((e: unknown) => e)) as ProviderError;
    expect(limited.kind).toBe('rate_limited');
    expect(limited.retryAfterMs).toBeGreaterThan(200_000);
    expect(
      await adapter('live-key-12345678')
        .lookupCompany({ companyNumber: '00000001' })
        .catch((e: unknown) => e),
    ).toMatchObject({
      kind: 'unauthorized',
    });
  });

  it('refuses a streaming key on the REST API as unauthorized (Companies House issues the two apart)', async () => {
    expect(
      await adapter('sandbox-companies-house-stream-key')
        .lookupCompany({ companyNumber: companies[0].company_number })
        .catch((e: unknown) => e),
    ).toMatchObject({ kind: 'unauthorized', status: 401 });
  });
});
