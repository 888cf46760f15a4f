import { SerperAdapter, type ProviderCallRecord, type ProviderError } from '@sluice/providers';
import creditsSample from '../../libs/providers/src/serper/__fixtures__/error.400.not-enough-credits.json';
import searchSample from '../../libs/providers/src/serper/__fixtures__/search.response.200.with-credits-and-page.json';
import unauthorizedSample from '../../libs/providers/src/serper/__fixtures__/error.403.unauthorized.json';
import { startTestSandbox, type TestSandbox } from '../../apps/provider-sandbox/src/testing/test-sandbox';
import { keyPaths, type WorldCompany } from '../support/sandbox-world';

describe('Serper adapter against the sandbox', () => {
  let sandbox: TestSandbox;
  let companies: WorldCompany[];
  let calls: ProviderCallRecord[];

  const adapter = (apiKey = 'sandbox-serper-key'): SerperAdapter =>
    new SerperAdapter({
      baseUrl: `${sandbox.url}/serper`,
      apiKey,
      timeoutMs: 5000,
      onCall: (r) => calls.push(r),
    });
  const credits = async (): Promise<number> =>
    ((await (await sandbox.request('/_sandbox/providers/serper')).json()) as { credits: number }).credits;
  const patch = (body: unknown) => sandbox.send('PATCH', '/_sandbox/providers/serper', body);

  beforeAll(async () => {
    sandbox = await startTestSandbox({ worldSize: 300 });
    companies = (await (
      await sandbox.request('/_sandbox/world/companies?limit=300')
    ).json()) as WorldCompany[];
  });

  afterAll(async () => {
    await sandbox?.close();
  });

  beforeEach(async () => {
    calls = [];
    await sandbox.request('/_sandbox/reset', { method: 'POST' });
  });

  it('discovers the domain of every company Serper knows, and never a wrong one', async () => {
    // Sixty searches back to back would meet the sandbox's 50 per second, as they would at Serper.
    await patch({ rate_limit: { limit: 100, window_seconds: 1 } });
    const sample = companies.slice(0, 60);
    let hits = 0;
    for (const company of sample) {
      const result = await adapter().resolveCompanyDomain({ companyName: company.company_name });
      if (company.domain_known_by.includes('serper')) {
        expect(result.data).toMatchObject({ status: 'hit', data: { domain: company.domain }, credits: 1 });
        hits += 1;
      } else {
        expect(result.data).toMatchObject({ status: 'miss', credits: 1 });
      }
    }
    expect(hits).toBeGreaterThan(30);
    expect(await credits()).toBe(2500 - sample.length);
    expect(calls.every((c) => c.credits === 1 && c.endpoint === 'POST /search')).toBe(true);
  });

  it('maps exhausted credits (a 400 by message), a refused key and a QPS limit', async () => {
    expect(
      await adapter('live-key-123456')
        .search({ q: 'acme' })
        .catch((e: unknown) => e),
    ).toMatchObject({
      kind: 'unauthorized',
      status: 403,
    });
    await patch({ credits: 0 });
    expect(
      await adapter()
        .search({ q: 'acme' })
        .catch((e: unknown) => e),
    ).toMatchObject({
      kind: 'out_of_credits',
      status: 400,
    });
    await patch({ credits: 10, rate_limit: { limit: 1, window_seconds: 60 } });
    await adapter().search({ q: 'acme' });
    const limited = (await adapter()
      .search({ q: 'acme' })
      .catch((e: unknown) => e)) as ProviderError;
    expect(limited.kind).toBe('rate_limited');
  });

  it('refuses an empty query before calling', async () => {
    await expect(adapter().resolveCompanyDomain({ companyName: '  ' })).rejects.toMatchObject({
      kind: 'bad_request',
    });
    expect(calls).toEqual([]);
  });

  it('answers with the fields of the recorded answers', async () => {
    const search = await sandbox.request('/serper/search', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'sandbox-k' },
      body: JSON.stringify({ q: 'who is the cm of tamil nadu', page: 5 }),
    });
    expect(keyPaths(await search.json())).toEqual(keyPaths(searchSample).filter((p) => !p.endsWith('.date')));
    const refused = await sandbox.request('/serper/search', {
      method: 'POST',
      headers: { 'x-api-key': 'nope' },
    });
    expect(await refused.json()).toEqual(unauthorizedSample);
    await patch({ credits: 0 });
    const broke = await sandbox.request('/serper/search', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'sandbox-k' },
      body: JSON.stringify({ q: 'x' }),
    });
    expect(await broke.json()).toEqual(creditsSample);
  });
});
