import { call, createWorkspace } from '../support/api';
import {
  enqueue,
  finished,
  people,
  personProviderCalls,
  setUp,
  tearDown,
  type JobView,
} from '../support/pipeline';
import type { WorldPerson } from '../support/sandbox-world';

/**
 * One person or address written in another Unicode form, width or notation is one question: to the
 * cache (one paid call) and to the suppression list (an erasure holds whatever the spelling).
 */
describe('identifiers written in other forms', () => {
  let ctx: Awaited<ReturnType<typeof setUp>>;
  let world: WorldPerson[];

  beforeAll(async () => {
    ctx = await setUp({});
    world = await people(ctx.stack.sandboxUrl);
  });
  afterAll(() => tearDown(ctx));

  const run = async (apiKey: string, body: Record<string, unknown>): Promise<JobView> =>
    finished(ctx.stack, apiKey, await enqueue(ctx.stack, apiKey, body), 30_000);

  it('pays once for a name or an address written composed, decomposed or in full-width letters', async () => {
    const { stack } = ctx;
    const { apiKey } = await createWorkspace(stack.gatewayUrl, 'Spellings Co');
    const domain = String(world[0]?.domain);
    const first = await run(apiKey, {
      type: 'person.email',
      input: { full_name: 'Jos\u00e9 Garc\u00eda', domain },
    });
    expect(first.steps.length).toBeGreaterThan(0);
    expect(first.steps.every((step) => !step.cached)).toBe(true);
    const verified = await run(apiKey, { type: 'email.verify', input: { email: `jos\u00e9@${domain}` } });
    expect(verified.steps.map((step) => step.cached)).toEqual([false]);
    const paid = await personProviderCalls(stack.sandboxUrl);
    for (const full_name of [
      'Jose\u0301 Garci\u0301a', // decomposed: e + combining acute
      '\uff2a\uff4f\uff53\u00e9 \uff27\uff41\uff52\uff43\u00ed\uff41', // full-width Latin
    ]) {
      const again = await run(apiKey, { type: 'person.email', input: { full_name, domain } });
      expect(again.steps.map((step) => [step.provider, step.cached])).toEqual(
        first.steps.map((step) => [step.provider, true]),
      );
    }
    const again = await run(apiKey, { type: 'email.verify', input: { email: `jose\u0301@${domain}` } });
    expect(again.steps.map((step) => step.cached)).toEqual([true]);
    // Before, each spelling was a question of its own: 6 calls more for each name, 1 for the address.
    expect((await personProviderCalls(stack.sandboxUrl)) - paid).toBe(0);
  });

  it('holds an erasure whatever form the address or profile URL is written in, and erases by a mailto: address', async () => {
    const { stack } = ctx;
    const { apiKey } = await createWorkspace(stack.gatewayUrl, 'Erased Spellings Co');
    const subject = world.find((p) => p.emails.apollo === p.email) as WorldPerson;
    expect(subject).toBeDefined();
    const email = subject.email.toLowerCase();
    const found = await run(apiKey, { type: 'person.profile', input: { email } });
    expect(found.status).toBe('completed');
    // An address copied from a web page's link: the person, not another address.
    const erased = await call<{ erased: Record<string, number> }>(
      stack.gatewayUrl,
      'DELETE',
      `/v1/persons?email=${encodeURIComponent(`MAILTO:${email.toUpperCase()}`)}`,
      { token: apiKey },
    );
    expect(erased.status).toBe(200);
    expect(erased.body.erased.enrichment_requests).toBe(1);
    const domain = String(world[1]?.domain);
    for (const query of [
      `email=${encodeURIComponent(`jos\u00e9@${domain}`)}`,
      `linkedin_url=${encodeURIComponent('https://www.linkedin.com/in/jos%C3%A9-garc%C3%ADa')}`,
    ]) {
      const answer = await call(stack.gatewayUrl, 'DELETE', `/v1/persons?${query}`, { token: apiKey });
      expect(answer.status).toBe(200);
    }
    const paid = await personProviderCalls(stack.sandboxUrl);
    for (const input of [
      { email },
      { email: `mailto:${email}` },
      { email: `jose\u0301@${domain}` },
      { linkedin_url: 'https://uk.linkedin.com/in/jose\u0301-garci\u0301a/' },
      { linkedin_url: 'https://www.linkedin.com/in/jose%CC%81-garci%CC%81a' },
    ]) {
      const refused = await call<{ message: string }>(stack.gatewayUrl, 'POST', '/v1/jobs', {
        token: apiKey,
        body: { type: 'person.profile', input },
      });
      expect([JSON.stringify(input), refused.status, refused.body.message]).toEqual([
        JSON.stringify(input),
        422,
        expect.stringContaining('suppressed'),
      ]);
    }
    // Before, each of the last four was asked of Apollo and RocketReach: 8 calls about erased people.
    expect((await personProviderCalls(stack.sandboxUrl)) - paid).toBe(0);
  });
});
