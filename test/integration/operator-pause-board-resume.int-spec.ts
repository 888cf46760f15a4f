import { getQueueToken } from '@nestjs/bullmq';
import { EnrichmentStep } from '@sluice/db';
import { providerQueueName } from '@sluice/queue';
import type { Queue } from 'bullmq';
import { call, createWorkspace } from '../support/api';
import {
  calls,
  enqueue,
  finished,
  people,
  personInput,
  setUp,
  tearDown,
  worldCompanies,
} from '../support/pipeline';
import { TEST_ADMIN_TOKEN } from '../support/stack';
import { eventually } from '../support/wait';

/**
 * Bull Board's resume (and its "resume all") lifts a queue's BullMQ pause, not an operator's pause
 * of its provider (`POST /v1/admin/providers/:name/pause`): the provider must not be called, free or
 * paid, and the steps queued for it wait for the operator's resume instead of being skipped.
 */
describe('an operator’s pause when Bull Board resumes the provider’s queue', () => {
  let ctx: Awaited<ReturnType<typeof setUp>>;

  beforeAll(async () => {
    ctx = await setUp({
      // Orion Connect is the only phone provider; the sweep that also puts lost pauses back
      // (every minute here) does not run while a test waits.
      PROVIDER_OVERRIDES: JSON.stringify({
        'astra-dialer': { enabled: false },
        'nimbus-lookup': { enabled: false },
      }),
    });
  });
  afterAll(() => tearDown(ctx));

  const admin = (action: 'pause' | 'resume', provider: string) =>
    call(ctx.stack.gatewayUrl, 'POST', `/v1/admin/providers/${provider}/${action}`, {
      token: TEST_ADMIN_TOKEN,
    });
  const board = (action: 'pause' | 'resume', provider: string) =>
    call(
      ctx.stack.gatewayUrl,
      'PUT',
      `/admin/queues/api/queues/${providerQueueName(provider as never)}/${action}`,
      {
        token: TEST_ADMIN_TOKEN,
      },
    );
  const queueOf = (provider: string) =>
    ctx.stack.worker?.get<Queue>(getQueueToken(providerQueueName(provider as never)), {
      strict: false,
    }) as Queue;
  const stepsOf = (requestId: string) =>
    ctx.db.dataSource.getRepository(EnrichmentStep).find({ where: { requestId }, order: { seq: 'ASC' } });
  /** The queue is paused again, and the step's job waits there (delayed, or waiting in the paused queue). */
  const pausedAgainWith = (provider: string, stepId: string) =>
    eventually(
      async () => {
        const queue = queueOf(provider);
        const state = await (await queue.getJob(`step-${stepId}`))?.getState();
        return (
          ((await queue.isPaused()) && ['delayed', 'waiting', 'prioritized'].includes(state ?? '')) ||
          undefined
        );
      },
      { what: `${provider}'s queue paused again, its step's job waiting` },
    );

  it('does not call a free provider, and runs its step once the operator resumes it', async () => {
    const { apiKey } = await createWorkspace(ctx.stack.gatewayUrl, 'Register Pause Co');
    const [company] = await worldCompanies(ctx.stack.sandboxUrl);
    expect((await admin('pause', 'companies-house')).status).toBe(200);
    const before = (await calls(ctx.stack.sandboxUrl, 'companies-house')).total;
    const id = await enqueue(ctx.stack, apiKey, {
      type: 'company.profile',
      input: { company_number: company.company_number },
    });
    const [step] = await eventually(async () => {
      const steps = await stepsOf(id);
      return steps.length > 0 && (await queueOf('companies-house').getJob(`step-${steps[0].id}`))
        ? steps
        : undefined;
    });

    expect((await board('resume', 'companies-house')).status).toBe(200);
    await pausedAgainWith('companies-house', step.id);
    expect((await calls(ctx.stack.sandboxUrl, 'companies-house')).total).toBe(before);
    expect((await stepsOf(id)).map((s) => [s.provider, s.state])).toEqual([['companies-house', 'pending']]);

    expect((await admin('resume', 'companies-house')).status).toBe(200);
    const done = await finished(ctx.stack, apiKey, id);
    expect(done.status).toBe('completed');
    expect((await calls(ctx.stack.sandboxUrl, 'companies-house')).total).toBe(before + 1);
  });

  it('neither calls a paid provider nor skips its queued step as out of credits; the step is paid once after the resume', async () => {
    const { apiKey } = await createWorkspace(ctx.stack.gatewayUrl, 'Phone Pause Co');
    const [person] = (await people(ctx.stack.sandboxUrl)).filter((p) => p.phones['orion-connect']);
    // The step is queued before the operator's pause (a pause skips new paid work at planning).
    expect((await board('pause', 'orion-connect')).status).toBe(200);
    const id = await enqueue(ctx.stack, apiKey, { type: 'person.phone', input: personInput(person) });
    const step = await eventually(async () => {
      const found = (await stepsOf(id)).find((s) => s.provider === 'orion-connect');
      return found && (await queueOf('orion-connect').getJob(`step-${found.id}`)) ? found : undefined;
    });
    expect((await admin('pause', 'orion-connect')).status).toBe(200);
    const before = (await calls(ctx.stack.sandboxUrl, 'orion-connect')).total;

    expect((await board('resume', 'orion-connect')).status).toBe(200);
    await pausedAgainWith('orion-connect', step.id);
    expect((await calls(ctx.stack.sandboxUrl, 'orion-connect')).total).toBe(before);
    expect((await stepsOf(id)).find((s) => s.id === step.id)).toMatchObject({
      state: 'pending',
      reason: null,
    });

    expect((await admin('resume', 'orion-connect')).status).toBe(200);
    const done = await finished(ctx.stack, apiKey, id);
    expect(done.steps.at(-1)).toMatchObject({ provider: 'orion-connect', state: 'completed', credits: 1 });
    expect((await calls(ctx.stack.sandboxUrl, 'orion-connect')).total).toBe(before + 1);
    const ledger = await ctx.db.dataSource.query<{ credits: string }[]>(
      'SELECT credits FROM credit_ledger WHERE request_id = $1',
      [id],
    );
    expect(ledger.map((row) => Number(row.credits))).toEqual([1]);
  });
});
