import { getQueueToken } from '@nestjs/bullmq';
import type { INestApplication } from '@nestjs/common';
import { Orchestrator } from '../../apps/enrichment-worker/src/pipeline/orchestrator';
import { ResultCache } from '../../apps/enrichment-worker/src/pipeline/pipeline-redis';
import { Client } from 'pg';
import { CreditLedgerEntry, EnrichmentStep } from '@sluice/db';
import type { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { call, createWorkspace } from '../support/api';
import {
  answerKey,
  calls,
  cancelOnceSnovSearched,
  enqueue,
  finished,
  job,
  onlyRocketReachFinds,
  paidCalls,
  people,
  personInput,
  sandboxPatch,
  setUp,
  tearDown,
  type CallCounts,
  type JobView,
} from '../support/pipeline';
import { requireEnv } from '../support/database';
import type { WorldCompany, WorldPerson } from '../support/sandbox-world';
import { TEST_ADMIN_TOKEN } from '../support/stack';
import { eventually } from '../support/wait';

describe('the e-mail waterfall', () => {
  let ctx: Awaited<ReturnType<typeof setUp>>;
  let apiKey: string;
  let world: WorldPerson[];

  beforeAll(async () => {
    // These tests make more than Snov.io's 60 calls a minute between them: past that its planner
    // rightly asks Apollo first, or a step waits for the window, and a test's answer would depend
    // on how fast the ones before it ran. The waterfall is what they test; rate limits have files
    // of their own (rate-limits, async-rate-limit, worker-processes).
    ctx = await setUp({
      PROVIDER_OVERRIDES: JSON.stringify({
        snov: { rateLimits: [{ name: 'minute', limit: 6000, windowMs: 60_000 }] },
      }),
    });
    await sandboxPatch(ctx.stack.sandboxUrl, 'snov', { rate_limit: { limit: 6000, window_seconds: 60 } });
    apiKey = (await createWorkspace(ctx.stack.gatewayUrl, 'Waterfall Co')).apiKey;
    world = await people(ctx.stack.sandboxUrl);
  });
  afterAll(() => tearDown(ctx));

  it('falls through a provider that does not know the person to the next, records every step and merges the answer', async () => {
    const person = world.find((p) => !p.emails.snov && p.emails.apollo === p.email);
    expect(person).toBeDefined();
    const id = await enqueue(ctx.stack, apiKey, {
      type: 'person.email',
      input: personInput(person as WorldPerson),
    });
    const view = await finished(ctx.stack, apiKey, id);
    expect(view.status).toBe('completed');
    const email = view.steps.filter((s) => s.goal === 'email');
    expect(email.map((s) => [s.provider, s.state, s.reason])).toEqual([
      ['snov', 'failed', 'not_found'],
      ['apollo', 'completed', null],
    ]);
    expect(view.result?.email).toMatchObject({ email: person?.email, source: 'apollo' });
    expect(view.result?.data).toMatchObject({ business_email: person?.email });
    expect(view.result?.sources).toMatchObject({ business_email: 'apollo' });
    expect(view.result?.credits_spent).toBe(1);
    const ledger = await ctx.db.dataSource.getRepository(CreditLedgerEntry).findBy({ requestId: id });
    expect(ledger.map((row) => [row.provider, Number(row.credits)])).toEqual([['apollo', 1]]);
  });

  it('skips a provider that could only refuse the input, saying so, instead of queueing a step it fails', async () => {
    // Snov.io finds e-mails by name and domain; the caller gave the company's name instead.
    const person = world.find((p) => p.emails.apollo === p.email && p.full_name.includes(' ')) as WorldPerson;
    const id = await enqueue(ctx.stack, apiKey, {
      type: 'person.email',
      input: { full_name: person.full_name, company_name: person.company_name },
    });
    const view = await finished(ctx.stack, apiKey, id);
    expect(view.steps.map((s) => [s.provider, s.state, s.reason])).toEqual([
      ['snov', 'skipped', 'insufficient_input'],
      ['apollo', 'completed', null],
    ]);
    expect(view.result?.email).toMatchObject({ email: person.email, source: 'apollo' });
  });

  /** A phone search for a person given by their LinkedIn URL alone, waited for. */
  const phoneByLinkedin = async (person: WorldPerson): Promise<JobView> => {
    const id = await enqueue(ctx.stack, apiKey, {
      type: 'person.phone',
      input: { linkedin_url: person.linkedin_url },
    });
    const view = await finished(ctx.stack, apiKey, id, 15_000);
    expect(view.status).toBe('completed');
    return view;
  };

  it('looks a person known only by a LinkedIn URL up, then searches their phone under the name found', async () => {
    const phoneProviders = ['orion-connect', 'astra-dialer', 'nimbus-lookup'];
    // Apollo's profile (no phones without a paid reveal) names them; a phone provider knows their number.
    const person = world.find(
      (p) => p.emails.apollo && Object.keys(p.phones).some((provider) => phoneProviders.includes(provider)),
    ) as WorldPerson;
    expect(person).toBeDefined();
    const view = await phoneByLinkedin(person);
    expect(view.steps.filter((s) => s.goal === 'profile').map((s) => [s.provider, s.state])).toEqual([
      ['apollo', 'completed'],
    ]);
    const phone = view.steps.filter((s) => s.goal === 'phone');
    expect(phone.map((s) => s.reason)).not.toContain('bad_request');
    expect(phone.filter((s) => s.state === 'completed')).toHaveLength(1);
    const number = Object.entries(person.phones).find(([provider]) => phoneProviders.includes(provider))?.[1];
    expect(JSON.stringify(view.result?.phones)).toContain(number);
  });

  it('searches the phone of a person the caller named at a company under the caller’s name, at the domain the profile gave', async () => {
    // Named with their company's name only: the phone providers that search at a domain search at
    // the one the profile (looked up for the title) gave, planned and run alike.
    // From the end of the world: the people other tests pick come first, and a profile answer
    // stores what it found of them.
    const person = [...world].reverse().find((p) => p.emails.apollo && !p.phones.apollo) as WorldPerson;
    const before = await calls(ctx.stack.sandboxUrl, 'orion-connect');
    const id = await enqueue(ctx.stack, apiKey, {
      type: 'enrich',
      input: {
        first_name: person.first_name,
        last_name: person.last_name,
        company_name: person.company_name,
      },
      options: { fields: ['title', 'mobile_phone'] },
    });
    const view = await finished(ctx.stack, apiKey, id, 15_000);
    expect(view.steps.filter((s) => s.goal === 'profile' && s.state === 'completed')).toHaveLength(1);
    const phone = view.steps.filter((s) => s.goal === 'phone');
    // Orion Connect, first of them, was asked (it needs a domain); nobody refused the question.
    expect(phone[0]?.provider).toBe('orion-connect');
    expect(phone.map((s) => s.reason)).not.toContain('bad_request');
    expect(phone.map((s) => s.reason)).not.toContain('insufficient_input');
    expect((await calls(ctx.stack.sandboxUrl, 'orion-connect')).total).toBe(before.total + 1);
  });

  it('buys no phone that the person’s profile already gave', async () => {
    // RocketReach's profile carries the person's phones.
    const person = world.find(
      (p) => !p.emails.apollo && p.emails.rocketreach && p.phones.rocketreach,
    ) as WorldPerson;
    expect(person).toBeDefined();
    const view = await phoneByLinkedin(person);
    expect(view.steps.map((s) => [s.goal, s.provider, s.state])).toEqual([
      ['profile', 'apollo', 'failed'],
      ['profile', 'rocketreach', 'completed'],
    ]);
    expect(view.result?.phones).toEqual([
      expect.objectContaining({ number: person.phones.rocketreach, source: 'rocketreach' }),
    ]);
    expect(view.result?.unresolved).toBeUndefined();
    expect(view.result?.credits_spent).toBe(1);
  });

  /**
   * Drops every answer the Redis cache holds, so that only the PostgreSQL store remembers them;
   * how many there were.
   */
  async function forgetCachedAnswers(): Promise<number> {
    const redis = new Redis(requireEnv('REDIS_URL'));
    try {
      const keys = await redis.keys(`${ctx.prefix}:pipeline:cache:*`);
      if (keys.length > 0) {
        await redis.del(...keys);
      }
      return keys.length;
    } finally {
      redis.disconnect();
    }
  }

  /** The job `body` makes, once it has finished. */
  const jobFor = async (body: Record<string, unknown>, timeoutMs?: number): Promise<JobView> =>
    finished(ctx.stack, apiKey, await enqueue(ctx.stack, apiKey, body), timeoutMs);

  /** A `person.email` job for `input`, once it has finished. */
  const emailJob = (input: Record<string, string>): Promise<JobView> =>
    jobFor({ type: 'person.email', input });

  /** How many calls Snov.io and Apollo have had. */
  const finderCalls = async (): Promise<number[]> =>
    (await Promise.all(['snov', 'apollo'].map((provider) => calls(ctx.stack.sandboxUrl, provider)))).map(
      (counts) => counts.total,
    );

  it('looks a person named "Surname, Forenames" up under their name in natural order', async () => {
    // As Companies House and many exports write names. Someone no earlier test asked about.
    const person = world.filter((p) => p.emails.snov === p.email).at(-2) as WorldPerson;
    const view = await emailJob({
      full_name: `${person.last_name.toUpperCase()}, ${person.first_name}`,
      domain: person.domain,
    });
    expect(view.input.full_name).toBe(`${person.first_name} ${person.last_name.toUpperCase()}`);
    expect(view.steps.map((s) => [s.provider, s.state])).toEqual([['snov', 'completed']]);
    expect(view.result?.email).toMatchObject({ email: person.email, source: 'snov' });
  });

  it('answers from the PostgreSQL store once the Redis cache has forgotten, naming who found it and paying nothing', async () => {
    const person = world.find((p) => !p.emails.snov && p.emails.apollo === p.email) as WorldPerson;
    expect(await forgetCachedAnswers()).toBeGreaterThan(0);
    const before = await finderCalls();
    const view = await emailJob(personInput(person));
    expect(view.status).toBe('completed');
    expect(view.steps.map((s) => [s.provider, s.state, s.cached, s.credits])).toEqual([
      ['snov', 'completed', true, 0],
    ]);
    expect(view.result?.email).toMatchObject({ email: person.email, source: 'apollo' });
    // The store's own mark of who found it is the answer's `source`, not a field of the answer.
    expect(view.result?.email).not.toHaveProperty('found_by');
    expect(view.result?.credits_spent).toBe(0);
    expect(await finderCalls()).toEqual(before);

    // Served from the store again, it still names the provider that found it: an answer read from
    // the store is not written back as the asking step's own (nor its age reset).
    const stored = await ctx.db.dataSource.query<unknown[]>(
      `SELECT sources, fetched_at FROM persons WHERE lower(email) = lower($1)`,
      [person.email],
    );
    await forgetCachedAnswers();
    const again = await emailJob(personInput(person));
    expect(again.result?.email).toMatchObject({ email: person.email, source: 'apollo' });
    expect(
      await ctx.db.dataSource.query(
        `SELECT sources, fetched_at FROM persons WHERE lower(email) = lower($1)`,
        [person.email],
      ),
    ).toEqual(stored);
  });

  it('answers from the Redis cache without making the stored answer look fetched again', async () => {
    // Someone only Apollo knows whom no other test has had stored.
    const stored = new Set(
      (await ctx.db.dataSource.query<{ email: string }[]>(`SELECT email FROM persons`)).map((r) => r.email),
    );
    const person = world
      .filter((p) => !p.emails.snov && p.emails.apollo === p.email)
      .find((p) => !stored.has(p.email.toLowerCase())) as WorldPerson;
    expect(person).toBeDefined();
    const first = await emailJob(personInput(person));
    expect(first.steps.map((s) => [s.provider, s.state, s.cached])).toEqual([
      ['snov', 'failed', false],
      ['apollo', 'completed', false],
    ]);
    // Fetched a while ago, as far as the store knows (the cache keeps its answer a day).
    const row = `SELECT sources, fetched_at FROM persons WHERE lower(email) = lower($1)`;
    await ctx.db.dataSource.query(
      `UPDATE persons SET fetched_at = now() - interval '20 hours' WHERE lower(email) = lower($1)`,
      [person.email],
    );
    const aged = await ctx.db.dataSource.query<unknown[]>(row, [person.email]);
    const again = await emailJob(personInput(person));
    expect(again.steps.map((s) => [s.provider, s.state, s.cached, s.credits])).toEqual([
      ['snov', 'failed', true, 0],
      ['apollo', 'completed', true, 0],
    ]);
    expect(again.result?.email).toMatchObject({ email: person.email, source: 'apollo' });
    // Its age stands: the store keeps it STORE_FRESH_DAYS from when it was paid for, not from when
    // it was last reused.
    expect(await ctx.db.dataSource.query(row, [person.email])).toEqual(aged);
  });

  it('answers a person first found by company name from the store when asked again at the address’s domain, paying nothing', async () => {
    // Someone Apollo alone knows whom no other test has had stored.
    const stored = new Set(
      (await ctx.db.dataSource.query<{ email: string }[]>(`SELECT email FROM persons`)).map((r) => r.email),
    );
    const person = world
      .filter((p) => !p.emails.snov && p.emails.apollo === p.email && p.email.endsWith(`@${p.domain}`))
      .findLast((p) => !stored.has(p.email.toLowerCase())) as WorldPerson;
    expect(person).toBeDefined();
    const byName = await emailJob({
      first_name: person.first_name,
      last_name: person.last_name,
      company_name: person.company_name,
    });
    expect(byName.steps.map((s) => [s.provider, s.state, s.reason, s.credits])).toEqual([
      ['snov', 'skipped', 'insufficient_input', 0],
      ['apollo', 'completed', null, 1],
    ]);
    const before = await finderCalls();
    // The same person by name and domain (as the officer chain asks once it has the domain): no
    // cache key is shared with the question by company name, so only the store can answer.
    const atDomain = await emailJob(personInput(person));
    expect(atDomain.steps.map((s) => [s.provider, s.state, s.cached, s.credits])).toEqual([
      ['snov', 'completed', true, 0],
    ]);
    expect(atDomain.result?.email).toMatchObject({ email: person.email, source: 'apollo' });
    expect(atDomain.result?.credits_spent).toBe(0);
    expect(await finderCalls()).toEqual(before);

    // And asked again by company name once the Redis cache has forgotten (the store keeps answers
    // for 90 days, the cache a day), written differently: the store answers that question too.
    expect(await forgetCachedAnswers()).toBeGreaterThan(0);
    const again = await emailJob({
      full_name: `${person.first_name} ${person.last_name}`.toUpperCase(),
      company_name: `  ${person.company_name.toLowerCase()} `,
    });
    expect(again.steps.map((s) => [s.provider, s.state, s.cached, s.credits])).toEqual([
      ['snov', 'skipped', false, 0],
      ['apollo', 'completed', true, 0],
    ]);
    expect(again.result?.email).toMatchObject({ email: person.email, source: 'apollo' });
    expect(again.result?.credits_spent).toBe(0);
    expect(await finderCalls()).toEqual(before);
  });

  it('answers a phone question from the PostgreSQL store once the Redis cache has forgotten, naming who found it', async () => {
    // Orion Connect (asked first) does not know the number; Astra Dialer does.
    const person = world.find((p) => !p.phones['orion-connect'] && p.phones['astra-dialer']) as WorldPerson;
    expect(person).toBeDefined();
    const ask = async () =>
      finished(
        ctx.stack,
        apiKey,
        await enqueue(ctx.stack, apiKey, { type: 'person.phone', input: personInput(person) }),
      );
    const first = await ask();
    expect(first.result?.phones).toEqual([
      expect.objectContaining({ number: person.phones['astra-dialer'], source: 'astra-dialer' }),
    ]);
    expect(first.result?.credits_spent).toBeGreaterThan(0);
    expect(await forgetCachedAnswers()).toBeGreaterThan(0);
    const before = await Promise.all(
      ['orion-connect', 'astra-dialer'].map((p) => calls(ctx.stack.sandboxUrl, p)),
    );
    const second = await ask();
    expect(second.status).toBe('completed');
    expect(second.steps.map((s) => [s.provider, s.state, s.cached, s.credits])).toEqual([
      ['orion-connect', 'completed', true, 0],
    ]);
    expect(second.result?.phones).toEqual([
      expect.objectContaining({ number: person.phones['astra-dialer'], source: 'astra-dialer' }),
    ]);
    expect(second.result?.credits_spent).toBe(0);
    const after = await Promise.all(
      ['orion-connect', 'astra-dialer'].map((p) => calls(ctx.stack.sandboxUrl, p)),
    );
    expect(after.map((c) => c.total)).toEqual(before.map((c) => c.total));
  });

  it('answers from the store a number bought again once its stored age had run out, paying once more only', async () => {
    // Orion Connect (asked first) does not know the number; Astra Dialer does. Someone whose number
    // no other test has had stored.
    const stored = new Set(
      (await ctx.db.dataSource.query<{ number: string }[]>(`SELECT number FROM person_phones`)).map(
        (r) => r.number,
      ),
    );
    const person = world
      .filter((p) => !p.phones['orion-connect'] && p.phones['astra-dialer'])
      .findLast((p) => !stored.has(p.phones['astra-dialer'])) as WorldPerson;
    expect(person).toBeDefined();
    const number = person.phones['astra-dialer'];
    const ask = async () =>
      finished(
        ctx.stack,
        apiKey,
        await enqueue(ctx.stack, apiKey, { type: 'person.phone', input: personInput(person) }),
      );
    const astraCalls = async () => (await calls(ctx.stack.sandboxUrl, 'astra-dialer')).total;
    const first = await ask();
    expect(first.result?.phones).toEqual([expect.objectContaining({ number, source: 'astra-dialer' })]);
    // Fetched longer ago than the store keeps answers (STORE_FRESH_DAYS, 90 days).
    const row = `SELECT provider, fetched_at FROM person_phones WHERE number = $1`;
    await ctx.db.dataSource.query(
      `UPDATE person_phones SET fetched_at = now() - interval '100 days' WHERE number = $1`,
      [number],
    );
    const [aged] = await ctx.db.dataSource.query<{ fetched_at: Date }[]>(row, [number]);

    // Neither the cache nor the store answers: the number is bought again.
    await forgetCachedAnswers();
    const before = await astraCalls();
    const second = await ask();
    expect(second.steps.map((s) => [s.provider, s.state, s.cached])).toEqual([
      ['orion-connect', 'failed', false],
      ['astra-dialer', 'completed', false],
    ]);
    expect(second.result?.credits_spent).toBeGreaterThan(0);
    expect(await astraCalls()).toBe(before + 1);
    // So the next question, once the cache has forgotten, is the store's, and pays nothing.
    expect(await forgetCachedAnswers()).toBeGreaterThan(0);
    const third = await ask();
    expect(third.steps.map((s) => [s.provider, s.state, s.cached, s.credits])).toEqual([
      ['orion-connect', 'completed', true, 0],
    ]);
    expect(third.result?.phones).toEqual([expect.objectContaining({ number, source: 'astra-dialer' })]);
    expect(third.result?.credits_spent).toBe(0);
    expect(await astraCalls()).toBe(before + 1);
    // The stored number is as young as the answer that bought it again (the store's answer did not
    // renew it: the third job paid nothing, so wrote nothing).
    const [renewed] = await ctx.db.dataSource.query<{ provider: string; fetched_at: Date }[]>(row, [number]);
    expect(renewed?.provider).toBe('astra-dialer');
    expect(renewed?.fetched_at.getTime()).toBeGreaterThan(Date.now() - 3600_000);
    expect(renewed?.fetched_at.getTime()).toBeGreaterThan(aged?.fetched_at.getTime() ?? Infinity);
  });

  /** A `type` request about `person`, finished and completed. */
  const ask = async (type: string, person: WorldPerson): Promise<JobView> => {
    const view = await finished(
      ctx.stack,
      apiKey,
      await enqueue(ctx.stack, apiKey, { type, input: personInput(person) }),
      15_000,
    );
    expect(view.status).toBe('completed');
    return view;
  };

  it('counts a run that only waited for the provider’s task as the same attempt', async () => {
    // Only Nimbus Lookup knows the number, and it answers through a task: its step is run once to
    // start the task and again when the task is done. One attempt, as for the providers before it.
    const person = [...world]
      .reverse()
      .find((p) => Object.keys(p.phones).join() === 'nimbus-lookup') as WorldPerson;
    expect(person).toBeDefined();
    const view = await ask('person.phone', person);
    expect(view.steps.map((s) => [s.provider, s.state, s.attempts])).toEqual([
      ['orion-connect', 'failed', 1],
      ['astra-dialer', 'failed', 1],
      ['nimbus-lookup', 'completed', 1],
    ]);
    expect(view.result?.phones).toEqual(
      expect.arrayContaining([expect.objectContaining({ number: person.phones['nimbus-lookup'] })]),
    );
  });

  describe('numbers revealed with another answer', () => {
    const phoneProviders = ['orion-connect', 'astra-dialer', 'nimbus-lookup'];
    const phoneCalls = async (): Promise<number[]> =>
      (await Promise.all(phoneProviders.map((p) => calls(ctx.stack.sandboxUrl, p)))).map((c) => c.total);
    /** The person's phone question, answered with RocketReach's number: no phone provider asked, nothing paid. */
    const expectPhoneFromStore = async (person: WorldPerson): Promise<JobView> => {
      const before = await phoneCalls();
      const phone = await ask('person.phone', person);
      expect(phone.result?.phones).toEqual([
        expect.objectContaining({ number: person.phones.rocketreach, source: 'rocketreach' }),
      ]);
      expect(phone.result?.credits_spent).toBe(0);
      expect(await phoneCalls()).toEqual(before);
      return phone;
    };

    it('answers the phone question of a person whose e-mail lookup revealed their number, paying nothing', async () => {
      // Snov.io and Apollo do not know the address; RocketReach's lookup returns it with the number.
      // From the end of the world: earlier tests look up people from its start.
      const person = [...world].reverse().find(onlyRocketReachFinds('valid')) as WorldPerson;
      expect(person).toBeDefined();
      const email = await ask('person.email', person);
      expect(email.result?.email).toMatchObject({ email: person.email, source: 'rocketreach' });
      // The e-mail answer is the address: the numbers that came with it are not part of it.
      expect(email.result?.email).not.toHaveProperty('phones');
      expect(email.result?.credits_spent).toBe(1);

      const phone = await expectPhoneFromStore(person);
      expect(phone.steps.map((s) => [s.provider, s.state, s.cached, s.credits])).toEqual([
        ['orion-connect', 'completed', true, 0],
      ]);
    });

    it('answers an enrich request for the e-mail and the phone with the one lookup that gave both', async () => {
      // Another such person than above's: nothing of theirs is cached yet.
      const person = [...world].reverse().filter(onlyRocketReachFinds('valid'))[1];
      expect(person).toBeDefined();
      const before = await phoneCalls();
      const id = await enqueue(ctx.stack, apiKey, {
        type: 'enrich',
        input: personInput(person),
        options: { fields: ['business_email', 'phone'] },
      });
      const view = await finished(ctx.stack, apiKey, id, 15_000);
      expect(view.status).toBe('completed');
      expect(view.result?.data).toMatchObject({
        business_email: person.email,
        phone: person.phones.rocketreach,
      });
      expect(view.result?.sources).toMatchObject({ business_email: 'rocketreach', phone: 'rocketreach' });
      expect(view.result?.credits_spent).toBe(1);
      expect(await phoneCalls()).toEqual(before);
    });

    it('keeps the numbers of an e-mail lookup whose address the goal refused, charged for all the same', async () => {
      // RocketReach knows an invalid work address (graded B, free) and a number (graded A, charged).
      const person = world.find(onlyRocketReachFinds('invalid')) as WorldPerson;
      expect(person).toBeDefined();
      const email = await ask('person.email', person);
      expect(email.result?.email).toBeUndefined();
      const rocketreach = email.steps.find((s) => s.provider === 'rocketreach');
      expect(rocketreach).toMatchObject({ state: 'completed', credits: 1 });
      expect(rocketreach?.reason).toContain('invalid');
      await expectPhoneFromStore(person);
    });

    it('answers the phone question of a person whose profile lookup gave their number, paying nothing', async () => {
      // Apollo does not know the person; RocketReach's profile carries their number.
      const person = [...world]
        .reverse()
        .find((p) => !p.emails.apollo && p.phones.rocketreach && !p.emails.rocketreach) as WorldPerson;
      expect(person).toBeDefined();
      const profile = await ask('person.profile', person);
      expect(profile.steps.filter((s) => s.state === 'completed').map((s) => s.provider)).toEqual([
        'rocketreach',
      ]);
      await expectPhoneFromStore(person);
    });
  });

  describe('profiles revealed with an e-mail answer', () => {
    /** The person's e-mail question, then their profile question: answered with the profile the e-mail lookup returned. */
    const expectProfileFromStore = async (person: WorldPerson, provider: string): Promise<void> => {
      const email = await ask('person.email', person);
      expect(email.result?.email).toMatchObject({ email: person.email, source: provider });
      expect(email.result?.credits_spent).toBe(1);
      const before = await Promise.all(['apollo', 'rocketreach'].map((p) => calls(ctx.stack.sandboxUrl, p)));
      const profile = await ask('person.profile', person);
      expect(profile.steps.map((s) => [s.provider, s.state, s.cached, s.credits])).toEqual([
        ['apollo', 'completed', true, 0],
      ]);
      const found = profile.result?.person as { fullName?: string; emails?: { email: string }[] } | undefined;
      expect(found?.fullName).toBe(person.full_name);
      expect(found?.emails?.map((e) => e.email)).toContain(person.email);
      const sources = Object.values(profile.result?.sources ?? {});
      expect(sources.length).toBeGreaterThan(0);
      expect(new Set(sources)).toEqual(new Set([provider]));
      expect(profile.result?.credits_spent).toBe(0);
      const after = await Promise.all(['apollo', 'rocketreach'].map((p) => calls(ctx.stack.sandboxUrl, p)));
      expect(after.map((c) => c.total)).toEqual(before.map((c) => c.total));
    };

    it("answers the profile question of a person Apollo's e-mail match returned, paying nothing", async () => {
      // Snov.io does not know the address, Apollo does; away from the people other tests ask about.
      const person = [...world].reverse().filter((p) => !p.emails.snov && p.emails.apollo === p.email)[9];
      expect(person).toBeDefined();
      await expectProfileFromStore(person, 'apollo');
    });

    it("answers the profile question of a person RocketReach's e-mail lookup returned, paying nothing", async () => {
      const person = [...world].reverse().filter(onlyRocketReachFinds('valid'))[2];
      expect(person).toBeDefined();
      await expectProfileFromStore(person, 'rocketreach');
    });
  });

  it('answers a profile question from the PostgreSQL store once the Redis cache has forgotten, naming who found it', async () => {
    // Apollo (asked first) does not know the person; RocketReach does. Near the end of the world,
    // away from the people other tests look up.
    const person = [...world]
      .reverse()
      .filter((p) => !p.emails.apollo && p.emails.rocketreach === p.email)[2];
    expect(person).toBeDefined();
    const ask = async (): Promise<JobView> =>
      finished(
        ctx.stack,
        apiKey,
        await enqueue(ctx.stack, apiKey, { type: 'person.profile', input: personInput(person) }),
        15_000,
      );
    const first = await ask();
    expect(first.steps.map((s) => [s.provider, s.state])).toEqual([
      ['apollo', 'failed'],
      ['rocketreach', 'completed'],
    ]);
    expect(first.result?.credits_spent).toBe(1);
    expect(await forgetCachedAnswers()).toBeGreaterThan(0);
    const before = await Promise.all(['apollo', 'rocketreach'].map((p) => calls(ctx.stack.sandboxUrl, p)));
    const second = await ask();
    expect(second.steps.map((s) => [s.provider, s.state, s.cached, s.credits])).toEqual([
      ['apollo', 'completed', true, 0],
    ]);
    expect(second.result?.person).toEqual(first.result?.person);
    expect(second.result?.sources).toEqual(first.result?.sources);
    expect(second.result?.credits_spent).toBe(0);
    const after = await Promise.all(['apollo', 'rocketreach'].map((p) => calls(ctx.stack.sandboxUrl, p)));
    expect(after.map((c) => c.total)).toEqual(before.map((c) => c.total));
  });

  it('answers a firmographics question from the PostgreSQL store once the Redis cache has forgotten, naming who found it', async () => {
    const companies = await answerKey<WorldCompany>(ctx.stack.sandboxUrl, 'companies');
    const company = companies[companies.length - 3];
    const ask = (): Promise<JobView> =>
      jobFor(
        {
          type: 'enrich',
          input: { domain: company.domain },
          options: { fields: ['industry', 'company_size'] },
        },
        15_000,
      );
    const first = await ask();
    expect(first.result?.data).toEqual({
      industry: company.firmographics.industry,
      company_size: company.firmographics.employees,
    });
    expect(first.result?.credits_spent).toBe(1);
    expect(await forgetCachedAnswers()).toBeGreaterThan(0);
    const before = await calls(ctx.stack.sandboxUrl, 'rocketreach');
    const second = await ask();
    expect(second.steps.map((s) => [s.provider, s.state, s.cached, s.credits])).toEqual([
      ['rocketreach', 'completed', true, 0],
    ]);
    expect(second.result?.data).toEqual(first.result?.data);
    expect(second.result?.sources).toEqual({ industry: 'rocketreach', company_size: 'rocketreach' });
    expect(second.result?.credits_spent).toBe(0);
    expect((await calls(ctx.stack.sandboxUrl, 'rocketreach')).total).toBe(before.total);
  });

  it('answers a company’s domain from the store under the provider that found it, without renewing its age', async () => {
    // Serper (first) does not know the domain; RocketReach's company search does.
    const companies = await answerKey<WorldCompany>(ctx.stack.sandboxUrl, 'companies');
    const company = [...companies]
      .reverse()
      .find(
        (c) =>
          c.domain_known_by.includes('rocketreach') &&
          !c.domain_known_by.includes('serper') &&
          / LIMITED$/.test(c.company_name),
      );
    expect(company).toBeDefined();
    const ask = (companyName = company?.company_name): Promise<JobView> =>
      jobFor({ type: 'company.domain', input: { company_name: companyName } });
    const first = await ask();
    expect(first.steps.map((s) => [s.provider, s.state])).toEqual([
      ['serper', 'failed'],
      ['rocketreach', 'completed'],
    ]);
    expect(first.result?.domain).toMatchObject({ domain: company?.domain, source: 'rocketreach' });
    const row = `SELECT provider, fetched_at FROM company_domains WHERE domain = $1`;
    const stored = await ctx.db.dataSource.query<unknown[]>(row, [company?.domain]);
    expect(stored).toEqual([expect.objectContaining({ provider: 'rocketreach' })]);

    expect(await forgetCachedAnswers()).toBeGreaterThan(0);
    const before = await calls(ctx.stack.sandboxUrl, 'serper');
    const second = await ask();
    // Serper's step, first in the waterfall, is answered from the store: with RocketReach's answer,
    // named as such (and so carrying its attribution), and not written back as Serper's.
    expect(second.steps.map((s) => [s.provider, s.state, s.cached, s.credits])).toEqual([
      ['serper', 'completed', true, 0],
    ]);
    expect(second.result?.domain).toEqual({
      domain: company?.domain,
      company_name: company?.company_name,
      source: 'rocketreach',
    });
    expect(second.result?.attribution).toEqual(['Powered by RocketReach']);
    expect((await calls(ctx.stack.sandboxUrl, 'serper')).total).toBe(before.total);
    expect(await ctx.db.dataSource.query(row, [company?.domain])).toEqual(stored);

    // Spelt another way (`Acme Widgets Ltd.` for `ACME WIDGETS LIMITED`), the same company: the
    // store answers it too, for nothing.
    // (Its cache key is another: only the store can answer it.)
    const otherSpelling = `${company?.company_name.replace(/ LIMITED$/, '').toLowerCase()} Ltd.`;
    const third = await ask(otherSpelling);
    expect(third.steps.map((s) => [s.provider, s.state, s.cached, s.credits])).toEqual([
      ['serper', 'completed', true, 0],
    ]);
    expect(third.result?.domain).toMatchObject({ domain: company?.domain, source: 'rocketreach' });
    expect((await calls(ctx.stack.sandboxUrl, 'serper')).total).toBe(before.total);

    // A row stored by an earlier version, its key the name folded for case and spacing only, is
    // still read under the name it was asked by.
    const legacy = `name:${company?.company_name.toLowerCase()}`;
    expect(
      await ctx.db.dataSource.query(
        `UPDATE company_domains SET company_key = $1 WHERE domain = $2 RETURNING company_key`,
        [legacy, company?.domain],
      ),
    ).toEqual([[{ company_key: legacy }], 1]);
    // (An answer from the store is not cached in Redis: nothing to forget.)
    const fourth = await ask();
    expect(fourth.steps.map((s) => [s.provider, s.state, s.cached, s.credits])).toEqual([
      ['serper', 'completed', true, 0],
    ]);
    expect((await calls(ctx.stack.sandboxUrl, 'serper')).total).toBe(before.total);
  });

  it("answers a company's firmographics with the organization Apollo's e-mail match returned, paying once", async () => {
    const companies = await answerKey<WorldCompany>(ctx.stack.sandboxUrl, 'companies');
    // Apollo finds the e-mail (Snov.io does not); a company no other test asks about.
    const person = [...world]
      .reverse()
      .filter(
        (p) => !p.emails.snov && p.emails.apollo === p.email && p.domain !== companies.at(-3)?.domain,
      )[5];
    expect(person).toBeDefined();
    const company = companies.find((c) => c.domain === person?.domain) as WorldCompany;
    const enrich = async (input: Record<string, unknown>, fields: string[]): Promise<JobView> =>
      finished(
        ctx.stack,
        apiKey,
        await enqueue(ctx.stack, apiKey, { type: 'enrich', input, options: { fields } }),
      );
    const before = await calls(ctx.stack.sandboxUrl, 'rocketreach');
    // Apollo writes industries in lower case.
    const firmographics = {
      industry: company.firmographics.industry.toLowerCase(),
      company_size: company.firmographics.employees,
    };

    const view = await enrich(personInput(person), ['business_email', 'industry', 'company_size']);
    expect(view.status).toBe('completed');
    expect(view.result?.data).toEqual({ business_email: person?.email, ...firmographics });
    expect(view.result?.sources).toEqual({
      business_email: 'apollo',
      industry: 'apollo',
      company_size: 'apollo',
    });
    expect(view.result?.credits_spent).toBe(1);

    // The company alone, once the cache has forgotten: from the store, as Apollo's answer.
    expect(await forgetCachedAnswers()).toBeGreaterThan(0);
    const again = await enrich({ domain: company.domain }, ['industry', 'company_size']);
    expect(again.result?.data).toEqual(firmographics);
    expect(again.result?.sources).toEqual({ industry: 'apollo', company_size: 'apollo' });
    expect(again.result?.credits_spent).toBe(0);
    // RocketReach's company lookup was never asked.
    expect((await calls(ctx.stack.sandboxUrl, 'rocketreach')).total).toBe(before.total);
  });

  it('asks the provider again with max_age_days 0 although the cache is warm; without it the cache answers', async () => {
    // Someone no earlier test asked about: another provider's answer (asked by company name or
    // LinkedIn URL) would answer from the store under that provider's name.
    const person = world.filter((p) => p.emails.snov === p.email).at(-1) as WorldPerson;
    const run = async (options?: Record<string, unknown>) => {
      const before = await calls(ctx.stack.sandboxUrl, 'snov');
      const view = await finished(
        ctx.stack,
        apiKey,
        await enqueue(ctx.stack, apiKey, {
          type: 'person.email',
          input: personInput(person),
          ...(options ? { options } : {}),
        }),
      );
      expect(view.status).toBe('completed');
      expect(view.result?.email).toMatchObject({ email: person.email, source: 'snov' });
      const after = await calls(ctx.stack.sandboxUrl, 'snov');
      return { view, snovCalls: after.total - before.total };
    };
    // The first job fills the cache (and the store), unless an earlier one did.
    await run();
    // Without max_age_days, and with one the answer is young enough for, the cache answers.
    for (const options of [undefined, { max_age_days: 1 }]) {
      const again = await run(options);
      expect(again.view.steps.map((s) => [s.provider, s.cached, s.credits])).toEqual([['snov', true, 0]]);
      expect(again.view.result?.credits_spent).toBe(0);
      expect(again.snovCalls).toBe(0);
    }
    // max_age_days 0: the answer in the cache (and the store) predates the job, so snov is asked again.
    const fresh = await run({ max_age_days: 0 });
    expect(fresh.view.steps.map((s) => [s.provider, s.cached])).toEqual([['snov', false]]);
    expect(fresh.view.result?.credits_spent).toBeGreaterThan(0);
    expect(fresh.snovCalls).toBeGreaterThan(0);
  });

  it('verifies the e-mail found when asked, and the verifier’s verdict outranks the finder’s', async () => {
    const person = world.find(
      (p) => p.emails.apollo === p.email && p.email_status === 'valid',
    ) as WorldPerson;
    const id = await enqueue(ctx.stack, apiKey, {
      type: 'person.email',
      input: {
        first_name: person.first_name,
        last_name: person.last_name,
        company_name: person.company_name,
        domain: person.domain,
      },
      options: { verify: true },
    });
    const view = await finished(ctx.stack, apiKey, id);
    expect(view.status).toBe('completed');
    expect(view.steps.filter((s) => s.state === 'completed').map((s) => [s.goal, s.provider])).toEqual([
      ['email', expect.any(String)],
      ['verify', 'email-verifier'],
    ]);
    expect(view.result?.verification).toMatchObject({
      email: person.email,
      verdict: 'valid',
      source: 'email-verifier',
    });
    expect(view.result?.sources).toMatchObject({ email_status: 'email-verifier' });
    expect(view.result?.data).toMatchObject({ business_email: person.email, email_status: 'valid' });
  });

  it('answers a verification of the same address from the PostgreSQL store once the Redis cache has forgotten, naming the verifier', async () => {
    // The address the test above had verified with its e-mail; now asked on its own, a day later.
    const person = world.find(
      (p) => p.emails.apollo === p.email && p.email_status === 'valid',
    ) as WorldPerson;
    expect(await forgetCachedAnswers()).toBeGreaterThan(0);
    const before = await calls(ctx.stack.sandboxUrl, 'email-verifier');
    const verify = (options: Record<string, unknown> = {}): Promise<JobView> =>
      jobFor({ type: 'email.verify', input: { email: person.email.toUpperCase() }, options });
    const view = await verify();
    expect(view.steps.map((s) => [s.provider, s.state, s.cached, s.credits])).toEqual([
      ['email-verifier', 'completed', true, 0],
    ]);
    expect(view.result?.verification).toEqual(
      expect.objectContaining({ email: person.email, verdict: 'valid', source: 'email-verifier' }),
    );
    expect(view.result?.verification).not.toHaveProperty('found_by');
    expect(view.result?.credits_spent).toBe(0);
    expect((await calls(ctx.stack.sandboxUrl, 'email-verifier')).total).toBe(before.total);

    // A caller who wants today's verdict says so: max_age_days 0 asks the verifier again.
    await forgetCachedAnswers();
    const fresh = await verify({ max_age_days: 0 });
    expect(fresh.steps.map((s) => [s.provider, s.state, s.cached, s.credits])).toEqual([
      ['email-verifier', 'completed', false, 1],
    ]);
    expect((await calls(ctx.stack.sandboxUrl, 'email-verifier')).total).toBe(before.total + 1);
  });

  it('stops paying for e-mails at a domain once it is known to accept every address', async () => {
    // Two people at one catch-all domain, the first known to a finder that flags catch-all
    // (Snov.io, or RocketReach when Apollo, which calls such addresses "unverified", does not know them).
    const flags = (p: WorldPerson): boolean =>
      p.emails.snov === p.email || (p.emails.rocketreach === p.email && p.emails.apollo !== p.email);
    const everyone = await answerKey<WorldPerson>(ctx.stack.sandboxUrl, 'people');
    const domains = new Map<string, WorldPerson[]>();
    for (const p of everyone.filter((w) => w.email_status === 'catch_all')) {
      domains.set(p.domain, [...(domains.get(p.domain) ?? []), p]);
    }
    const pair = [...domains.values()]
      .map((people) => {
        const flagged = people.find(flags);
        return [flagged, people.find((p) => p !== flagged)];
      })
      .find(([first, second]) => first && second) as [WorldPerson, WorldPerson];
    expect(pair).toBeDefined();
    const [first, second] = pair;

    const firstView = await finished(
      ctx.stack,
      apiKey,
      await enqueue(ctx.stack, apiKey, { type: 'person.email', input: personInput(first) }),
    );
    // The finder that flagged the address was paid; every finder after it was skipped unpaid.
    const steps = firstView.steps.filter((s) => s.goal === 'email');
    const flagged = steps.findIndex((s) => s.reason === 'rejected: catch_all');
    expect(flagged).toBeGreaterThanOrEqual(0);
    expect(steps.slice(flagged + 1).map((s) => [s.state, s.reason])).toEqual(
      steps.slice(flagged + 1).map(() => ['skipped', 'catch_all_domain']),
    );
    expect(steps).toHaveLength(3);
    expect(firstView.result?.credits_spent).toBe(steps[flagged].credits);

    const before = await Promise.all(
      ['snov', 'apollo', 'rocketreach'].map((p) => calls(ctx.stack.sandboxUrl, p)),
    );
    const secondView = await finished(
      ctx.stack,
      apiKey,
      await enqueue(ctx.stack, apiKey, { type: 'person.email', input: personInput(second) }),
    );
    expect(secondView.status).toBe('completed');
    expect(secondView.steps.map((s) => [s.state, s.reason])).toEqual([
      ['skipped', 'catch_all_domain'],
      ['skipped', 'catch_all_domain'],
      ['skipped', 'catch_all_domain'],
    ]);
    expect(secondView.result?.credits_spent).toBe(0);
    expect(secondView.result?.unresolved).toEqual([{ goal: 'email', reason: 'catch_all_domain' }]);
    const after = await Promise.all(
      ['snov', 'apollo', 'rocketreach'].map((p) => calls(ctx.stack.sandboxUrl, p)),
    );
    expect(after.map((c) => c.total)).toEqual(before.map((c) => c.total));

    // A caller who accepts catch-all addresses is still served there.
    const accepting = await finished(
      ctx.stack,
      apiKey,
      await enqueue(ctx.stack, apiKey, {
        type: 'person.email',
        input: personInput(first),
        options: { accept_catch_all: true },
      }),
    );
    expect(accepting.result?.email).toMatchObject({ email: first.email });
  });

  it('refuses an address its own verification finds catch-all, when the request does not accept catch-all', async () => {
    // Known, among the finders, only to Apollo, which gives such an address no verdict of its own.
    const everyone = await answerKey<WorldPerson>(ctx.stack.sandboxUrl, 'people');
    const person = everyone.find(
      (p) =>
        p.email_status === 'catch_all' &&
        p.emails.apollo === p.email &&
        !p.emails.snov &&
        !p.emails.rocketreach,
    ) as WorldPerson;
    expect(person).toBeDefined();
    // A workspace of its own: no other test's knowledge of the domain.
    const key = (await createWorkspace(ctx.stack.gatewayUrl, 'Verified Catch-All Co')).apiKey;
    const emailOf = async (options: Record<string, boolean>): Promise<JobView> =>
      finished(
        ctx.stack,
        key,
        await enqueue(ctx.stack, key, { type: 'person.email', input: personInput(person), options }),
      );
    const view = await emailOf({ verify: true });
    expect(view.status).toBe('completed');
    // Before, the address was the answer, catch-all verdict and all.
    expect(view.result?.email).toBeUndefined();
    expect(view.result?.verification).toMatchObject({ email: person.email, verdict: 'catch_all' });
    expect(view.result?.unresolved).toEqual([{ goal: 'email', reason: 'rejected: catch_all' }]);
    // The finders not yet asked are not paid for at a domain now known to take every address.
    const paid = view.steps.filter((s) => s.credits > 0).map((s) => s.provider);
    expect(paid.sort()).toEqual(['apollo', 'email-verifier']);
    expect(
      view.steps.filter((s) => s.goal === 'email' && s.state === 'skipped').map((s) => s.reason),
    ).not.toContain(null);

    // Accepting catch-all, the same address is the answer.
    const accepting = await emailOf({ verify: true, accept_catch_all: true });
    expect(accepting.result?.email).toMatchObject({ email: person.email });
    expect(accepting.result?.unresolved).toBeUndefined();
  });

  it('pays for one catch-all address at a domain, not one per person, when its people are enriched side by side', async () => {
    // A catch-all domain whose people Snov.io (asked first, and it flags catch-all) all knows.
    const everyone = await answerKey<WorldPerson>(ctx.stack.sandboxUrl, 'people');
    const byDomain = new Map<string, WorldPerson[]>();
    for (const p of everyone) {
      byDomain.set(p.domain, [...(byDomain.get(p.domain) ?? []), p]);
    }
    const colleagues = [...byDomain.values()].find(
      (group) =>
        group.length >= 3 && group.every((p) => p.email_status === 'catch_all' && p.emails.snov === p.email),
    );
    expect(colleagues).toBeDefined();
    // A workspace of its own: what another test learnt of the domain stays in its workspace.
    const key = (await createWorkspace(ctx.stack.gatewayUrl, 'Side By Side Co')).apiKey;
    const ids = await Promise.all(
      (colleagues as WorldPerson[]).map((p) =>
        enqueue(ctx.stack, key, { type: 'person.email', input: personInput(p) }),
      ),
    );
    const views = await Promise.all(ids.map((id) => finished(ctx.stack, key, id)));
    // One of them learnt that the domain accepts every address, for one credit; the others waited
    // for it and then asked no paid finder. Without the wait each paid for its own catch-all answer.
    const spent = views.map((view) => view.result?.credits_spent);
    expect(spent.filter((credits) => credits === 1)).toHaveLength(1);
    expect(spent.filter((credits) => credits === 0)).toHaveLength(ids.length - 1);
    for (const view of views) {
      expect(view.status).toBe('completed');
      expect(view.result?.unresolved).toEqual([{ goal: 'email', reason: 'catch_all_domain' }]);
    }
    const ledger = await ctx.db.dataSource
      .getRepository(CreditLedgerEntry)
      .findBy(ids.map((requestId) => ({ requestId })));
    expect(ledger.reduce((sum, row) => sum + Number(row.credits), 0)).toBe(1);
  });

  it('looks a person up at RocketReach only when its free search shows a work address', async () => {
    // Nobody else knows their work address; RocketReach knows only their phone, which a lookup
    // would have charged for.
    const person = world.find(
      (p) => !p.emails.snov && !p.emails.apollo && !p.emails.rocketreach && p.phones.rocketreach,
    );
    expect(person).toBeDefined();
    const before = await calls(ctx.stack.sandboxUrl, 'rocketreach');
    const view = await finished(
      ctx.stack,
      apiKey,
      await enqueue(ctx.stack, apiKey, { type: 'person.email', input: personInput(person as WorldPerson) }),
    );
    const after = await calls(ctx.stack.sandboxUrl, 'rocketreach');
    const rocketreach = view.steps.find((s) => s.provider === 'rocketreach');
    expect(rocketreach).toMatchObject({ state: 'failed', reason: 'not_found', credits: 0 });
    expect(view.result?.credits_spent).toBe(0);
    expect(paidCalls(after, 'POST /person/search') - paidCalls(before, 'POST /person/search')).toBe(1);
    expect(paidCalls(after, 'GET /person/lookup')).toBe(paidCalls(before, 'GET /person/lookup'));

    // Someone whose work address it shows is looked up, and found.
    const shown = world.find((p) => !p.emails.snov && !p.emails.apollo && p.emails.rocketreach === p.email);
    expect(shown).toBeDefined();
    const found = await finished(
      ctx.stack,
      apiKey,
      await enqueue(ctx.stack, apiKey, { type: 'person.email', input: personInput(shown as WorldPerson) }),
    );
    expect(found.steps.find((s) => s.provider === 'rocketreach')).toMatchObject({ state: 'completed' });
    const last = await calls(ctx.stack.sandboxUrl, 'rocketreach');
    expect(paidCalls(last, 'GET /person/lookup')).toBeGreaterThan(paidCalls(after, 'GET /person/lookup'));
  });

  it('coalesces 20 identical concurrent requests onto one provider call', async () => {
    const person = world.find((p) => p.emails.snov === p.email && p.email !== world[0]?.email) as WorldPerson;
    const before = paidCalls(
      await calls(ctx.stack.sandboxUrl, 'snov'),
      'POST /v2/emails-by-domain-by-name/start',
    );
    const ids = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        enqueue(ctx.stack, apiKey, {
          type: 'person.email',
          // Written differently each time: the same normalised question.
          input: {
            first_name: i % 2 ? person.first_name.toUpperCase() : ` ${person.first_name}`,
            last_name: person.last_name,
            domain: i % 3 ? person.domain : `https://www.${person.domain}/`,
          },
        }),
      ),
    );
    const views = await Promise.all(ids.map((id) => finished(ctx.stack, apiKey, id, 30_000)));
    for (const view of views) {
      expect(view.status).toBe('completed');
      expect(view.result?.email).toMatchObject({ email: person.email, source: 'snov' });
    }
    const after = paidCalls(
      await calls(ctx.stack.sandboxUrl, 'snov'),
      'POST /v2/emails-by-domain-by-name/start',
    );
    expect(after - before).toBe(1);
    expect(views.filter((v) => v.steps.some((s) => s.cached)).length).toBe(19);
    const charged = await ctx.db.dataSource
      .getRepository(CreditLedgerEntry)
      .createQueryBuilder('l')
      .where('l.request_id IN (:...ids)', { ids })
      .getMany();
    expect(charged.reduce((sum, row) => sum + Number(row.credits), 0)).toBe(1);
  });

  it('never starts a step that could exceed max_credits', async () => {
    const person = world.find((p) => !p.emails.snov && p.emails.apollo) as WorldPerson;
    const id = await enqueue(ctx.stack, apiKey, {
      type: 'person.email',
      input: { ...personInput(person), first_name: `${person.first_name}x` },
      max_credits: 0,
    });
    const view = await finished(ctx.stack, apiKey, id);
    expect(view.status).toBe('completed');
    expect(view.steps.every((s) => s.credits === 0)).toBe(true);
    expect(view.steps.some((s) => s.reason === 'over_budget')).toBe(true);
    expect(view.result?.unresolved).toEqual([{ goal: 'email', reason: 'over_budget' }]);
  });

  it('refuses a person request without a usable identifier, naming what is missing', async () => {
    const answer = await call<{ message: string }>(ctx.stack.gatewayUrl, 'POST', '/v1/jobs', {
      token: apiKey,
      body: { type: 'person.email', input: { first_name: 'Ada' } },
    });
    expect(answer.status).toBe(400);
    expect(JSON.stringify(answer.body)).toMatch(/domain or company_name/);
    const options = await call(ctx.stack.gatewayUrl, 'POST', '/v1/jobs', {
      token: apiKey,
      body: {
        type: 'person.phone',
        input: { email: 'ada@example.com' },
        options: { phone_type: 'landline' },
      },
    });
    expect(options.status).toBe(400);
    expect(JSON.stringify(options.body)).toMatch(/phone_type must be mobile or any/);
    const age = await call(ctx.stack.gatewayUrl, 'POST', '/v1/jobs', {
      token: apiKey,
      body: {
        type: 'person.email',
        input: { first_name: 'Ada', last_name: 'Lovelace', domain: 'example.com' },
        options: { max_age_days: -1 },
      },
    });
    expect(age.status).toBe(400);
    expect(JSON.stringify(age.body)).toMatch(/options.max_age_days must be a whole number from 0 to 3650/);
  });
});

describe('credits running out', () => {
  let ctx: Awaited<ReturnType<typeof setUp>>;
  let apiKey: string;
  let world: WorldPerson[];

  beforeAll(async () => {
    // Only Snov.io finds e-mails here, so waiting work has nowhere else to go.
    ctx = await setUp({
      PROVIDER_OVERRIDES: JSON.stringify({ apollo: { enabled: false }, rocketreach: { enabled: false } }),
    });
    apiKey = (await createWorkspace(ctx.stack.gatewayUrl, 'Credits Co')).apiKey;
    world = await people(ctx.stack.sandboxUrl);
  });
  afterAll(() => tearDown(ctx));

  it('pauses the provider queue, keeps Companies House flowing, calls the provider no more, and resumes on top-up', async () => {
    await sandboxPatch(ctx.stack.sandboxUrl, 'snov', { credits: 2, task_delay_ms: 20 });
    const known = world.filter((p) => p.emails.snov === p.email).slice(0, 6);
    expect(known).toHaveLength(6);
    const ids: string[] = [];
    for (const person of known) {
      ids.push(
        await enqueue(ctx.stack, apiKey, {
          type: 'person.email',
          input: personInput(person),
          priority: 'bulk',
          options: { wait_for_credits: true },
        }),
      );
    }
    const queue = ctx.stack.worker?.get<Queue>(getQueueToken('provider.snov'), { strict: false }) as Queue;
    await eventually(async () => (await queue.isPaused()) || undefined, {
      timeoutMs: 20_000,
      what: 'snov paused',
    });
    const finders = (c: CallCounts): number =>
      paidCalls(c, 'POST /v2/emails-by-domain-by-name/start') +
      paidCalls(c, 'GET /v2/emails-by-domain-by-name/result');
    // Calls already on the wire when the pause fell may still land; after that, none may. They have
    // landed once no Snov.io run is active (the paused queue starts none): on a loaded machine that
    // can take longer than the 300 ms that are ample otherwise.
    await new Promise((resolve) => setTimeout(resolve, 300));
    await eventually(async () => (await queue.getActiveCount()) === 0 || undefined, {
      what: 'the Snov.io runs on the wire at the pause ended',
    });
    const countsAtPause = await calls(ctx.stack.sandboxUrl, 'snov');
    const atPause = finders(countsAtPause);
    const pausedSince = Date.now();

    const companies = (
      await call<WorldCompany[]>(ctx.stack.sandboxUrl, 'GET', '/_sandbox/world/companies?limit=3')
    ).body;
    const profiles = await Promise.all(
      companies.map((c) =>
        enqueue(ctx.stack, apiKey, { type: 'company.profile', input: { company_number: c.company_number } }),
      ),
    );
    for (const id of profiles) {
      expect((await finished(ctx.stack, apiKey, id)).status).toBe('completed');
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const countsPaused = await calls(ctx.stack.sandboxUrl, 'snov');
    expect(finders(countsPaused)).toBe(atPause);
    // The credit sync reads a paused provider's balance at most a quarter of its rate window's
    // budget (Snov.io's 60 a minute: one each 4.5 s), not at each of its ticks (300 ms here): those
    // reads filled the window, and the work resumed on a top-up waited for it to free.
    const balanceReads = (c: CallCounts): number => paidCalls(c, 'GET /v1/get-balance');
    expect(balanceReads(countsPaused) - balanceReads(countsAtPause)).toBeLessThanOrEqual(
      1 + Math.floor((Date.now() - pausedSince) / 4000),
    );
    const waiting = await Promise.all(ids.map((id) => job(ctx.stack, apiKey, id)));
    expect(waiting.filter((v) => v.status === 'completed').length).toBeLessThanOrEqual(2);
    expect(waiting.filter((v) => v.status === 'failed')).toEqual([]);

    await sandboxPatch(ctx.stack.sandboxUrl, 'snov', { credits: 100 });
    const done = await Promise.all(ids.map((id) => finished(ctx.stack, apiKey, id, 30_000)));
    expect(await queue.isPaused()).toBe(false);
    done.forEach((view, i) => {
      expect(view.status).toBe('completed');
      expect(view.result?.email).toMatchObject({ email: known[i]?.email });
    });
    const steps = await ctx.db.dataSource
      .getRepository(EnrichmentStep)
      .findBy({ provider: 'snov', state: 'completed' });
    expect(steps.filter((s) => ids.includes(s.requestId))).toHaveLength(6);

    // The credit monitor hears of both: one pause and one resume for Snov.io.
    const redis = new Redis(requireEnv('REDIS_URL'));
    try {
      const events = await redis.xrange(`${ctx.prefix}:pipeline:events:pipeline`, '-', '+');
      const snov = events
        .map(([, fields]) =>
          Object.fromEntries(fields.flatMap((v, i, all) => (i % 2 ? [] : [[v, all[i + 1]]]))),
        )
        .filter((event: Record<string, string>) => event.provider === 'snov')
        .map((event: Record<string, string>) => event.type);
      expect(snov).toEqual(['provider.paused', 'provider.resumed']);
    } finally {
      redis.disconnect();
    }
  });

  it('moves the steps queued behind a pause for credits on at once when their requests may not wait', async () => {
    await sandboxPatch(ctx.stack.sandboxUrl, 'snov', { credits: 2, task_delay_ms: 20 });
    const known = world.filter((p) => p.emails.snov === p.email).slice(6, 31);
    expect(known).toHaveLength(25);
    const ids = await Promise.all(
      known.map((person) =>
        enqueue(ctx.stack, apiKey, { type: 'person.email', input: personInput(person), priority: 'bulk' }),
      ),
    );
    const snovStep = (view: JobView) => view.steps.find((step) => step.provider === 'snov');
    const taskOf = async (id: string): Promise<string | null> =>
      (
        await ctx.db.dataSource.query<{ provider_task_id: string | null }[]>(
          `SELECT provider_task_id FROM enrichment_steps WHERE request_id = $1 AND provider = 'snov'`,
          [id],
        )
      )[0]?.provider_task_id ?? null;
    // No top-up. Before, the steps still queued when Snov.io paused waited in its queue for one,
    // however long it took; only those that happened to run fell through. Now each has moved on,
    // but a search Snov.io had started before the pause, whose result is still to be read.
    const views = await eventually(
      async () => {
        const now = await Promise.all(ids.map((id) => job(ctx.stack, apiKey, id)));
        for (const [i, view] of now.entries()) {
          if (view.status !== 'completed' && !(await taskOf(ids[i]))) {
            const queue = ctx.stack.worker?.get<Queue>(getQueueToken('provider.snov'), {
              strict: false,
            }) as Queue;
            const stepJob = (await queue.getJobs(['waiting', 'prioritized', 'delayed', 'active'])).find(
              (candidate) => (candidate.data as { requestId?: string }).requestId === ids[i],
            );
            throw new Error(
              `job ${ids[i]} is ${view.status}: ${JSON.stringify(snovStep(view))}, its step job ${stepJob ? await stepJob.getState() : 'gone'} ${JSON.stringify(stepJob?.data)}`,
            );
          }
        }
        return now;
      },
      { timeoutMs: 30_000, what: 'every job finished or reading a search started before the pause' },
    );
    const movedOn = views.filter(
      (view) => snovStep(view)?.state === 'skipped' && snovStep(view)?.reason === 'out_of_credits',
    );
    expect(movedOn.length).toBeGreaterThan(0);
    for (const view of movedOn) {
      expect(view.status).toBe('completed');
      expect(view.result?.unresolved).toEqual([
        {
          goal: 'email',
          reason: 'out_of_credits',
          retry_later: [{ provider: 'snov', reason: 'out_of_credits' }],
        },
      ]);
    }
    // What a moved-on step held is given back: a catch-all probe it kept held every e-mail search
    // at its domain until the probe expired (STEP_TIMEOUT_MS).
    const redis = new Redis(requireEnv('REDIS_URL'));
    try {
      const held = await redis.keys(`${ctx.prefix}:pipeline:probe:*`);
      const holders = await Promise.all(held.map((key) => redis.get(key)));
      const skipped = new Set(
        (
          await ctx.db.dataSource.query<{ id: string }[]>(
            `SELECT id FROM enrichment_steps WHERE request_id = ANY($1) AND state = 'skipped'`,
            [ids],
          )
        ).map((row) => row.id),
      );
      expect(holders.filter((holder) => holder && skipped.has(holder.split(':')[1] ?? ''))).toEqual([]);
    } finally {
      redis.disconnect();
    }
    // The searches started before the pause are read once credits are back, and every job ends:
    // within Snov.io's rate window, as the searches, restarts and polls before the pause may have
    // used its 60 calls a minute (the resumed work then waits for the window to free).
    await sandboxPatch(ctx.stack.sandboxUrl, 'snov', { credits: 100 });
    const done = await Promise.all(ids.map((id) => finished(ctx.stack, apiKey, id, 75_000)));
    expect(done.every((view) => view.status === 'completed')).toBe(true);
  }, 150_000);
});

describe('credits running out at a provider that has no balance endpoint', () => {
  let ctx: Awaited<ReturnType<typeof setUp>>;
  let apiKey: string;

  beforeAll(async () => {
    // Orion Connect alone finds phones here, and nothing tells its balance but its answers.
    ctx = await setUp({
      PROVIDER_OVERRIDES: JSON.stringify({
        'astra-dialer': { enabled: false },
        'nimbus-lookup': { enabled: false },
      }),
      CREDIT_PROBE_AFTER_MS: '500',
    });
    apiKey = (await createWorkspace(ctx.stack.gatewayUrl, 'Probe Co')).apiKey;
  });
  afterAll(() => tearDown(ctx));

  it('pauses on its out-of-credits answer, and resumes by itself once a probe finds the balance back', async () => {
    const found = (await people(ctx.stack.sandboxUrl)).filter((p) => p.phones['orion-connect']).slice(0, 5);
    expect(found).toHaveLength(5);
    await sandboxPatch(ctx.stack.sandboxUrl, 'orion-connect', { credits: 2 });
    const ids: string[] = [];
    for (const person of found) {
      ids.push(
        await enqueue(ctx.stack, apiKey, {
          type: 'person.phone',
          input: personInput(person),
          priority: 'bulk',
          options: { wait_for_credits: true },
        }),
      );
    }
    const queue = ctx.stack.worker?.get<Queue>(getQueueToken('provider.orion-connect'), {
      strict: false,
    }) as Queue;
    await eventually(async () => (await queue.isPaused()) || undefined, { what: 'orion-connect paused' });
    await sandboxPatch(ctx.stack.sandboxUrl, 'orion-connect', { credits: 100 });
    const done = await Promise.all(ids.map((id) => finished(ctx.stack, apiKey, id, 15_000)));
    expect(done.map((view) => view.status)).toEqual(ids.map(() => 'completed'));
    // Two credits before the top-up and three after: the ledger is what the provider charged.
    const balance = await call<{ credits: number }>(
      ctx.stack.sandboxUrl,
      'GET',
      '/_sandbox/providers/orion-connect',
    );
    const ledger = await ctx.db.dataSource
      .getRepository(CreditLedgerEntry)
      .createQueryBuilder('l')
      .where('l.request_id IN (:...ids)', { ids })
      .getMany();
    expect(ledger.reduce((sum, row) => sum + Number(row.credits), 0)).toBe(2 + 100 - balance.body.credits);
  });
});

describe('priority classes', () => {
  let ctx: Awaited<ReturnType<typeof setUp>>;
  let apiKey: string;

  beforeAll(async () => {
    ctx = await setUp({ WORKER_LOW_CONCURRENCY: '2' });
    apiKey = (await createWorkspace(ctx.stack.gatewayUrl, 'Classes Co')).apiKey;
  });
  afterAll(() => tearDown(ctx));

  it('keeps Companies House (HIGH) answering while LOW queues are saturated with slow work', async () => {
    await sandboxPatch(ctx.stack.sandboxUrl, 'email-verifier', { latency_ms: 3000, rate_limit: null });
    const slow = [];
    for (let i = 0; i < 8; i += 1) {
      slow.push(
        await enqueue(ctx.stack, apiKey, {
          type: 'email.verify',
          input: { email: `slow${i}@example.com` },
          priority: 'bulk',
        }),
      );
    }
    const company = (
      await call<WorldCompany[]>(ctx.stack.sandboxUrl, 'GET', '/_sandbox/world/companies?limit=1')
    ).body[0];
    const started = Date.now();
    const profile = await finished(
      ctx.stack,
      apiKey,
      await enqueue(ctx.stack, apiKey, {
        type: 'company.profile',
        input: { company_number: company.company_number },
      }),
    );
    expect(profile.status).toBe('completed');
    // The LOW queue needs 4 rounds of 3 s for its 8 jobs; the HIGH job did not wait for any of them.
    expect(Date.now() - started).toBeLessThan(2500);
    const views = await Promise.all(slow.map((id) => job(ctx.stack, apiKey, id)));
    expect(views.filter((v) => v.status === 'completed').length).toBeLessThan(8);
  });
});

describe('circuit breakers', () => {
  let ctx: Awaited<ReturnType<typeof setUp>>;
  let apiKey: string;
  let world: WorldPerson[];

  beforeAll(async () => {
    ctx = await setUp({
      PROVIDER_OVERRIDES: JSON.stringify({ 'nimbus-lookup': { enabled: false } }),
    });
    apiKey = (await createWorkspace(ctx.stack.gatewayUrl, 'Circuit Co', 'premium')).apiKey;
    world = await people(ctx.stack.sandboxUrl);
  });
  afterAll(() => tearDown(ctx));

  it('opens on an outage, lets the waterfall fall through, and closes again after it', async () => {
    const phoned = world.filter((p) => p.phones['orion-connect'] && p.phones['astra-dialer']);
    expect(phoned.length).toBeGreaterThanOrEqual(3);
    await sandboxPatch(ctx.stack.sandboxUrl, 'orion-connect', { outage: true });

    const first = await finished(
      ctx.stack,
      apiKey,
      await enqueue(ctx.stack, apiKey, {
        type: 'person.phone',
        input: personInput(phoned[0]),
      }),
      30_000,
    );
    expect(first.status).toBe('completed');
    expect(first.steps.map((s) => [s.provider, s.state])).toEqual([
      ['nimbus-lookup', 'skipped'],
      ['orion-connect', 'failed'],
      ['astra-dialer', 'completed'],
    ]);

    const second = await finished(
      ctx.stack,
      apiKey,
      await enqueue(ctx.stack, apiKey, {
        type: 'person.phone',
        input: personInput(phoned[1]),
      }),
    );
    expect(second.steps.map((s) => [s.provider, s.state, s.reason])).toEqual([
      ['orion-connect', 'skipped', 'circuit_open'],
      ['nimbus-lookup', 'skipped', 'disabled'],
      ['astra-dialer', 'completed', null],
    ]);
    const metrics = await (await fetch(`${ctx.stack.workerUrl}/metrics`)).text();
    expect(metrics).toMatch(/sluice_circuit_transitions_total\{provider="orion-connect",to="open"[^}]*\} 1/);

    await sandboxPatch(ctx.stack.sandboxUrl, 'orion-connect', { outage: false });
    await new Promise((resolve) => setTimeout(resolve, 1600));
    const third = await finished(
      ctx.stack,
      apiKey,
      await enqueue(ctx.stack, apiKey, {
        type: 'person.phone',
        input: personInput(phoned[2]),
      }),
    );
    expect(third.steps.map((s) => [s.provider, s.state])).toEqual([
      ['nimbus-lookup', 'skipped'],
      ['orion-connect', 'completed'],
    ]);
    const after = await (await fetch(`${ctx.stack.workerUrl}/metrics`)).text();
    expect(after).toMatch(/sluice_circuit_transitions_total\{provider="orion-connect",to="closed"[^}]*\} 1/);
  });

  it('lets the next step probe a half-open circuit at once when the probe’s own step made no call', async () => {
    const phoned = world.filter((p) => p.phones['orion-connect'] && p.phones['astra-dialer']).slice(3);
    expect(phoned.length).toBeGreaterThanOrEqual(3);
    const orionStep = (view: JobView): JobView['steps'][number] | undefined =>
      view.steps.find((s) => s.provider === 'orion-connect');
    // A workspace whose quota at Orion Connect holds every paid call before it is made.
    const held = await createWorkspace(ctx.stack.gatewayUrl, 'Held Probe Co');
    const quota = await call(
      ctx.stack.gatewayUrl,
      'PUT',
      `/v1/admin/workspaces/${held.id}/quotas/orion-connect`,
      { token: TEST_ADMIN_TOKEN, body: { monthly_credits: 0, policy: 'hold' } },
    );
    expect(quota.status).toBe(200);

    await sandboxPatch(ctx.stack.sandboxUrl, 'orion-connect', { outage: true });
    const opened = await finished(
      ctx.stack,
      apiKey,
      await enqueue(ctx.stack, apiKey, { type: 'person.phone', input: personInput(phoned[0]) }),
      30_000,
    );
    expect(orionStep(opened)?.state).toBe('failed');
    await sandboxPatch(ctx.stack.sandboxUrl, 'orion-connect', { outage: false });
    await new Promise((resolve) => setTimeout(resolve, 1600)); // the cool-down

    // The circuit's one probe goes to a step that its quota then holds: no call, nothing learnt.
    const heldId = await enqueue(ctx.stack, held.apiKey, {
      type: 'person.phone',
      input: personInput(phoned[1]),
    });
    await eventually(
      async () =>
        (await job(ctx.stack, held.apiKey, heldId)).steps.some((s) => s.reason === 'quota_held')
          ? true
          : null,
      { timeoutMs: 15_000, what: 'the probe’s step held by its quota' },
    );
    // The next step probes at once, and its answer closes the circuit; it is not skipped as if the
    // circuit were still open until the held probe's slot expired.
    const next = await finished(
      ctx.stack,
      apiKey,
      await enqueue(ctx.stack, apiKey, { type: 'person.phone', input: personInput(phoned[2]) }),
    );
    expect(orionStep(next)).toMatchObject({ state: 'completed', reason: null });
    const cancelled = await call(ctx.stack.gatewayUrl, 'POST', `/v1/jobs/${heldId}/cancel`, {
      token: held.apiKey,
    });
    expect(cancelled.status).toBe(200);
  });
});

describe('cancellation', () => {
  let ctx: Awaited<ReturnType<typeof setUp>>;
  let apiKey: string;

  beforeAll(async () => {
    ctx = await setUp({});
    apiKey = (await createWorkspace(ctx.stack.gatewayUrl, 'Cancel Co')).apiKey;
  });
  afterAll(() => tearDown(ctx));

  it('stops all further spend on a cancelled job', async () => {
    const world = await people(ctx.stack.sandboxUrl);
    const person = world.find((p) => p.emails.snov) as WorldPerson;
    await sandboxPatch(ctx.stack.sandboxUrl, 'snov', { latency_ms: 1500 });
    const before = await calls(ctx.stack.sandboxUrl, 'snov');
    const id = await enqueue(ctx.stack, apiKey, {
      type: 'person.email',
      input: personInput(person),
      priority: 'bulk',
    });
    const cancelled = await call<JobView>(ctx.stack.gatewayUrl, 'POST', `/v1/jobs/${id}/cancel`, {
      token: apiKey,
    });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const view = await job(ctx.stack, apiKey, id);
    expect(view.status).toBe('cancelled');
    expect(view.steps.every((s) => s.state !== 'pending' && s.credits === 0)).toBe(true);
    const after = await calls(ctx.stack.sandboxUrl, 'snov');
    expect(paidCalls(after, 'POST /v2/emails-by-domain-by-name/start')).toBe(
      paidCalls(before, 'POST /v2/emails-by-domain-by-name/start'),
    );
    const again = await call<JobView>(ctx.stack.gatewayUrl, 'POST', `/v1/jobs/${id}/cancel`, {
      token: apiKey,
    });
    expect(again.status).toBe(200);
    expect(again.body.status).toBe('cancelled');
  });

  it('refuses to cancel a job that already finished', async () => {
    const company = (
      await call<WorldCompany[]>(ctx.stack.sandboxUrl, 'GET', '/_sandbox/world/companies?limit=1')
    ).body[0];
    const id = await enqueue(ctx.stack, apiKey, {
      type: 'company.profile',
      input: { company_number: company.company_number },
    });
    expect((await finished(ctx.stack, apiKey, id)).status).toBe('completed');
    const answer = await call(ctx.stack.gatewayUrl, 'POST', `/v1/jobs/${id}/cancel`, { token: apiKey });
    expect(answer.status).toBe(409);
    expect(JSON.stringify(answer.body)).toMatch(/already completed/);
  });
});

describe('cancelling while a paid call is on the wire', () => {
  let ctx: Awaited<ReturnType<typeof setUp>>;
  let apiKey: string;

  beforeAll(async () => {
    // Apollo alone finds e-mails here: the step's one call is the one the cancellation races.
    ctx = await setUp({
      PROVIDER_OVERRIDES: JSON.stringify({ snov: { enabled: false }, rocketreach: { enabled: false } }),
    });
    apiKey = (await createWorkspace(ctx.stack.gatewayUrl, 'Cancel In Flight Co')).apiKey;
  });
  afterAll(() => tearDown(ctx));

  it('records in the ledger what the provider charged for a call that was already on its way', async () => {
    const person = (await people(ctx.stack.sandboxUrl)).find((p) => p.emails.apollo) as WorldPerson;
    const balance = async (): Promise<number> =>
      (await call<{ credits: number }>(ctx.stack.sandboxUrl, 'GET', '/_sandbox/providers/apollo')).body
        .credits;
    // Slow enough that the cancellation lands while the sandbox holds the call (it charges as it answers).
    await sandboxPatch(ctx.stack.sandboxUrl, 'apollo', { credits: 100, latency_ms: 1500 });
    const id = await enqueue(ctx.stack, apiKey, { type: 'person.email', input: personInput(person) });
    await eventually(
      async () =>
        paidCalls(await calls(ctx.stack.sandboxUrl, 'apollo'), 'POST /people/match') === 1 || undefined,
      { what: 'the match call on the wire' },
    );
    const cancelled = await call<JobView>(ctx.stack.gatewayUrl, 'POST', `/v1/jobs/${id}/cancel`, {
      token: apiKey,
    });
    expect(cancelled.body.status).toBe('cancelled');
    // The run has ended once its provider call is written (with its settlement, or as the run ends).
    await eventually(
      async () =>
        Number(
          (
            await ctx.db.dataSource.query<{ n: string }[]>(
              'SELECT count(*) AS n FROM provider_calls WHERE request_id = $1',
              [id],
            )
          )[0]?.n,
        ) === 1 || undefined,
      { what: 'the call written' },
    );
    const charged = 100 - (await balance());
    expect(charged).toBe(1);
    const ledger = await ctx.db.dataSource.getRepository(CreditLedgerEntry).findBy({ requestId: id });
    expect(ledger.map((row) => Number(row.credits))).toEqual([charged]);
    // The job stays cancelled, and says what it cost.
    const view = await job(ctx.stack, apiKey, id);
    expect(view.status).toBe('cancelled');
    expect(view.steps.find((s) => s.provider === 'apollo')).toMatchObject({
      state: 'skipped',
      reason: 'cancelled',
      credits: charged,
    });
  });
});

describe('cancelling while a provider works on a paid search', () => {
  let ctx: Awaited<ReturnType<typeof setUp>>;
  let apiKey: string;

  beforeAll(async () => {
    // Snov.io alone finds e-mails here; it calls back (the stack's receiver) when a search is done.
    ctx = await setUp({
      PROVIDER_OVERRIDES: JSON.stringify({ apollo: { enabled: false }, rocketreach: { enabled: false } }),
    });
    apiKey = (await createWorkspace(ctx.stack.gatewayUrl, 'Cancel Task Co')).apiKey;
  });
  afterAll(() => tearDown(ctx));

  it('records in the ledger what the provider charged for the search it finished after the cancellation', async () => {
    const person = (await people(ctx.stack.sandboxUrl)).find((p) => p.emails.snov === p.email) as WorldPerson;
    const balance = async (): Promise<number> =>
      (await call<{ credits: number }>(ctx.stack.sandboxUrl, 'GET', '/_sandbox/providers/snov')).body.credits;
    await sandboxPatch(ctx.stack.sandboxUrl, 'snov', { credits: 100, task_delay_ms: 1500 });
    const id = await enqueue(ctx.stack, apiKey, { type: 'person.email', input: personInput(person) });
    expect((await cancelOnceSnovSearched(ctx.stack, apiKey, id)).status).toBe('cancelled');
    // Snov.io finishes the search and charges for it as it calls back, whoever asks.
    await eventually(async () => (await balance()) < 100 || undefined, { what: 'the search charged' });
    const ledger = await eventually(
      async () => {
        const rows = await ctx.db.dataSource.getRepository(CreditLedgerEntry).findBy({ requestId: id });
        return rows.length > 0 ? rows : undefined;
      },
      { timeoutMs: 30_000, what: 'the charge in the ledger' },
    );
    const charged = 100 - (await balance());
    expect(charged).toBe(1);
    expect(ledger.map((row) => Number(row.credits))).toEqual([charged]);
    const view = await job(ctx.stack, apiKey, id);
    expect(view.status).toBe('cancelled');
    expect(view.steps.find((s) => s.provider === 'snov')).toMatchObject({
      state: 'skipped',
      reason: 'cancelled',
      credits: charged,
    });
    // The paid answer serves an identical request for nothing.
    const again = await finished(
      ctx.stack,
      apiKey,
      await enqueue(ctx.stack, apiKey, { type: 'person.email', input: personInput(person) }),
    );
    expect(again.result?.email).toMatchObject({ email: person.email });
    expect(again.steps.find((s) => s.provider === 'snov')).toMatchObject({ cached: true, credits: 0 });
    expect(
      paidCalls(await calls(ctx.stack.sandboxUrl, 'snov'), 'POST /v2/emails-by-domain-by-name/start'),
    ).toBe(1);
  });

  it('records the charge of a search whose start was on the wire when the job was cancelled', async () => {
    // Another person than the test above asked for: its answer is cached.
    const person = (await people(ctx.stack.sandboxUrl)).filter((p) => p.emails.snov === p.email)[1];
    expect(person).toBeDefined();
    const balance = async (): Promise<number> =>
      (await call<{ credits: number }>(ctx.stack.sandboxUrl, 'GET', '/_sandbox/providers/snov')).body.credits;
    // The start answers (with its task id) only after the cancellation has settled the step.
    await sandboxPatch(ctx.stack.sandboxUrl, 'snov', { credits: 100, latency_ms: 1500, task_delay_ms: 1500 });
    const starts = paidCalls(
      await calls(ctx.stack.sandboxUrl, 'snov'),
      'POST /v2/emails-by-domain-by-name/start',
    );
    const id = await enqueue(ctx.stack, apiKey, { type: 'person.email', input: personInput(person) });
    expect((await cancelOnceSnovSearched(ctx.stack, apiKey, id, starts + 1)).status).toBe('cancelled');
    await eventually(async () => (await balance()) < 100 || undefined, {
      timeoutMs: 15_000,
      what: 'the search charged',
    });
    const ledger = await eventually(
      async () => {
        const rows = await ctx.db.dataSource.getRepository(CreditLedgerEntry).findBy({ requestId: id });
        return rows.length > 0 ? rows : undefined;
      },
      { timeoutMs: 15_000, what: 'the charge in the ledger' },
    );
    const charged = 100 - (await balance());
    expect(charged).toBe(1);
    expect(ledger.map((row) => Number(row.credits))).toEqual([charged]);
    expect((await job(ctx.stack, apiKey, id)).steps.find((s) => s.provider === 'snov')).toMatchObject({
      state: 'skipped',
      reason: 'cancelled',
      credits: charged,
    });
  });
});

describe('planning', () => {
  let ctx: Awaited<ReturnType<typeof setUp>>;
  let workspace: { id: string; apiKey: string };

  beforeAll(async () => {
    ctx = await setUp({});
    workspace = await createWorkspace(ctx.stack.gatewayUrl, 'Planning Co');
  });
  afterAll(() => tearDown(ctx));

  it('plans a request once when several planners race, and every planner returns', async () => {
    const pg = new Client({ connectionString: ctx.db.url });
    await pg.connect();
    try {
      // A request as the gateway stores it, without its plan job: the planners below are the only ones.
      const inserted = await pg.query<{ id: string }>(
        `INSERT INTO enrichment_requests (workspace_id, type, input, priority, status, options, tier, correlation_id)
         VALUES ($1, 'email.verify', '{"email":"ada@example.com"}', 'bulk', 'queued', '{}', 'pro', 'race')
         RETURNING id`,
        [workspace.id],
      );
      const id = inserted.rows[0].id;
      const orchestrator = (ctx.stack.worker as INestApplication).get(Orchestrator);
      const results = await Promise.all(
        Array.from({ length: 6 }, () => orchestrator.advance(id, workspace.id, 'race')),
      );
      expect(results.filter((r) => r.action === 'enqueued')).toHaveLength(1);
      const view = await finished(ctx.stack, workspace.apiKey, id);
      expect(view.status).toBe('completed');
      expect(view.steps.map((s) => [s.seq, s.goal, s.provider])).toEqual([[0, 'verify', 'email-verifier']]);
    } finally {
      await pg.end();
    }
  });
});

describe('a step taken twice at once', () => {
  let ctx: Awaited<ReturnType<typeof setUp>>;
  let workspace: { id: string; apiKey: string };

  beforeAll(async () => {
    ctx = await setUp({});
    workspace = await createWorkspace(ctx.stack.gatewayUrl, 'Stalled Co');
  });
  afterAll(() => tearDown(ctx));

  it('calls and charges the provider once when a second run of the step starts while the first still calls', async () => {
    // A slow provider, so the first run is still on the wire when the second starts (as when a
    // stalled job is taken again by another worker).
    await sandboxPatch(ctx.stack.sandboxUrl, 'email-verifier', { latency_ms: 1500 });
    const before = await calls(ctx.stack.sandboxUrl, 'email-verifier');
    const id = await enqueue(ctx.stack, workspace.apiKey, {
      type: 'email.verify',
      input: { email: 'grace.hopper@example.com' },
    });
    const step = await eventually(async () => {
      const pending = await ctx.db.dataSource
        .getRepository(EnrichmentStep)
        .findOneBy({ requestId: id, state: 'pending' });
      if (!pending) {
        throw new Error('no pending step yet');
      }
      return pending;
    });
    // The first run takes the step and calls within a few milliseconds; its answer takes 1.5 s.
    await new Promise((resolve) => setTimeout(resolve, 400));
    const queue = ctx.stack.worker?.get<Queue>(getQueueToken('provider.email-verifier'), {
      strict: false,
    }) as Queue;
    await queue.add(
      'provider.step',
      { stepId: step.id, requestId: id, workspaceId: workspace.id, correlationId: 'second-run' },
      { jobId: `second-run-${step.id}` },
    );
    const view = await finished(ctx.stack, workspace.apiKey, id);
    expect(view.status).toBe('completed');
    await eventually(
      async () => {
        const state = await queue.getJobState(`second-run-${step.id}`);
        if (state !== 'completed') {
          throw new Error(`the second run is ${state}`);
        }
        return state;
      },
      { what: 'the second run to complete' },
    );
    const after = await calls(ctx.stack.sandboxUrl, 'email-verifier');
    expect(after.total - before.total).toBe(1);
    const ledger = await ctx.db.dataSource.getRepository(CreditLedgerEntry).findBy({ requestId: id });
    expect(ledger.map((row) => Number(row.credits))).toEqual([view.steps[0].credits]);
    expect(view.steps[0].credits).toBeGreaterThan(0);
  });
});

describe('an identical call finishing between the cache read and the claim', () => {
  let ctx: Awaited<ReturnType<typeof setUp>>;
  let workspace: { id: string; apiKey: string };

  beforeAll(async () => {
    ctx = await setUp({});
    workspace = await createWorkspace(ctx.stack.gatewayUrl, 'Window Co');
  });
  afterAll(() => tearDown(ctx));

  it('settles from the answer cached meanwhile, once the claim is held, instead of paying again', async () => {
    const input = { email: 'katherine.johnson@example.com' };
    // A first request pays for the answer: it is in the cache and the store.
    const first = await finished(
      ctx.stack,
      workspace.apiKey,
      await enqueue(ctx.stack, workspace.apiKey, { type: 'email.verify', input }),
    );
    expect(first.status).toBe('completed');
    expect(first.steps.map((s) => [s.provider, s.cached])).toEqual([['email-verifier', false]]);
    const [paidStep] = await ctx.db.dataSource.getRepository(EnrichmentStep).findBy({ requestId: first.id });
    const cacheKey = paidStep.cacheKey as string;
    const cache = ctx.stack.worker?.get(ResultCache, { strict: false }) as ResultCache;
    const answer = await cache.get(workspace.id, cacheKey);
    expect(answer?.status).toBe('hit');

    // The second request refuses answers older than itself (max_age_days 0): the cache and the
    // store have nothing for it, so it goes on to claim the call. Just before its claim, an
    // identical call finishes: it caches its answer and releases its claim (here: the answer
    // written the moment before the claim is taken), exactly in the window between read and claim.
    const claim = cache.claim.bind(cache);
    const spy = jest.spyOn(cache, 'claim').mockImplementationOnce(async (workspaceId, key, ...rest) => {
      await cache.set(workspaceId, key, 'email.verify', answer as NonNullable<typeof answer>);
      return claim(workspaceId, key, ...rest);
    });
    try {
      const before = await calls(ctx.stack.sandboxUrl, 'email-verifier');
      const second = await finished(
        ctx.stack,
        workspace.apiKey,
        await enqueue(ctx.stack, workspace.apiKey, {
          type: 'email.verify',
          input,
          options: { max_age_days: 0 },
        }),
      );
      expect(spy).toHaveBeenCalledWith(
        workspace.id,
        cacheKey,
        expect.any(String),
        expect.any(Number),
        expect.any(Number), // the age limit its max_age_days sets
      );
      expect(second.status).toBe('completed');
      expect(second.steps.map((s) => [s.provider, s.state, s.cached, s.credits])).toEqual([
        ['email-verifier', 'completed', true, 0],
      ]);
      expect(second.result?.credits_spent).toBe(0);
      const after = await calls(ctx.stack.sandboxUrl, 'email-verifier');
      expect(after.total - before.total).toBe(0);
      const ledger = await ctx.db.dataSource
        .getRepository(CreditLedgerEntry)
        .findBy({ requestId: second.id });
      expect(ledger).toEqual([]);
      // The claim it took to look again was released.
      expect((await cache.claim(workspace.id, cacheKey, 'test:', 1000)).claimed).toBe(true);
    } finally {
      spy.mockRestore();
    }
  });
});

describe('a tier’s share of a provider’s rate limit', () => {
  let ctx: Awaited<ReturnType<typeof setUp>>;
  let world: WorldPerson[];

  beforeAll(async () => {
    ctx = await setUp({
      // Astra Dialer alone serves phones; workspaces of the free tier get one call an hour of it.
      PROVIDER_OVERRIDES: JSON.stringify({
        'orion-connect': { enabled: false },
        'nimbus-lookup': { enabled: false },
        'astra-dialer': {
          rateLimits: [
            { name: 'hour', limit: 1000, windowMs: 3_600_000 },
            { name: 'free-hour', limit: 1, windowMs: 3_600_000, tier: 'free' },
          ],
        },
      }),
    });
    world = await people(ctx.stack.sandboxUrl);
  });
  afterAll(() => tearDown(ctx));

  it('holds back only that tier’s calls once its share is used, while other tiers go on', async () => {
    const known = world.filter((p) => p.phones['astra-dialer']);
    expect(known.length).toBeGreaterThanOrEqual(3);
    const free = await createWorkspace(ctx.stack.gatewayUrl, 'Free Co', 'free');
    const premium = await createWorkspace(ctx.stack.gatewayUrl, 'Premium Co', 'premium');
    const before = await calls(ctx.stack.sandboxUrl, 'astra-dialer');

    const first = await finished(
      ctx.stack,
      free.apiKey,
      await enqueue(ctx.stack, free.apiKey, { type: 'person.phone', input: personInput(known[0]) }),
    );
    expect(first.status).toBe('completed');
    expect(first.result?.phones).toEqual([expect.objectContaining({ source: 'astra-dialer' })]);

    // The free tier's hour is used up: its next request waits, without a call.
    const waiting = await enqueue(ctx.stack, free.apiKey, {
      type: 'person.phone',
      input: personInput(known[1]),
    });
    // Once the waiting request's step has been taken and refused its slot …
    await eventually(async () => {
      const view = await job(ctx.stack, free.apiKey, waiting);
      const step = view.steps.find((x) => x.provider === 'astra-dialer');
      return step && step.attempts >= 1 ? step : null;
    });
    // A premium request right after is not held back by the free tier's share.
    const other = await finished(
      ctx.stack,
      premium.apiKey,
      await enqueue(ctx.stack, premium.apiKey, { type: 'person.phone', input: personInput(known[2]) }),
    );
    expect(other.status).toBe('completed');
    expect(other.result?.phones).toEqual([expect.objectContaining({ source: 'astra-dialer' })]);

    const held = await job(ctx.stack, free.apiKey, waiting);
    expect(held.status).toBe('running');
    expect(held.steps.filter((s) => s.state !== 'skipped').map((s) => [s.provider, s.state])).toEqual([
      ['astra-dialer', 'pending'],
    ]);
    const after = await calls(ctx.stack.sandboxUrl, 'astra-dialer');
    expect(after.total - before.total).toBe(2);
  });
});

describe('operators pausing and resuming a provider', () => {
  let ctx: Awaited<ReturnType<typeof setUp>>;
  let apiKey: string;

  beforeAll(async () => {
    ctx = await setUp({});
    apiKey = (await createWorkspace(ctx.stack.gatewayUrl, 'Ops Co')).apiKey;
  });
  afterAll(() => tearDown(ctx));

  const admin = (path: string) =>
    call<Record<string, unknown>>(ctx.stack.gatewayUrl, 'POST', path, { token: TEST_ADMIN_TOKEN });

  it('keeps every call from a paused provider until an operator resumes it, whatever its balance', async () => {
    expect((await admin('/v1/admin/providers/nope/pause')).status).toBe(404);
    const before = await calls(ctx.stack.sandboxUrl, 'email-verifier');
    expect(await admin('/v1/admin/providers/email-verifier/pause')).toMatchObject({
      status: 200,
      body: { provider: 'email-verifier', paused: true },
    });
    const queue = ctx.stack.worker?.get<Queue>(getQueueToken('provider.email-verifier'), {
      strict: false,
    }) as Queue;
    expect(await queue.isPaused()).toBe(true);

    const held = await finished(
      ctx.stack,
      apiKey,
      await enqueue(ctx.stack, apiKey, { type: 'email.verify', input: { email: 'ada@example.com' } }),
    );
    expect(held.steps.map((s) => [s.provider, s.state, s.reason])).toEqual([
      ['email-verifier', 'skipped', 'paused_by_operator'],
    ]);
    // The result says that asking again later may answer it.
    expect(held.result?.unresolved).toEqual([
      {
        goal: 'verify',
        reason: 'paused_by_operator',
        retry_later: [{ provider: 'email-verifier', reason: 'paused_by_operator' }],
      },
    ]);
    // The credit sync (every 300 ms here) and an on-demand balance check leave an operator's pause alone.
    expect((await admin('/v1/admin/credits/check')).status).toBe(202);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await queue.isPaused()).toBe(true);
    expect((await calls(ctx.stack.sandboxUrl, 'email-verifier')).total).toBe(before.total);

    expect(await admin('/v1/admin/providers/email-verifier/resume')).toMatchObject({
      status: 200,
      body: { paused: false },
    });
    expect(await queue.isPaused()).toBe(false);
    const answered = await finished(
      ctx.stack,
      apiKey,
      await enqueue(ctx.stack, apiKey, { type: 'email.verify', input: { email: 'grace@example.com' } }),
    );
    expect(answered.steps.map((s) => [s.provider, s.state])).toEqual([['email-verifier', 'completed']]);

    // The job held by the pause completed unanswered, naming the provider to retry later: it can be
    // run again now. One that completed with its answer cannot.
    const retry = (id: string) =>
      call<{ id: string; retry_of: string; message: string }>(
        ctx.stack.gatewayUrl,
        'POST',
        `/v1/jobs/${id}/retry`,
        { token: apiKey },
      );
    const retried = await retry(held.id);
    expect(retried.status).toBe(202);
    expect(retried.body.retry_of).toBe(held.id);
    const again = await finished(ctx.stack, apiKey, retried.body.id);
    expect(again.steps.map((s) => [s.provider, s.state])).toEqual([['email-verifier', 'completed']]);
    expect(again.result?.unresolved).toBeUndefined();
    const refused = await retry(answered.id);
    expect(refused.status).toBe(409);
    expect(refused.body.message).toContain('is completed with nothing to retry later');

    const redis = new Redis(requireEnv('REDIS_URL'));
    try {
      const events = (await redis.xrange(`${ctx.prefix}:pipeline:events:pipeline`, '-', '+'))
        .map(([, fields]) =>
          Object.fromEntries(fields.flatMap((v, i, all) => (i % 2 ? [] : [[v, all[i + 1]]]))),
        )
        .filter((event: Record<string, string>) => event.provider === 'email-verifier')
        .map((event: Record<string, string>) => [event.type, event.reason]);
      expect(events).toEqual([
        ['provider.paused', 'paused by an operator'],
        ['provider.resumed', 'resumed by an operator'],
      ]);
    } finally {
      redis.disconnect();
    }
  });
});

/**
 * A stack of its own: the searches' polls count in Snov.io's 60 calls a minute, which the other
 * tests of the e-mail waterfall share.
 */
describe('one person named two ways', () => {
  let ctx: Awaited<ReturnType<typeof setUp>>;
  let world: WorldPerson[];

  beforeAll(async () => {
    ctx = await setUp({});
    world = await people(ctx.stack.sandboxUrl);
  });
  afterAll(() => tearDown(ctx));

  it('makes one call for one person named two ways at once (first and last name, or full name)', async () => {
    const own = (await createWorkspace(ctx.stack.gatewayUrl, 'Two Spellings Co')).apiKey;
    const person = world.find((p) => p.emails.snov === p.email && p.full_name.split(' ').length === 2);
    expect(person).toBeDefined();
    const [first, last] = String(person?.full_name).split(' ');
    const domain = String(person?.email).split('@')[1];
    const starts = async () =>
      paidCalls(await calls(ctx.stack.sandboxUrl, 'snov'), 'POST /v2/emails-by-domain-by-name/start');
    const before = await starts();
    const { task_delay_ms: delay } = (
      await call<{ task_delay_ms: number }>(ctx.stack.sandboxUrl, 'GET', '/_sandbox/providers/snov')
    ).body;
    // The search runs a while: the second request arrives while the first one's is in flight.
    await sandboxPatch(ctx.stack.sandboxUrl, 'snov', { task_delay_ms: 1500 });
    try {
      const ids = await Promise.all(
        [
          { first_name: first, last_name: last, domain },
          { full_name: `${first} ${last}`, domain },
          // Catch-all accepted: no probe of the domain holds the second search back.
        ].map((input) =>
          enqueue(ctx.stack, own, { type: 'person.email', input, options: { accept_catch_all: true } }),
        ),
      );
      const views = await Promise.all(ids.map((id) => finished(ctx.stack, own, id, 30_000)));
      for (const view of views) {
        expect(view.result?.email).toMatchObject({ email: person?.email, source: 'snov' });
      }
      // Before, each had its own question (cache key), so neither waited on the other: 2 searches.
      expect((await starts()) - before).toBe(1);
      expect(views.map((view) => view.result?.credits_spent).sort()).toEqual([0, 1]);
    } finally {
      await sandboxPatch(ctx.stack.sandboxUrl, 'snov', { task_delay_ms: delay });
    }
  });
});
