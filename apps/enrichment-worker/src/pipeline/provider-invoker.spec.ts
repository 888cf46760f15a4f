import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ProvidersConfig } from '@sluice/config';
import { GOALS, type GoalCapability } from '@sluice/enrichment';
import { descriptorOf, ProviderError, type ProviderCallRecord } from '@sluice/providers';
import { CallbackTokens, type ProviderName } from '@sluice/queue';
import type { ProviderCallLog } from '../steps/provider-call-log';
import { ProviderInvoker, type GoalInput } from './provider-invoker';

const input: GoalInput = {
  companyNumber: '07798925',
  companyName: 'Acme Widgets Ltd',
  email: 'jane.doe@acme.example',
  person: {
    firstName: 'Jane',
    lastName: 'Doe',
    domain: 'acme.example',
    companyName: 'Acme Widgets',
    linkedinUrl: 'https://www.linkedin.com/in/jane-doe',
  },
};

/**
 * JSON that parses and passes each adapter's first shape check, with a field of the wrong type
 * further in: what a provider changing its API (or a proxy in front of it) can answer.
 */
const MISSHAPEN: [ProviderName, GoalCapability, 'call' | 'complete', unknown][] = [
  ['apollo', 'lookup_person', 'call', { person: { name: 'Jane Doe', linkedin_url: 7 } }],
  ['rocketreach', 'find_work_email', 'call', { id: 5, status: 'complete', emails: 'jane@acme.example' }],
  ['rocketreach', 'find_phone', 'complete', [{ id: 5, status: 'complete', emails: [null] }]],
  ['companies-house', 'list_company_officers', 'call', { items: [{ name: 7 }], total_results: 1 }],
  ['serper', 'resolve_company_domain', 'call', { organic: [null] }],
  ['email-verifier', 'verify_email', 'call', { input: 7, is_reachable: 'safe', smtp: {} }],
  ['orion-connect', 'find_phone', 'call', { phones: [null], credits_charged: 1 }],
  [
    'astra-dialer',
    'find_phone',
    'call',
    { status: 'found', result: { mobile: '07700 900123', national_format: 7 } },
  ],
  ['snov', 'find_work_email', 'complete', { status: 'completed', data: [{ result: [{ email: 7 }] }] }],
  ['nimbus-lookup', 'find_phone', 'complete', { id: 'abc', state: 'done', numbers: [null] }],
];

describe('ProviderInvoker', () => {
  let server: Server;
  let answer: unknown;
  let invoker: ProviderInvoker;
  let calls: ProviderCallRecord[];

  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/json' });
        // Snov.io's token comes first; every other call gets the answer under test.
        res.end(
          JSON.stringify(req.url?.includes('/oauth/') ? { access_token: 'token', expires_in: 3600 } : answer),
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const config = Object.assign(new ProvidersConfig(), {
      companiesHouseBaseUrl: base,
      snovBaseUrl: base,
      rocketreachBaseUrl: base,
      apolloBaseUrl: base,
      serperBaseUrl: base,
      orionConnectBaseUrl: base,
      astraDialerBaseUrl: base,
      nimbusLookupBaseUrl: base,
      emailVerifierBaseUrl: base,
      providerTimeoutMs: 2000,
    });
    // The invoker only reports calls to the log's sink and asks it for the current step.
    const callLog: Pick<ProviderCallLog, 'sink' | 'current'> = {
      sink: (record) => calls.push(record),
      current: () => undefined,
    };
    invoker = new ProviderInvoker(config, callLog as ProviderCallLog, new CallbackTokens(randomBytes(32)));
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  beforeEach(() => {
    calls = [];
  });

  /** The goal capabilities Apollo's descriptor declares: what the planner and the API take it to do. */
  const apolloDeclares = [...new Set(Object.values(GOALS).map((goal) => goal.capability))].filter(
    (capability) => descriptorOf('apollo')?.capabilities[capability] !== undefined,
  );

  it.each(apolloDeclares)('calls Apollo for %s, which its descriptor declares', async (capability) => {
    answer = {};
    const outcome = await invoker.call('apollo', capability, input).catch((e: unknown) => e);
    // Whatever an empty answer makes of it, the call was made: the capability is not just claimed.
    expect(outcome instanceof ProviderError ? outcome.message : '').not.toMatch(/cannot serve/);
    expect(calls.map((call) => call.provider)).toContain('apollo');
  });

  it.each(MISSHAPEN)(
    'fails a %s %s whose answer has a field of the wrong type as not understood, not retryable',
    async (provider, capability, stage, body) => {
      answer = body;
      const error = await (
        stage === 'call'
          ? invoker.call(provider, capability, input)
          : invoker.complete(provider, capability, '5')
      ).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ProviderError);
      expect(error).toMatchObject({ provider, kind: 'invalid_response', retryable: false });
      expect((error as ProviderError).message).toMatch(/could not be read/);
      expect(calls.length).toBeGreaterThan(0);
    },
  );
});
