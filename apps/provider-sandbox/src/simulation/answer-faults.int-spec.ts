import { startTestSandbox, type TestSandbox } from '../testing/test-sandbox';

const SEARCH = '/serper/search';

/**
 * `answer_fault`: a successful answer spoiled after the provider has done the work and charged for
 * it, as a proxy's maintenance page, a cut-off body or a runaway one reach callers in production.
 */
describe('an answer the sandbox spoils', () => {
  let sandbox: TestSandbox;

  beforeAll(async () => {
    sandbox = await startTestSandbox({ worldSize: 50 });
  });

  afterAll(async () => {
    await sandbox?.close();
  });

  beforeEach(async () => {
    await sandbox.request('/_sandbox/reset', { method: 'POST' });
    await sandbox.send('PATCH', '/_sandbox/providers/serper', { credits: 10 });
  });

  const search = (init: RequestInit = {}): Promise<Response> =>
    sandbox.request(SEARCH, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'sandbox-serper' },
      body: JSON.stringify({ q: 'Acme Widgets Ltd' }),
      ...init,
    });
  const fault = (answer_fault: unknown): Promise<Response> =>
    sandbox.send('PATCH', '/_sandbox/providers/serper', { answer_fault });
  const credits = async (): Promise<number> =>
    ((await (await sandbox.request('/_sandbox/providers/serper')).json()) as { credits: number }).credits;

  it('answers as documented without one, and shows none', async () => {
    const answer = await search();
    expect(answer.status).toBe(200);
    expect(await answer.json()).toMatchObject({ searchParameters: { q: 'Acme Widgets Ltd' } });
    expect(await (await sandbox.request('/_sandbox/providers/serper')).json()).toMatchObject({
      answer_fault: null,
    });
  });

  it.each([
    ['html', 'text/html', (body: string) => /^<!DOCTYPE html>/.test(body)],
    ['empty', 'application/json', (body: string) => body === ''],
    ['json_null', 'application/json', (body: string) => body === 'null'],
  ])('answers 200 with %s in place of the answer, and still charges', async (kind, type, holds) => {
    expect((await fault({ kind })).status).toBe(200);
    const answer = await search();
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toContain(type);
    expect(holds(await answer.text())).toBe(true);
    expect(await credits()).toBe(9);
  });

  it('cuts the answer off halfway (truncated)', async () => {
    const whole = await (await search()).text();
    await fault({ kind: 'truncated' });
    const cut = await (await search()).text();
    expect(cut).toBe(whole.slice(0, Math.floor(whole.length / 2)));
    expect(() => JSON.parse(cut) as unknown).toThrow();
  });

  it.each([
    ['nul_in_text', '\u0000'],
    ['lone_surrogate_in_text', '\ud800'],
  ])('writes %s into free text only, as valid JSON', async (kind, character) => {
    await fault({ kind });
    const body = (await (await search()).json()) as { searchParameters: { q: string; type: string } };
    expect(body.searchParameters.q).toBe(`Acme${character} Widgets Ltd`);
    expect(body.searchParameters.type).toBe('search');
  });

  it('follows the answer with the padding asked for (oversized)', async () => {
    await fault({ kind: 'oversized', bytes: 3 * 1024 * 1024 });
    const answer = await search();
    const text = await answer.text();
    expect(answer.headers.get('content-length')).toBeNull();
    expect(text.length).toBeGreaterThan(3 * 1024 * 1024);
    expect(JSON.parse(text)).toMatchObject({ searchParameters: { q: 'Acme Widgets Ltd' } });
  });

  it('sends the headers at once and holds the rest of the body back (trickle)', async () => {
    await fault({ kind: 'trickle', pause_ms: 800 });
    const started = Date.now();
    const answer = await search();
    const headersAfter = Date.now() - started;
    const body = (await answer.json()) as { searchParameters: { q: string } };
    expect(headersAfter).toBeLessThan(700);
    expect(Date.now() - started).toBeGreaterThanOrEqual(800);
    expect(body.searchParameters.q).toBe('Acme Widgets Ltd');
  });

  it('spoils only the endpoints named, and never an error answer', async () => {
    await fault({ kind: 'html', endpoints: ['GET /account'] });
    expect((await search()).headers.get('content-type')).toContain('application/json');
    await fault({ kind: 'html' });
    const refused = await search({ headers: { 'content-type': 'application/json', 'x-api-key': 'wrong' } });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ message: 'Unauthorized.' });
  });

  it.each([
    ['an unknown kind', { kind: 'gibberish' }, 'answer_fault.kind'],
    ['bytes on another kind', { kind: 'html', bytes: 10 }, 'answer_fault.bytes'],
    ['a pause too long', { kind: 'trickle', pause_ms: 10_000_000 }, 'answer_fault.pause_ms'],
    [
      'endpoints not named as the calls are',
      { kind: 'html', endpoints: ['search'] },
      'answer_fault.endpoints',
    ],
    ['an unknown field', { kind: 'html', rate: 0.5 }, 'answer_fault.rate'],
  ])('refuses %s, naming the field', async (_, value, field) => {
    const answer = await fault(value);
    expect(answer.status).toBe(400);
    expect(JSON.stringify(await answer.json())).toContain(field);
  });
});
