import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  ProviderError,
  SnovAdapter,
  SnovClient,
  parseSnovWebhook,
  type ProviderCallRecord,
} from '@sluice/providers';
import balanceSample from '../../libs/providers/src/snov/__fixtures__/get-balance.response.200.json';
import domainSample from '../../libs/providers/src/snov/__fixtures__/domain-search.result.response.200.completed.json';
import finderSample from '../../libs/providers/src/snov/__fixtures__/email-finder.result.response.200.completed.json';
import finderStartSample from '../../libs/providers/src/snov/__fixtures__/email-finder.start.response.200.json';
import tokenSample from '../../libs/providers/src/snov/__fixtures__/oauth.access-token.response.200.json';
import { startTestSandbox, type TestSandbox } from '../../apps/provider-sandbox/src/testing/test-sandbox';
import { keyPaths, type WorldCompany, type WorldPerson } from '../support/sandbox-world';
import { eventually } from '../support/wait';

describe('Snov.io adapter against the sandbox', () => {
  let sandbox: TestSandbox;
  let people: WorldPerson[];
  let companies: WorldCompany[];
  let calls: ProviderCallRecord[];

  const client = (
    overrides: { clientSecret?: string; now?: () => number; fetch?: typeof fetch; timeoutMs?: number } = {},
  ): SnovClient =>
    new SnovClient({
      baseUrl: `${sandbox.url}/snov`,
      clientId: 'sandbox-snov-client-id',
      clientSecret: overrides.clientSecret ?? 'sandbox-snov-client-secret',
      timeoutMs: overrides.timeoutMs ?? 5000,
      now: overrides.now,
      fetch: overrides.fetch,
      onCall: (record) => calls.push(record),
    });

  const credits = async (): Promise<number> =>
    ((await (await sandbox.request('/_sandbox/providers/snov')).json()) as { credits: number }).credits;
  const endpointCalls = async (): Promise<Record<string, number>> =>
    (
      (await (await sandbox.request('/_sandbox/providers/snov/calls')).json()) as {
        by_endpoint: Record<string, number>;
      }
    ).by_endpoint;
  const patch = (body: unknown) => sandbox.send('PATCH', '/_sandbox/providers/snov', body);

  beforeAll(async () => {
    sandbox = await startTestSandbox({ seed: 20261122, worldSize: 300 });
    people = (await (await sandbox.request('/_sandbox/world/people?limit=1000')).json()) as WorldPerson[];
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
    await patch({ task_delay_ms: 50 });
  });

  const settle = <T>(poll: () => Promise<{ data: { status: string } } & T>) =>
    eventually(
      async () => {
        const result = await poll();
        return result.data.status === 'pending' ? undefined : result;
      },
      { what: 'the Snov.io task to finish', timeoutMs: 5000 },
    );

  describe('the access token', () => {
    it('is fetched once and reused by later calls', async () => {
      const snov = client();
      await snov.getBalance();
      await Promise.all([snov.getBalance(), snov.getBalance()]);
      const byEndpoint = await endpointCalls();
      expect(byEndpoint['POST /v1/oauth/access_token']).toBe(1);
      expect(byEndpoint['GET /v1/get-balance']).toBe(3);
    });

    it('is refreshed once when a call meets a 401, and the call succeeds', async () => {
      const snov = client();
      await snov.getBalance();
      expect(
        (await sandbox.request('/_sandbox/providers/snov/revoke-tokens', { method: 'POST' })).status,
      ).toBe(200);
      const balance = await snov.getBalance();
      expect(balance.data.remaining).toBe(1000);
      expect((await endpointCalls())['POST /v1/oauth/access_token']).toBe(2);
      expect(calls.map((c) => [c.endpoint, c.status])).toEqual([
        ['POST /v1/oauth/access_token', 200],
        ['GET /v1/get-balance', 200],
        ['GET /v1/get-balance', 401],
        ['POST /v1/oauth/access_token', 200],
        ['GET /v1/get-balance', 200],
      ]);
    });

    it('gives up as unauthorized when the refreshed token is refused too', async () => {
      // Spoils every token the client sends, so the sandbox refuses the call before and after the refresh.
      const spoiling: typeof fetch = (input, init) => {
        const headers = new Headers(init?.headers);
        const auth = headers.get('authorization');
        if (auth) {
          headers.set('authorization', `${auth}-spoiled`);
        }
        return fetch(input, { ...init, headers });
      };
      const error = (await client({ fetch: spoiling })
        .getBalance()
        .catch((e: unknown) => e)) as ProviderError;
      expect(error).toBeInstanceOf(ProviderError);
      expect(error).toMatchObject({ kind: 'unauthorized', status: 401, retryable: false });
      expect(await endpointCalls()).toEqual({
        'POST /v1/oauth/access_token': 2,
        'GET /v1/get-balance': 2,
      });
    });

    it('is renewed before the hour Snov.io grants runs out', async () => {
      let now = Date.now();
      const snov = client({ now: () => now });
      await snov.getBalance();
      now += 30 * 60_000;
      await snov.getBalance();
      expect((await endpointCalls())['POST /v1/oauth/access_token']).toBe(1);
      now += 30 * 60_000;
      await snov.getBalance();
      expect((await endpointCalls())['POST /v1/oauth/access_token']).toBe(2);
      expect(calls.filter((c) => c.status === 401)).toEqual([]);
    });

    it('fails as unauthorized with credentials Snov.io refuses, without leaking the secret', async () => {
      const error = (await client({ clientSecret: 'live-secret-value-123' })
        .getBalance()
        .catch((e: unknown) => e)) as ProviderError;
      expect(error).toBeInstanceOf(ProviderError);
      expect(error.kind).toBe('unauthorized');
      expect(JSON.stringify({ message: error.message, body: error.body, calls })).not.toContain(
        'live-secret-value-123',
      );
    });
  });

  describe('the e-mail finder', () => {
    it('finds the e-mail Snov.io holds, after the task finishes, charging 1 credit', async () => {
      const person = people.find((p) => p.emails.snov === p.email)!;
      const adapter = new SnovAdapter(client());
      const started = await adapter.findWorkEmail({
        firstName: person.first_name,
        lastName: person.last_name,
        domain: person.domain,
      });
      expect(started.data).toMatchObject({ status: 'pending', credits: 0 });
      const taskId = (started.data as { taskId: string }).taskId;
      const done = await settle(() => adapter.completeWorkEmail(taskId));
      expect(done.data).toMatchObject({
        status: 'hit',
        credits: 1,
        data: { email: person.email, kind: 'work' },
      });
      expect(await credits()).toBe(999);
      expect(calls.at(-1)).toMatchObject({ endpoint: 'GET /v2/emails-by-domain-by-name/result', credits: 1 });
    });

    it('charges 1 credit per e-mail found across the rows of one task, nothing for the row it misses', async () => {
      const known = people.filter((p) => p.emails.snov === p.email).slice(0, 2);
      const unknown = people.find((p) => !p.emails.snov)!;
      const snov = client();
      const { data } = await snov.startEmailFinder(
        [...known, unknown].map((p) => ({
          first_name: p.first_name,
          last_name: p.last_name,
          domain: p.domain,
        })),
      );
      const done = await settle(() => snov.getEmailFinderResult(data.taskHash));
      expect(done.data).toMatchObject({ status: 'hit', credits: 2 });
      expect(done.data.status === 'hit' ? done.data.data.map((row) => row.map((e) => e.email)) : []).toEqual([
        [known[0].email],
        [known[1].email],
        [],
      ]);
      expect(await credits()).toBe(998);
    });

    it('misses a person Snov.io does not know, charging nothing', async () => {
      const person = people.find((p) => !p.emails.snov)!;
      const adapter = new SnovAdapter(client());
      const started = await adapter.findWorkEmail({ fullName: person.full_name, domain: person.domain });
      const done = await settle(() => adapter.completeWorkEmail((started.data as { taskId: string }).taskId));
      expect(done.data).toEqual({ status: 'miss', credits: 0, reason: 'no e-mail found' });
      expect(await credits()).toBe(1000);
    });

    it('refuses more than 10 people, and a person without a domain, before calling', async () => {
      const snov = client();
      const rows = Array.from({ length: 11 }, () => ({ first_name: 'A', last_name: 'B', domain: 'a.io' }));
      await expect(snov.startEmailFinder(rows)).rejects.toMatchObject({ kind: 'bad_request' });
      await expect(
        new SnovAdapter(snov).findWorkEmail({ firstName: 'A', lastName: 'B' }),
      ).rejects.toMatchObject({
        kind: 'bad_request',
      });
      expect(await endpointCalls()).toEqual({});
    });

    it('reports out of credits when the account cannot pay for what was found', async () => {
      await patch({ credits: 0 });
      const person = people.find((p) => p.emails.snov === p.email)!;
      const snov = client();
      const { data } = await snov.startEmailFinder([
        { first_name: person.first_name, last_name: person.last_name, domain: person.domain },
      ]);
      const error = await eventually(
        async () => {
          const outcome = await snov.getEmailFinderResult(data.taskHash).catch((e: unknown) => e);
          return outcome instanceof ProviderError ? outcome : undefined;
        },
        { what: 'the out-of-credits answer', timeoutMs: 5000 },
      );
      expect(error.kind).toBe('out_of_credits');
    });

    it('calls back the webhook URL with a result the parser recognises', async () => {
      const received: unknown[] = [];
      const server: Server = createServer((req, res) => {
        let body = '';
        req.on('data', (chunk: Buffer) => (body += chunk.toString()));
        req.on('end', () => {
          received.push(JSON.parse(body));
          res.writeHead(204).end();
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      try {
        const hook = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/snov/t0k3n`;
        const person = people.find((p) => p.emails.snov === p.email)!;
        const adapter = new SnovAdapter(client(), () => hook);
        const started = await adapter.findWorkEmail({
          firstName: person.first_name,
          lastName: person.last_name,
          domain: person.domain,
        });
        const body = await eventually(() => Promise.resolve(received[0]), {
          what: 'the webhook',
          timeoutMs: 5000,
        });
        for (const path of keyPaths(finderSample).filter((p) => !p.includes('unknown_status_reason'))) {
          expect(keyPaths(body)).toContain(path);
        }
        const parsed = parseSnovWebhook(body);
        expect(parsed).toMatchObject({
          kind: 'email_finder',
          state: 'completed',
          taskHash: (started.data as { taskId: string }).taskId,
          credits: 1,
          rows: [{ emails: [{ email: person.email }] }],
        });
        expect(await credits()).toBe(999);
        const deliveries = (await (
          await sandbox.request('/_sandbox/providers/snov/webhooks')
        ).json()) as unknown[];
        expect(deliveries).toEqual([expect.objectContaining({ url: hook, attempt: 1, status: 204 })]);
      } finally {
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    });
  });

  describe('the domain search', () => {
    it('describes a company Snov.io knows, charging 1 credit', async () => {
      const company = companies.find(
        (c) => c.company_status === 'active' && c.domain_known_by.includes('snov'),
      )!;
      const adapter = new SnovAdapter(client());
      const started = await adapter.lookupCompany({ domain: company.domain });
      const done = await settle(() =>
        adapter.completeCompanyLookup((started.data as { taskId: string }).taskId),
      );
      expect(done.data).toMatchObject({
        status: 'hit',
        credits: 1,
        data: {
          name: company.company_name,
          domain: company.domain,
          industry: company.firmographics.industry,
        },
      });
      expect(await credits()).toBe(999);
    });

    it('charges a repeated search of the same domain once', async () => {
      const company = companies.find(
        (c) => c.company_status === 'active' && c.domain_known_by.includes('snov'),
      )!;
      const snov = client();
      for (let round = 0; round < 2; round += 1) {
        const { data } = await snov.startDomainSearch(company.domain);
        const done = await settle(() => snov.getDomainSearchResult(data.taskHash));
        expect(done.data.status).toBe('hit');
      }
      expect(await credits()).toBe(999);
    });

    it('sends the webhook_url a domain search result the parser reads', async () => {
      const received: unknown[] = [];
      const server: Server = createServer((req, res) => {
        let body = '';
        req.on('data', (chunk: Buffer) => (body += chunk.toString()));
        req.on('end', () => {
          received.push(JSON.parse(body));
          res.writeHead(200).end();
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      try {
        const company = companies.find(
          (c) => c.company_status === 'active' && c.domain_known_by.includes('snov'),
        )!;
        const hook = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/snov/d0ma1n`;
        const { data } = await client().startDomainSearch(company.domain, hook);
        const body = await eventually(() => Promise.resolve(received[0]), {
          what: 'the webhook',
          timeoutMs: 5000,
        });
        expect(keyPaths(body)).toEqual(keyPaths(domainSample));
        expect(parseSnovWebhook(body)).toMatchObject({
          kind: 'domain_search',
          taskHash: data.taskHash,
          state: 'completed',
          credits: 1,
          company: { name: company.company_name, domain: company.domain },
        });
      } finally {
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    });

    it('charges nothing when it finds nothing', async () => {
      const company = companies.find((c) => !c.domain_known_by.includes('snov'))!;
      const snov = client();
      const { data } = await snov.startDomainSearch(company.domain);
      const done = await settle(() => snov.getDomainSearchResult(data.taskHash));
      expect(done.data).toMatchObject({ status: 'miss', credits: 0 });
      expect(await credits()).toBe(1000);
    });
  });

  describe('errors', () => {
    it('maps a 429 to rate_limited with a wait', async () => {
      const snov = client();
      await patch({ rate_limit: { limit: 1, window_seconds: 60 } });
      await snov.getBalance();
      const error = (await snov.getBalance().catch((e: unknown) => e)) as ProviderError;
      expect(error.kind).toBe('rate_limited');
      // The sandbox sends Retry-After (the window's remaining seconds): it wins over the 1 s default.
      expect(error.retryAfterMs).toBeGreaterThan(1000);
      expect(error.retryable).toBe(true);
    });

    it('maps an outage and a server error to unavailable', async () => {
      const snov = client();
      await snov.getBalance();
      await patch({ outage: true });
      expect(await snov.getBalance().catch((e: unknown) => e)).toMatchObject({
        kind: 'unavailable',
        status: 503,
      });
      await patch({ outage: false, error_rate: 1 });
      expect(await snov.getBalance().catch((e: unknown) => e)).toMatchObject({
        kind: 'unavailable',
        status: 500,
      });
    });

    it('maps a request Snov.io refuses to bad_request', async () => {
      await expect(client().startDomainSearch('snov.io', 'ftp://hooks.example/snov')).rejects.toMatchObject({
        kind: 'bad_request',
        status: 400,
        retryable: false,
      });
    });

    it('maps a slow answer to timeout', async () => {
      const snov = client({ timeoutMs: 200 });
      await snov.getBalance();
      await patch({ latency_ms: 1000 });
      await expect(snov.getBalance()).rejects.toMatchObject({ kind: 'timeout', retryable: true });
    });

    it('maps an unknown task to not_found', async () => {
      await expect(client().getDomainSearchResult('0123456789abcdef')).rejects.toMatchObject({
        kind: 'not_found',
      });
    });
  });

  describe('answers have the fields of the real examples', () => {
    const raw = async (method: string, path: string, body?: unknown, token?: string) => {
      const response = await sandbox.request(`/snov${path}`, {
        method,
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return await response.json();
    };

    it('for the token, balance, e-mail finder and domain search', async () => {
      const token = (await raw('POST', '/v1/oauth/access_token', {
        grant_type: 'client_credentials',
        client_id: 'sandbox-a',
        client_secret: 'sandbox-b',
      })) as { access_token: string };
      expect(keyPaths(token)).toEqual(keyPaths(tokenSample));
      expect(keyPaths(await raw('GET', '/v1/get-balance', undefined, token.access_token))).toEqual(
        keyPaths(balanceSample),
      );

      const person = people.find((p) => p.emails.snov === p.email)!;
      const other = people.find((p) => p.emails.snov === p.email && p.person_id !== person.person_id)!;
      const rows = [person, other].map((p) => ({
        first_name: p.first_name,
        last_name: p.last_name,
        domain: p.domain,
      }));
      const started = (await raw(
        'POST',
        '/v2/emails-by-domain-by-name/start',
        { rows },
        token.access_token,
      )) as {
        data: { task_hash: string };
      };
      expect(keyPaths(started)).toEqual(keyPaths(finderStartSample));
      const finished = await eventually(
        async () => {
          const body = (await raw(
            'GET',
            `/v2/emails-by-domain-by-name/result?task_hash=${started.data.task_hash}`,
            undefined,
            token.access_token,
          )) as { status: string };
          return body.status === 'completed' ? body : undefined;
        },
        { what: 'the finder result', timeoutMs: 5000 },
      );
      for (const path of keyPaths(finderSample).filter((p) => !p.includes('unknown_status_reason'))) {
        expect(keyPaths(finished)).toContain(path);
      }

      const company = companies.find(
        (c) => c.company_status === 'active' && c.domain_known_by.includes('snov'),
      )!;
      const search = (await raw(
        'POST',
        '/v2/domain-search/start',
        { domain: company.domain },
        token.access_token,
      )) as {
        meta: { task_hash: string };
      };
      const result = await eventually(
        async () => {
          const body = (await raw(
            'GET',
            `/v2/domain-search/result/${search.meta.task_hash}`,
            undefined,
            token.access_token,
          )) as { status: string };
          return body.status === 'completed' ? body : undefined;
        },
        { what: 'the domain search result', timeoutMs: 5000 },
      );
      expect(keyPaths(result)).toEqual(keyPaths(domainSample));
    });
  });
});
