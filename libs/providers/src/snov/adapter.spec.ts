import type { ProviderCallInfo, ProviderResult } from '../call-info';
import type { Outcome } from '../port';
import type { FoundEmail } from '@sluice/enrichment';
import { SnovAdapter } from './adapter';
import type { SnovClient, SnovTask } from './client';
import type { SnovEmailFinderResult, SnovEmailFinderStartResponse, SnovFinderRow } from './types';

const call: ProviderCallInfo = {
  provider: 'snov',
  method: 'POST',
  endpoint: 'POST /v2/emails-by-domain-by-name/start',
  url: 'https://api.snov.test/v2/emails-by-domain-by-name/start',
  status: 200,
  latencyMs: 1,
};

const email = (address: string, verdict: FoundEmail['verdict']): FoundEmail => ({
  email: address,
  kind: 'work',
  verdict,
  confidence: verdict === 'valid' ? 0.9 : 0.5,
});

/** The two client methods the e-mail capability uses, recorded; everything else is never reached. */
function fakeClient(finished: Outcome<FoundEmail[][]>) {
  const started: { rows: SnovFinderRow[]; webhookUrl?: string }[] = [];
  const client = {
    startEmailFinder: (rows: SnovFinderRow[], webhookUrl?: string) => {
      started.push({ rows, webhookUrl });
      const result: ProviderResult<SnovTask, SnovEmailFinderStartResponse> = {
        data: { taskHash: 'task-1' },
        raw: { data: { task_hash: 'task-1' }, meta: { rows } },
        call,
        rateLimit: null,
      };
      return Promise.resolve(result);
    },
    getEmailFinderResult: () => {
      const result: ProviderResult<Outcome<FoundEmail[][]>, SnovEmailFinderResult> = {
        data: finished,
        raw: { status: 'completed', data: [], meta: { task_hash: 'task-1' } },
        call,
        rateLimit: null,
      };
      return Promise.resolve(result);
    },
  };
  // The adapter only calls the two methods above; the cast keeps the fake small.
  return { client: client as unknown as SnovClient, started };
}

describe('SnovAdapter.findWorkEmail', () => {
  it('starts a one-row search from first and last name and answers pending with the task hash', async () => {
    const { client, started } = fakeClient({ status: 'miss', credits: 0 });
    const adapter = new SnovAdapter(client, (kind) => `https://hooks.example/snov/${kind}/t0k3n`);
    const result = await adapter.findWorkEmail({
      firstName: ' Ada ',
      lastName: 'Lovelace',
      domain: 'analytical.io',
    });
    expect(result.data).toEqual({ status: 'pending', taskId: 'task-1', credits: 0 });
    expect(started).toEqual([
      {
        rows: [{ first_name: 'Ada', last_name: 'Lovelace', domain: 'analytical.io' }],
        webhookUrl: 'https://hooks.example/snov/email_finder/t0k3n',
      },
    ]);
  });

  it('splits a full name into its first and last word', async () => {
    const { client, started } = fakeClient({ status: 'miss', credits: 0 });
    await new SnovAdapter(client).findWorkEmail({ fullName: 'Ada King Lovelace', domain: 'analytical.io' });
    expect(started[0].rows).toEqual([{ first_name: 'Ada', last_name: 'Lovelace', domain: 'analytical.io' }]);
    expect(started[0].webhookUrl).toBeUndefined();
  });

  it.each([
    ['no domain', { firstName: 'Ada', lastName: 'Lovelace' }],
    ['a one-word name', { fullName: 'Ada', domain: 'analytical.io' }],
    ['no last name', { firstName: 'Ada', domain: 'analytical.io' }],
  ])('refuses %s before starting anything', async (_case, query) => {
    const { client, started } = fakeClient({ status: 'miss', credits: 0 });
    await expect(new SnovAdapter(client).findWorkEmail(query)).rejects.toMatchObject({ kind: 'bad_request' });
    expect(started).toHaveLength(0);
  });
});

describe('SnovAdapter.completeWorkEmail', () => {
  it('prefers a valid e-mail of the row and keeps the credits of every e-mail returned', async () => {
    const { client } = fakeClient({
      status: 'hit',
      credits: 2,
      data: [[email('a@x.io', 'catch_all'), email('ada@x.io', 'valid')]],
    });
    const result = await new SnovAdapter(client).completeWorkEmail('task-1');
    expect(result.data).toEqual({ status: 'hit', credits: 2, data: email('ada@x.io', 'valid') });
  });

  it('passes a pending task through unchanged', async () => {
    const { client } = fakeClient({ status: 'pending', taskId: 'task-1', credits: 0 });
    expect((await new SnovAdapter(client).completeWorkEmail('task-1')).data).toEqual({
      status: 'pending',
      taskId: 'task-1',
      credits: 0,
    });
  });
});
