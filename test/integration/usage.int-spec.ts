import { call, createWorkspace } from '../support/api';
import { enqueue, finished, people, personInput, setUp, tearDown } from '../support/pipeline';
import type { WorldPerson } from '../support/sandbox-world';

interface UsageRow {
  provider: string;
  api_key_id?: string | null;
  calls: number;
  hits: number;
  credits: number;
  cost_per_hit: number | null;
}

describe('usage per provider (GET /v1/credits/usage)', () => {
  let ctx: Awaited<ReturnType<typeof setUp>>;

  beforeAll(async () => {
    ctx = await setUp({});
  });
  afterAll(() => tearDown(ctx));

  it('counts an answer served from the cache as neither a call nor a hit, so cost per hit stays what a hit cost', async () => {
    const { apiKey } = await createWorkspace(ctx.stack.gatewayUrl, 'Usage Co');
    const person = (await people(ctx.stack.sandboxUrl)).find((p) => p.emails.snov === p.email) as WorldPerson;
    const body = { type: 'person.email', input: personInput(person) };
    const paid = await finished(ctx.stack, apiKey, await enqueue(ctx.stack, apiKey, body));
    expect(paid.steps.map((s) => [s.provider, s.state, s.cached, s.credits])).toEqual([
      ['snov', 'completed', false, 1],
    ]);
    // The same question twice more: answered from the cache, nothing paid.
    for (let i = 0; i < 2; i += 1) {
      const again = await finished(ctx.stack, apiKey, await enqueue(ctx.stack, apiKey, body));
      expect(again.steps.map((s) => [s.provider, s.state, s.cached, s.credits])).toEqual([
        ['snov', 'completed', true, 0],
      ]);
    }

    const usage = await call<{ by_provider: UsageRow[]; by_api_key: UsageRow[] }>(
      ctx.stack.gatewayUrl,
      'GET',
      '/v1/credits/usage',
      { token: apiKey },
    );
    expect(usage.status).toBe(200);
    const expected = { provider: 'snov', calls: 1, hits: 1, credits: 1, cost_per_hit: 1 };
    expect(usage.body.by_provider).toEqual([expect.objectContaining(expected)]);
    expect(usage.body.by_api_key).toEqual([expect.objectContaining(expected)]);
  });
});
