import { EnrichmentStep } from '@sluice/db';
import { providerQueueName, stepJobId } from '@sluice/queue';
import { Queue } from 'bullmq';
import { In } from 'typeorm';
import { createWorkspace } from '../support/api';
import {
  calls,
  enqueue,
  finished,
  paidCalls,
  people,
  sandboxPatch,
  setUp,
  tearDown,
} from '../support/pipeline';
import type { WorldPerson } from '../support/sandbox-world';

const MATCH = 'POST /people/match';

describe('identical requests waiting on a paid call that takes its time', () => {
  let ctx: Awaited<ReturnType<typeof setUp>>;

  beforeAll(async () => {
    // Apollo alone looks people up.
    ctx = await setUp({
      PROVIDER_OVERRIDES: JSON.stringify({ snov: { enabled: false }, rocketreach: { enabled: false } }),
    });
  });
  afterAll(() => tearDown(ctx));

  it('are answered by it, looking at it less and less often while it lasts', async () => {
    const { stack, db, prefix } = ctx;
    const apiKey = (await createWorkspace(stack.gatewayUrl, 'Patient Twins Co')).apiKey;
    const person = (await people(stack.sandboxUrl)).find(
      (p) => p.emails.apollo === p.email && p.email_status === 'valid',
    ) as WorldPerson;
    const before = paidCalls(await calls(stack.sandboxUrl, 'apollo'), MATCH);
    // Apollo takes 6 s to answer.
    await sandboxPatch(stack.sandboxUrl, 'apollo', { latency_ms: 6000 });
    try {
      const ids = await Promise.all(
        Array.from({ length: 4 }, () =>
          enqueue(stack, apiKey, { type: 'person.profile', input: { linkedin_url: person.linkedin_url } }),
        ),
      );
      const views = await Promise.all(ids.map((id) => finished(stack, apiKey, id, 30_000)));
      for (const view of views) {
        expect(view.status).toBe('completed');
        expect(view.steps.filter((s) => s.provider === 'apollo').map((s) => s.state)).toEqual(['completed']);
      }
      expect(paidCalls(await calls(stack.sandboxUrl, 'apollo'), MATCH) - before).toBe(1);

      // Each look at the call is a take of the waiting step (its reads of PostgreSQL and Redis): a
      // look every 150 ms took each about 32 times in those 6 s (10 now).
      const steps = await db.dataSource
        .getRepository(EnrichmentStep)
        .findBy({ requestId: In(ids), provider: 'apollo' });
      expect(steps).toHaveLength(4);
      const queue = new Queue(providerQueueName('apollo'), {
        connection: { url: stack.env.REDIS_URL },
        prefix,
      });
      try {
        const takes: (number | undefined)[] = await Promise.all(
          steps.map(async (step) => (await queue.getJob(stepJobId(step.id)))?.attemptsStarted),
        );
        expect(takes.filter((n) => n !== undefined)).toHaveLength(4);
        for (const n of takes) {
          expect(n).toBeLessThan(15);
        }
      } finally {
        await queue.close();
      }
    } finally {
      await sandboxPatch(stack.sandboxUrl, 'apollo', { latency_ms: 0 });
    }
  }, 90_000);
});
