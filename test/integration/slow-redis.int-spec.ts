import { EnrichmentRequest } from '@sluice/db';
import { call, createWorkspace } from '../support/api';
import { createTestDatabase, requireEnv, type TestDatabase } from '../support/database';
import { deletePrefix, uniquePrefix } from '../support/redis';
import { SlowRelay } from '../support/slow-relay';
import { startStack, type Stack } from '../support/stack';
import { eventually } from '../support/wait';

/**
 * A Redis that is connected but does not answer (a long script or command, a fork or a disk that
 * holds it, a network path that went silent) is away for the gateway's callers as much as one that
 * refuses connections: they get a 503 with Retry-After within seconds, not an answer that waits for
 * as long as Redis does.
 */
describe('a gateway whose Redis stops answering for a while', () => {
  const redisUrl = requireEnv('REDIS_URL');
  const prefix = uniquePrefix();
  let db: TestDatabase;
  let stack: Stack;
  let relay: SlowRelay;

  beforeAll(async () => {
    db = await createTestDatabase();
    const target = new URL(redisUrl);
    relay = new SlowRelay({ host: target.hostname, port: Number(target.port || 6379) });
    await relay.start();
    stack = await startStack({
      databaseUrl: db.url,
      redisUrl: relay.urlFor(redisUrl),
      prefix,
      worker: false,
    });
  });

  afterAll(async () => {
    relay?.quicken();
    await stack?.close();
    await db?.drop();
    await deletePrefix(redisUrl, prefix);
    await relay?.stop();
  });

  it('answers 503 with Retry-After within seconds, and takes jobs again once Redis answers', async () => {
    const { apiKey } = await createWorkspace(stack.gatewayUrl, 'Stalled Redis Ltd');
    const submit = () =>
      call(stack.gatewayUrl, 'POST', '/v1/jobs', {
        token: apiKey,
        body: { type: 'company.profile', input: { company_number: '01234567' } },
        timeoutMs: 20_000,
      });
    expect((await submit()).status).toBe(202);

    relay.stall(25_000);
    const started = Date.now();
    const [refused, health] = await Promise.all([
      submit(),
      call(stack.gatewayUrl, 'GET', '/health', { timeoutMs: 20_000 }).then((answer) => ({
        answer,
        ms: Date.now() - started,
      })),
    ]);
    const waited = Date.now() - started;
    expect([refused.status, refused.headers.get('retry-after')]).toEqual([503, '5']);
    expect((refused.body as { message: string }).message).toMatch(/^Redis /);
    expect(waited).toBeLessThan(8_000);
    expect(health.answer.status).toBe(503);
    expect(health.ms).toBeLessThan(2_000);

    // Redis answers again (what was sent meanwhile is answered first): the gateway takes jobs.
    relay.quicken();
    await eventually(async () => ((await submit()).status === 202 ? true : undefined), {
      what: 'a job accepted once Redis answers',
      timeoutMs: 15_000,
    });
    // The refused request left no row behind: two jobs accepted, two rows.
    const rows = await db.dataSource.getRepository(EnrichmentRequest).count();
    expect(rows).toBe(2);
  }, 60_000);
});
