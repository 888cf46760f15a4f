import { call, createWorkspace } from '../support/api';
import {
  calls,
  enqueue,
  finished,
  job,
  people,
  personInput,
  sandboxPatch,
  setUp,
  tearDown,
} from '../support/pipeline';
import { eventually } from '../support/wait';
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
  it('counts a call its job was cancelled during, which the ledger charged, as the ledger does', async () => {
    const { apiKey } = await createWorkspace(ctx.stack.gatewayUrl, 'Usage Cancel Co');
    const person = (await people(ctx.stack.sandboxUrl))[0];
    await sandboxPatch(ctx.stack.sandboxUrl, 'email-verifier', { latency_ms: 3000 });
    try {
      const id = await enqueue(ctx.stack, apiKey, { type: 'email.verify', input: { email: person.email } });
      await eventually(
        async () => (await calls(ctx.stack.sandboxUrl, 'email-verifier')).total >= 1 || undefined,
        { what: 'the verifier asked' },
      );
      expect(
        (await call(ctx.stack.gatewayUrl, 'POST', `/v1/jobs/${id}/cancel`, { token: apiKey })).status,
      ).toBeLessThan(300);
      const cancelled = await eventually(
        async () => {
          const view = await job(ctx.stack, apiKey, id);
          return view.steps.every((s) => s.state !== 'pending') && view.steps.some((s) => s.credits > 0)
            ? view
            : undefined;
        },
        { what: 'the cancelled step settled with its charge', timeoutMs: 20_000 },
      );
      expect(cancelled.steps.map((s) => [s.provider, s.state, s.credits])).toEqual([
        ['email-verifier', 'skipped', 1],
      ]);
    } finally {
      await sandboxPatch(ctx.stack.sandboxUrl, 'email-verifier', { latency_ms: 0 });
    }
    const usage = await call<{ by_provider: UsageRow[] }>(ctx.stack.gatewayUrl, 'GET', '/v1/credits/usage', {
      token: apiKey,
    });
    expect(usage.status).toBe(200);
    expect(usage.body.by_provider).toEqual([
      expect.objectContaining({ provider: 'email-verifier', calls: 1, hits: 0, credits: 1 }),
    ]);
  }, 60_000);
});
