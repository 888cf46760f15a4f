import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  AstraDialerAdapter,
  NimbusLookupAdapter,
  OrionConnectAdapter,
  nimbusOutcome,
  tierAllows,
  type PhoneProvider,
  type ProviderCallRecord,
  type ProviderError,
} from '@sluice/providers';
import { startTestSandbox, type TestSandbox } from '../../apps/provider-sandbox/src/testing/test-sandbox';
import type { WorldPerson } from '../support/sandbox-world';
import { eventually } from '../support/wait';

type PhoneName = 'orion-connect' | 'astra-dialer' | 'nimbus-lookup';

describe('phone providers against the sandbox', () => {
  let sandbox: TestSandbox;
  let people: WorldPerson[];
  let calls: ProviderCallRecord[];

  const options = (name: PhoneName, apiKey = `sandbox-${name}-key`) => ({
    baseUrl: `${sandbox.url}/phone/${name}`,
    apiKey,
    timeoutMs: 5000,
    onCall: (record: ProviderCallRecord) => calls.push(record),
  });
  const adapters = (): Record<PhoneName, PhoneProvider> => ({
    'orion-connect': new OrionConnectAdapter(options('orion-connect')),
    'astra-dialer': new AstraDialerAdapter(options('astra-dialer')),
    'nimbus-lookup': new NimbusLookupAdapter(options('nimbus-lookup')),
  });
  const credits = async (name: PhoneName): Promise<number> =>
    ((await (await sandbox.request(`/_sandbox/providers/${name}`)).json()) as { credits: number }).credits;
  const patch = (name: PhoneName, body: unknown) =>
    sandbox.send('PATCH', `/_sandbox/providers/${name}`, body);

  /** Runs a lookup to its end: Nimbus answers later, the others at once. */
  const lookup = async (name: PhoneName, person: WorldPerson) => {
    const adapter = adapters()[name];
    const query = { firstName: person.first_name, lastName: person.last_name, domain: person.domain };
    const first = await adapter.findPhone(query);
    if (first.data.status !== 'pending' || !(adapter instanceof NimbusLookupAdapter)) {
      return first.data;
    }
    const taskId = first.data.taskId;
    return (
      await eventually(
        async () => {
          const next = await adapter.completeFindPhone(taskId);
          return next.data.status === 'pending' ? undefined : next;
        },
        { what: 'the Nimbus lookup', timeoutMs: 5000 },
      )
    ).data;
  };

  beforeAll(async () => {
    sandbox = await startTestSandbox({ worldSize: 300 });
    people = (await (await sandbox.request('/_sandbox/world/people?limit=1000')).json()) as WorldPerson[];
  });

  afterAll(async () => {
    await sandbox?.close();
  });

  beforeEach(async () => {
    calls = [];
    await sandbox.request('/_sandbox/reset', { method: 'POST' });
    await patch('nimbus-lookup', { task_delay_ms: 50 });
  });

  describe.each<PhoneName>(['orion-connect', 'astra-dialer', 'nimbus-lookup'])('%s', (name) => {
    it('finds the phone the answer key says it holds, in E.164, charging its price', async () => {
      const person = people.find((p) => p.phones[name])!;
      const outcome = await lookup(name, person);
      expect(outcome.status).toBe('hit');
      expect(outcome.status === 'hit' && outcome.data.map((p) => p.number)).toContain(person.phones[name]);
      // What the adapter reports is exactly what the provider's balance loses.
      expect(outcome.credits).toBe(name === 'nimbus-lookup' ? 0.5 : 1);
      expect(await credits(name)).toBe(500 - (name === 'nimbus-lookup' ? 0.5 : 1));
    });

    it('misses a person it does not know; only Nimbus charges the miss', async () => {
      const person = people.find((p) => !p.phones[name])!;
      const outcome = await lookup(name, person);
      expect(outcome.status).toBe('miss');
      expect(await credits(name)).toBe(name === 'nimbus-lookup' ? 499.5 : 500);
    });

    it('maps a refused key to unauthorized and an hourly limit to rate_limited with a wait', async () => {
      const person = people.find((p) => p.phones[name])!;
      const query = { firstName: person.first_name, lastName: person.last_name, domain: person.domain };
      const Adapter = {
        'orion-connect': OrionConnectAdapter,
        'astra-dialer': AstraDialerAdapter,
        'nimbus-lookup': NimbusLookupAdapter,
      }[name];
      expect(
        await new Adapter(options(name, 'live-key-0000000')).findPhone(query).catch((e: unknown) => e),
      ).toMatchObject({
        kind: 'unauthorized',
      });
      await patch(name, { rate_limit: { limit: 1, window_seconds: 3600 } });
      const adapter = adapters()[name];
      await adapter.findPhone(query);
      const limited = (await adapter.findPhone(query).catch((e: unknown) => e)) as ProviderError;
      expect(limited.kind).toBe('rate_limited');
      expect(limited.retryAfterMs).toBeGreaterThan(60_000);
    });

    it('maps an empty account to out_of_credits', async () => {
      await patch(name, { credits: 0 });
      const person = people.find((p) => p.phones[name])!;
      const outcome = await lookup(name, person).catch((e: unknown) => e);
      expect(outcome).toMatchObject({ kind: 'out_of_credits' });
    });
  });

  it('Astra Dialer: turns national-format numbers into E.164 and reports the hourly allowance left', async () => {
    const person = people.find((p) => p.phones['astra-dialer'])!;
    const raw = (await (
      await sandbox.request(
        `/phone/astra-dialer/api/find-phone?name=${encodeURIComponent(person.full_name)}&domain=${person.domain}`,
        { headers: { 'x-api-token': 'sandbox-t' } },
      )
    ).json()) as { result: { mobile: string | null; direct: string | null } };
    expect(raw.result.mobile ?? raw.result.direct).toMatch(/^0\d/);
    const result = await adapters()['astra-dialer'].findPhone({
      fullName: person.full_name,
      domain: person.domain,
    });
    expect(result.data.status === 'hit' && result.data.data[0].number).toMatch(/^\+44\d{10}$/);
    // The raw call above used another key: each key has its own hourly window.
    expect(result.rateLimit).toMatchObject({ limit: 300, remaining: 299 });
  });

  it('Nimbus Lookup: calls back the callback URL with the finished lookup', async () => {
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
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/nimbus-lookup/abc`;
      const person = people.find((p) => p.phones['nimbus-lookup'])!;
      const adapter = new NimbusLookupAdapter(options('nimbus-lookup'), () => url);
      const started = await adapter.findPhone({ fullName: person.full_name, domain: person.domain });
      expect(started.data.status).toBe('pending');
      const body = await eventually(() => Promise.resolve(received[0]), {
        what: 'the callback',
        timeoutMs: 5000,
      });
      const outcome = nimbusOutcome(body, 0.5);
      expect(outcome.status === 'hit' && outcome.data.map((p) => p.number)).toContain(
        person.phones['nimbus-lookup'],
      );
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('gives each provider its configured cost, limit and tier', () => {
    const { 'orion-connect': orion, 'nimbus-lookup': nimbus } = adapters();
    expect(orion.descriptor.capabilities.find_phone).toEqual({
      credits: 1,
      chargedOnMiss: false,
      chargedOnLandline: true,
    });
    expect(nimbus.descriptor.capabilities.find_phone).toEqual({
      credits: 0.5,
      chargedOnMiss: true,
      chargedOnLandline: true,
    });
    const custom = new OrionConnectAdapter({
      ...options('orion-connect'),
      config: { costPerLookup: 2, minimumTier: 'enterprise' },
    });
    expect(custom.descriptor.capabilities.find_phone?.credits).toBe(2);
    expect(tierAllows('pro', custom.config.minimumTier)).toBe(false);
    expect(tierAllows('enterprise', custom.config.minimumTier)).toBe(true);
  });

  it('refuses a query without a name before calling', async () => {
    for (const adapter of Object.values(adapters())) {
      await expect(adapter.findPhone({ domain: 'acme.io' })).rejects.toMatchObject({ kind: 'bad_request' });
    }
    expect(calls).toEqual([]);
  });
});
