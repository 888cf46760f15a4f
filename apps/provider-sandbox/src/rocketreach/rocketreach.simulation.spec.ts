import type { Request } from 'express';
import type { ChargedReply, SimulatedReply } from '../simulation/simulated-provider';
import { TaskBoard } from '../simulation/task-board';
import { SandboxState } from '../state/sandbox-state';
import { generateWorld } from '../world/generate-world';
import { rocketreach } from './rocketreach.provider';
import { RocketReachSimulation, UNIVERSAL_PRICES } from './rocketreach.simulation';

const SEED = 20261122;
const TASK_DELAY_MS = 1000;

function simulationOf() {
  const world = generateWorld(SEED, 60);
  const state = new SandboxState({ seed: SEED, worldSize: 60 }, [rocketreach]);
  const tasks = new TaskBoard(state);
  state.runtimeOf(rocketreach).update({ ...rocketreach.defaults, task_delay_ms: TASK_DELAY_MS });
  return { simulation: new RocketReachSimulation(world, tasks, state), world, state, tasks };
}

const reply = (answer: SimulatedReply | ChargedReply): SimulatedReply =>
  'reply' in answer ? answer.reply : answer;
const bodyOf = (answer: SimulatedReply | ChargedReply) => reply(answer).body as Record<string, unknown>;

describe('rocketreach (simulated provider)', () => {
  const requestWith = (headers: Record<string, string>, query: Record<string, string> = {}): Request =>
    ({ headers, query }) as unknown as Request;

  it('accepts sandbox- keys in the Api-Key header or the deprecated api_key parameter, and refuses others its way', () => {
    expect(rocketreach.authenticate(requestWith({ 'api-key': 'sandbox-k' }))).toEqual({ key: 'sandbox-k' });
    expect(rocketreach.authenticate(requestWith({}, { api_key: 'sandbox-q' }))).toEqual({ key: 'sandbox-q' });
    expect(rocketreach.authenticate(requestWith({ 'api-key': 'live-key' }))).toEqual({
      reply: { status: 401, body: { status: 401, message: 'Invalid API Key' } },
    });
  });

  it('limits each key to 10 requests a second across all APIs, and each API to the Custom plan’s budgets', () => {
    expect(rocketreach.defaults.rate_limit).toEqual({
      limit: 10,
      window_seconds: 1,
      per_api: {
        person_search: [
          { limit: 100, window_seconds: 60 },
          { limit: 1000, window_seconds: 3600 },
          { limit: 10_000, window_seconds: 86_400 },
        ],
        person_lookup: [
          { limit: 250, window_seconds: 60 },
          { limit: 2500, window_seconds: 3600 },
          { limit: 10_000, window_seconds: 86_400 },
        ],
        company_search: [
          { limit: 100, window_seconds: 60 },
          { limit: 1000, window_seconds: 3600 },
          { limit: 10_000, window_seconds: 86_400 },
        ],
        bulk_lookup: [
          { limit: 10, window_seconds: 60 },
          { limit: 100, window_seconds: 3600 },
          { limit: 1000, window_seconds: 86_400 },
        ],
      },
    });
    expect(Object.keys(rocketreach.rateLimitedApis ?? {})).toEqual(
      Object.keys(rocketreach.defaults.rate_limit?.per_api ?? {}),
    );
  });

  it('words a 429 as Django REST throttling, with a Retry-After no longer than the window', () => {
    const now = Math.floor(Date.now() / 1000);
    const answer = rocketreach.rateLimited({ limit: 1, remaining: 0, resetsAt: now + 90, windowSeconds: 60 });
    expect(answer).toEqual({
      status: 429,
      body: { detail: 'Request was throttled. Expected available in 60 seconds.' },
      headers: { 'Retry-After': '60' },
    });
  });
});

describe('RocketReachSimulation', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it('starts the same people searching in every run, about a third of them', () => {
    const statusesOf = () => {
      const { simulation, world } = simulationOf();
      return world.contacts.people.slice(0, 60).map((person) => {
        const answer = bodyOf(simulation.lookup({ linkedin_url: person.linkedin_url }, 'person'));
        return answer.status ?? answer.detail;
      });
    };
    const first = statusesOf();
    expect(statusesOf()).toEqual(first);
    const searching = first.filter((status) => status === 'searching').length;
    expect(searching).toBeGreaterThan(5);
    expect(searching).toBeLessThan(35);
  });

  it('completes a searching lookup at checkStatus after the task delay and charges it once', () => {
    // The TaskBoard reads the clock: fake it rather than wait.
    jest.useFakeTimers({ now: Date.now() });
    const { simulation, world, state } = simulationOf();
    const person = world.contacts.people.find(
      (p) => bodyOf(simulation.lookup({ email: p.work_email }, 'person')).status === 'searching',
    )!;
    const before = state.runtimeOf(rocketreach).settings.credits!;
    const id = bodyOf(simulation.lookup({ email: person.work_email }, 'person')).id as number;
    const [running] = reply(simulation.checkStatus([String(id)], false)).body as Record<string, unknown>[];
    expect(running).toEqual({ id, status: 'searching' });
    expect(state.runtimeOf(rocketreach).settings.credits).toBe(before);
    jest.advanceTimersByTime(TASK_DELAY_MS);
    const [status] = reply(simulation.checkStatus([String(id)], false)).body as Record<string, unknown>[];
    expect(status).toMatchObject({ id, status: 'complete', name: person.full_name });
    expect(bodyOf(simulation.lookup({ email: person.work_email }, 'person')).status).toBe('complete');
    expect(state.runtimeOf(rocketreach).settings.credits).toBe(before - 1);
  });

  it('on an unlimited plan reports inf at both account endpoints and counts charges as used, leaving credits as they were', () => {
    jest.useFakeTimers({ now: Date.now() });
    const { simulation, world, state } = simulationOf();
    const runtime = state.runtimeOf(rocketreach);
    runtime.update({ ...runtime.settings, credits: 0, unlimited_credits: true });
    const person = world.contacts.people.find(
      (p) => bodyOf(simulation.lookup({ email: p.work_email }, 'person')).status === 'searching',
    )!;
    const usedBefore = runtime.usedUnlimited;
    simulation.lookup({ email: person.work_email }, 'person');
    jest.advanceTimersByTime(TASK_DELAY_MS);
    expect(bodyOf(simulation.lookup({ email: person.work_email }, 'person')).status).toBe('complete');
    expect(runtime.settings.credits).toBe(0);
    const used = usedBefore + 1;
    const account = bodyOf(simulation.account('sandbox-k'));
    expect(account.credit_usage).toEqual([
      { credit_type: 'premium_lookup', allocated: 'inf', used, remaining: 'inf' },
    ]);
    expect(account).not.toHaveProperty('lookup_credit_balance');
    expect(bodyOf(simulation.universalAccount('sandbox-k')).credit_usage).toMatchObject({
      credits_allocated: 'inf',
      credits_used: used,
      credits_remaining: 'inf',
    });
    // Back on a limited plan: the credits left before, as numbers again.
    runtime.update({ ...runtime.settings, credits: 7, unlimited_credits: false });
    expect(bodyOf(simulation.account('sandbox-k'))).toMatchObject({
      credit_usage: [{ credit_type: 'premium_lookup', remaining: 7 }],
      lookup_credit_balance: 7,
    });
  });

  it('answers checkStatus for ids repeated or comma-separated, and refuses ids that are not numbers', () => {
    const { simulation } = simulationOf();
    const listed = reply(simulation.checkStatus(['100001', '100002,999999999'], false)).body as {
      status: string;
    }[];
    expect(listed.map((p) => p.status)).toEqual(['not queued', 'not queued', 'failed']);
    expect(reply(simulation.checkStatus(['abc'], false)).status).toBe(400);
    expect(reply(simulation.checkStatus(undefined, false)).status).toBe(400);
  });

  it('refuses a name without an employer and a lookup naming no one, in the field-map style', () => {
    const { simulation } = simulationOf();
    expect(simulation.lookup({ name: 'Jane Doe' }, 'person')).toEqual({
      status: 400,
      body: { current_employer: [expect.any(String)] },
    });
    expect(reply(simulation.lookup({ title: 'CEO' }, 'person')).body).toHaveProperty('non_field_errors');
  });

  it('reveals on Universal only what was asked for', () => {
    const { simulation, world } = simulationOf();
    const person = world.contacts.people.find(
      (p) =>
        world.contacts.knows('rocketreach', 'work_email', p) &&
        bodyOf(simulation.lookup({ email: p.work_email }, 'universal')).status === 'complete',
    )!;
    const nothing = bodyOf(simulation.lookup({ email: person.work_email }, 'universal'));
    expect(nothing).toMatchObject({ emails: [], phones: [] });
    expect(simulation.universalLookupCost({ reveal_professional_email: 'true', reveal_phone: 'true' })).toBe(
      UNIVERSAL_PRICES.professionalEmail + UNIVERSAL_PRICES.phone,
    );
    expect(simulation.universalLookupCost({})).toBe(1);
  });

  it('charges Universal searches per page with results, legacy searches nothing', () => {
    const { simulation, world } = simulationOf();
    const company = world.companies[0];
    const query = { query: { name: [company.company_name] } };
    expect(simulation.companySearch(query, true)).toMatchObject({
      charge: UNIVERSAL_PRICES.companySearchPage,
    });
    expect(simulation.companySearch(query, false)).not.toHaveProperty('charge');
    expect(
      simulation.companySearch({ query: { name: ['no such company at all'] } }, true),
    ).not.toHaveProperty('charge');
    expect(reply(simulation.personSearch({ query: { name: ['x'] }, page_size: 101 }, false)).status).toBe(
      400,
    );
  });

  it("gives a company found by name its domain only where RocketReach knows it, as the world's coverage says", () => {
    const { simulation, world } = simulationOf();
    const known = (company: (typeof world.companies)[number]) =>
      world.contacts.knows(rocketreach.name, 'domain', company);
    const domainOf = (query: Record<string, string[]>, name: string) =>
      (
        bodyOf(simulation.companySearch({ query }, false)).companies as { name: string; domain: unknown }[]
      ).find((found) => found.name === name)?.domain;
    const withDomain = world.companies.find(known);
    const without = world.companies.find((company) => !known(company));
    if (!withDomain || !without) {
      throw new Error('the world has no company RocketReach knows the domain of, or none it does not');
    }
    expect(domainOf({ name: [withDomain.company_name] }, withDomain.company_name)).toBe(withDomain.domain);
    expect(domainOf({ name: [without.company_name] }, without.company_name)).toBeNull();
    // Found by its domain, a company's domain is known.
    expect(domainOf({ domain: [without.domain] }, without.company_name)).toBe(without.domain);
  });
});
