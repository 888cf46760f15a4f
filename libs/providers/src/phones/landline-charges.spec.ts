import {
  chargesForRejected,
  selectProviders,
  type ProviderCandidate,
  type ProviderStats,
  type SelectionContext,
} from '@sluice/enrichment';
import type { CapabilityResult } from '../port';
import { descriptorOf, PROVIDER_DESCRIPTORS, servesGoal } from '../registry';
import { AstraDialerAdapter } from './astra-dialer';
import { NimbusLookupAdapter } from './nimbus-lookup';
import { OrionConnectAdapter } from './orion-connect';

const LANDLINE = '+442079460958';
const PHONE_GOAL = { key: 'phone', capability: 'find_phone' } as const;

/** A fetch answering every request with `body` (200). */
const answering =
  (body: unknown): typeof fetch =>
  () =>
    Promise.resolve(new Response(JSON.stringify(body), { status: 200 }));

const options = (body: unknown) => ({ baseUrl: 'http://phones.test', apiKey: 'key', fetch: answering(body) });
const jane = { firstName: 'Jane', lastName: 'Doe', domain: 'acme.co.uk' };

/** Each phone adapter's answer for a person of whom its vendor knows only a landline. */
const landlineOnly: Record<string, () => Promise<CapabilityResult<unknown>>> = {
  'orion-connect': () =>
    new OrionConnectAdapter(
      options({ phones: [{ number: LANDLINE, line_type: 'landline', confidence: 0.8 }], credits_charged: 1 }),
    ).findPhone(jane),
  'astra-dialer': () =>
    new AstraDialerAdapter(
      options({ status: 'found', result: { mobile: null, direct: '020 7946 0958', national_format: 'GB' } }),
    ).findPhone(jane),
  'nimbus-lookup': () =>
    new NimbusLookupAdapter(
      options({ id: 'lk_1', state: 'done', numbers: [{ e164: LANDLINE, type: 'direct' }], error: null }),
    ).completeFindPhone('lk_1'),
};

/** The phone waterfall's providers as the planner sees them, priced from their descriptors. */
function phoneCandidates(
  phoneType: 'mobile' | 'any',
  overrides: Record<string, Partial<ProviderCandidate>> = {},
): ProviderCandidate[] {
  return Object.keys(landlineOnly).map((name, index) => {
    const cost = descriptorOf(name)?.capabilities.find_phone;
    if (!cost) {
      throw new Error(`${name} has no find_phone price`);
    }
    return {
      name,
      cost: cost.credits,
      chargedOnMiss: cost.chargedOnMiss,
      enabled: true,
      hasCredentials: true,
      creditsBalance: null,
      paused: false,
      circuit: 'closed',
      rateBudgetLeft: null,
      minimumTier: null,
      priority: index + 1,
      stats: null,
      chargesForRejected: chargesForRejected(PHONE_GOAL, phoneType, cost),
      ...overrides[name],
    };
  });
}

const ctx: SelectionContext = {
  tier: 'enterprise',
  ordering: 'priority',
  budgetLeft: null,
  tried: [],
  waitForCredits: false,
};
const names = (candidates: readonly ProviderCandidate[]): string[] => candidates.map((c) => c.name);

describe('phone providers and landlines', () => {
  it('covers every provider of the phone waterfall', () => {
    const waterfall = PROVIDER_DESCRIPTORS.map((d) => d.name).filter((name) => servesGoal(name, PHONE_GOAL));
    expect(Object.keys(landlineOnly).sort()).toEqual(waterfall.sort());
  });

  it.each(Object.keys(landlineOnly))(
    '%s is charged for a landline-only answer exactly as its descriptor says',
    async (name) => {
      const { data } = await landlineOnly[name]();
      expect(data.status).toBe('hit');
      const charged = data.credits > 0;
      expect(descriptorOf(name)?.capabilities.find_phone?.chargedOnLandline === true).toBe(charged);
    },
  );

  it('ranks down, for a mobile goal, every provider charging for a landline, and none for any phone', () => {
    expect(phoneCandidates('mobile').map((c) => [c.name, c.chargesForRejected])).toEqual([
      ['orion-connect', true],
      ['astra-dialer', true],
      ['nimbus-lookup', true],
    ]);
    expect(phoneCandidates('any').every((c) => !c.chargesForRejected)).toBe(true);
  });

  it('orders a mobile goal’s phone providers by configured priority, Nimbus Lookup first when it is', () => {
    expect(names(selectProviders(phoneCandidates('mobile'), ctx).ordered)).toEqual([
      'orion-connect',
      'astra-dialer',
      'nimbus-lookup',
    ]);
    const nimbusFirst = phoneCandidates('mobile', { 'nimbus-lookup': { priority: 0 } });
    expect(names(selectProviders(nimbusFirst, ctx).ordered)).toEqual([
      'nimbus-lookup',
      'orion-connect',
      'astra-dialer',
    ]);
  });

  it('orders a mobile goal’s phone providers by measured cost per success, Nimbus Lookup first when cheapest', () => {
    // Half a credit a lookup, and nine in ten of them accepted: cheaper per mobile found than a
    // provider whose landline-only answers are charged and refused half of the time.
    const measured: Record<string, ProviderStats> = {
      'orion-connect': { calls: 100, hits: 50, credits: 100 },
      'astra-dialer': { calls: 100, hits: 50, credits: 100 },
      'nimbus-lookup': { calls: 100, hits: 90, credits: 50 },
    };
    const candidates = phoneCandidates(
      'mobile',
      Object.fromEntries(Object.entries(measured).map(([name, stats]) => [name, { stats }])),
    );
    expect(names(selectProviders(candidates, { ...ctx, ordering: 'cost_per_success' }).ordered)).toEqual([
      'nimbus-lookup',
      'orion-connect',
      'astra-dialer',
    ]);
  });

  it('does not rank down a provider whose price does not cover a landline, nor a free one', () => {
    expect(chargesForRejected(PHONE_GOAL, 'mobile', { credits: 1, chargedOnLandline: false })).toBe(false);
    expect(chargesForRejected(PHONE_GOAL, 'mobile', { credits: 1 })).toBe(false);
    expect(chargesForRejected(PHONE_GOAL, 'mobile', { credits: 0, chargedOnLandline: true })).toBe(false);
    expect(chargesForRejected({ key: 'email' }, 'mobile', { credits: 1, chargedOnLandline: true })).toBe(
      false,
    );
  });
});
