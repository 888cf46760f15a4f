import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { call, createWorkspace } from '../support/api';
import { enqueue, finished, people, personInput, sandboxPatch, setUp, tearDown } from '../support/pipeline';
import { TEST_ADMIN_TOKEN } from '../support/stack';
import { eventually } from '../support/wait';

/**
 * A provider whose balance only its answers tell (no balance endpoint) is paused by its
 * out-of-credits answer, and tried again by itself only after CREDIT_PROBE_AFTER_MS (15 minutes by
 * default). An operator who topped its account up resumes it by hand: it must then be asked again.
 */
describe('an operator resuming a provider paused for credits', () => {
  let ctx: Awaited<ReturnType<typeof setUp>>;

  beforeAll(async () => {
    ctx = await setUp({});
  });
  afterAll(() => tearDown(ctx));

  it('asks it again at once, instead of pausing it again on the balance its refusal left', async () => {
    const { apiKey } = await createWorkspace(ctx.stack.gatewayUrl, 'Resume Co');
    const [first, second] = (await people(ctx.stack.sandboxUrl)).filter((p) => p.phones['orion-connect']);
    expect(second).toBeDefined();
    await sandboxPatch(ctx.stack.sandboxUrl, 'orion-connect', { credits: 0 });
    const phone = (person: typeof first) =>
      enqueue(ctx.stack, apiKey, {
        type: 'person.phone',
        input: personInput(person),
        options: { wait_for_credits: true },
      });
    const waiting = await phone(first);
    const queue = ctx.stack.worker?.get<Queue>(getQueueToken('provider.orion-connect'), {
      strict: false,
    }) as Queue;
    await eventually(async () => (await queue.isPaused()) || undefined, { what: 'orion-connect paused' });

    await sandboxPatch(ctx.stack.sandboxUrl, 'orion-connect', { credits: 100 });
    const resumed = await call<{ paused: boolean }>(
      ctx.stack.gatewayUrl,
      'POST',
      '/v1/admin/providers/orion-connect/resume',
      { token: TEST_ADMIN_TOKEN },
    );
    expect(resumed).toMatchObject({ status: 200, body: { paused: false } });
    // The waiting job and a new one are answered by it, long before any probe.
    const views = await Promise.all([
      finished(ctx.stack, apiKey, waiting, 20_000),
      finished(ctx.stack, apiKey, await phone(second), 20_000),
    ]);
    expect(views.map((view) => view.status)).toEqual(['completed', 'completed']);
    for (const view of views) {
      expect(view.steps.at(-1)).toMatchObject({ provider: 'orion-connect', state: 'completed' });
    }
    expect(await queue.isPaused()).toBe(false);
  });
});
