import { ProviderPauseRow } from '@sluice/db';
import {
  ownAccountQueueName,
  pauseMarkerKey,
  providerQueueName,
  redisUrlOptions,
  type PauseRecord,
} from '@sluice/queue';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { call, createWorkspace } from '../support/api';
import { requireEnv } from '../support/database';
import { enqueue, finished, people, personInput, sandboxPatch, setUp, tearDown } from '../support/pipeline';
import { TEST_ADMIN_TOKEN } from '../support/stack';
import { eventually } from '../support/wait';

interface ProviderStatus {
  name: string;
  configured: boolean;
  enabled: boolean;
  paused: boolean;
  pause: { since: string; reason: string; by: 'operator' | 'credits' } | null;
  available: boolean;
}

/**
 * GET /v1/providers tells a provider switched off (`enabled: false`) from one paused by an
 * operator or for credits (`paused`, with by whom, why and since when): a pause leaves `enabled`
 * as it is, and `available` says whether waterfalls route new work to it now.
 */
describe('provider status under a pause (GET /v1/providers)', () => {
  let ctx: Awaited<ReturnType<typeof setUp>>;
  let apiKey: string;
  let redis: Redis;

  beforeAll(async () => {
    ctx = await setUp({});
    apiKey = (await createWorkspace(ctx.stack.gatewayUrl, 'Pause Watch Co')).apiKey;
    redis = new Redis(requireEnv('REDIS_URL'));
  });
  afterAll(async () => {
    redis?.disconnect();
    await tearDown(ctx);
  });

  const status = async (name: string): Promise<ProviderStatus> => {
    const answer = await call<{ providers: ProviderStatus[] }>(ctx.stack.gatewayUrl, 'GET', '/v1/providers', {
      token: apiKey,
    });
    expect(answer.status).toBe(200);
    const found = answer.body.providers.find((provider) => provider.name === name);
    if (!found) {
      throw new Error(`GET /v1/providers lists no ${name}`);
    }
    return found;
  };
  const admin = (method: string, path: string, body?: unknown) =>
    call(ctx.stack.gatewayUrl, method, path, { token: TEST_ADMIN_TOKEN, body });

  it('an operator’s pause: still enabled, paused by the operator with the reason and since when, not available', async () => {
    expect(await status('email-verifier')).toMatchObject({
      configured: true,
      enabled: true,
      paused: false,
      pause: null,
      available: true,
    });
    const before = Date.now();
    expect((await admin('POST', '/v1/admin/providers/email-verifier/pause')).status).toBe(200);
    const paused = await status('email-verifier');
    expect(paused).toMatchObject({
      configured: true,
      enabled: true,
      paused: true,
      pause: { by: 'operator', reason: 'paused by an operator' },
      available: false,
    });
    const since = Date.parse(paused.pause?.since ?? '');
    expect(since).toBeGreaterThanOrEqual(before - 1000);
    expect(since).toBeLessThanOrEqual(Date.now());

    expect((await admin('POST', '/v1/admin/providers/email-verifier/resume')).status).toBe(200);
    expect(await status('email-verifier')).toMatchObject({
      enabled: true,
      paused: false,
      pause: null,
      available: true,
    });
  });

  it('a pause and a resume sent together, round after round: PostgreSQL, Redis and GET /v1/providers agree every time', async () => {
    const provider = 'nimbus-lookup';
    const connection = redisUrlOptions(requireEnv('REDIS_URL'));
    const platform = new Queue(providerQueueName(provider), { connection, prefix: ctx.prefix });
    const own = new Queue(ownAccountQueueName(provider), { connection, prefix: ctx.prefix });
    try {
      for (let round = 0; round < 20; round += 1) {
        // Either may reach the gateway first: the order they are sent in alternates.
        const sends = [
          () => admin('POST', `/v1/admin/providers/${provider}/pause`),
          () => admin('POST', `/v1/admin/providers/${provider}/resume`),
        ];
        const answers = await Promise.all((round % 2 === 0 ? sends : sends.reverse()).map((send) => send()));
        expect(answers.map((answer) => answer.status)).toEqual([200, 200]);

        const row = await ctx.db.dataSource.getRepository(ProviderPauseRow).findOneBy({ provider });
        const raw = await redis.get(pauseMarkerKey(ctx.prefix, provider));
        const record = raw ? (JSON.parse(raw) as PauseRecord) : null;
        const shown = await status(provider);
        const seen = {
          round,
          postgres: row !== null,
          marker: record !== null,
          platformQueuePaused: await platform.isPaused(),
          ownAccountsQueuePaused: await own.isPaused(),
          listed: shown.paused,
        };
        const paused = row !== null;
        expect(seen).toEqual({
          round,
          postgres: paused,
          marker: paused,
          platformQueuePaused: paused,
          ownAccountsQueuePaused: paused,
          listed: paused,
        });
        if (row && record) {
          // The same pause in both: the one that committed last.
          expect(record).toMatchObject({ manual: true, since: row.since.getTime() });
        }
      }
    } finally {
      await admin('POST', `/v1/admin/providers/${provider}/resume`);
      await platform.close();
      await own.close();
    }
  });

  it('a provider switched off is not enabled, though nothing paused it', async () => {
    expect((await admin('PUT', '/v1/admin/providers/serper/settings', { enabled: false })).status).toBe(200);
    try {
      expect(await status('serper')).toMatchObject({
        configured: true,
        enabled: false,
        paused: false,
        pause: null,
        available: false,
      });
    } finally {
      await admin('DELETE', '/v1/admin/providers/serper/settings');
    }
    expect(await status('serper')).toMatchObject({ enabled: true, available: true });
  });

  it('a pause for credits: still enabled, paused for credits with its reason, until the balance is back', async () => {
    const person = (await people(ctx.stack.sandboxUrl)).find((p) => p.emails.snov === p.email);
    if (!person) {
      throw new Error('the sandbox world has no person Snov.io knows');
    }
    await sandboxPatch(ctx.stack.sandboxUrl, 'snov', { credits: 0 });
    try {
      await finished(
        ctx.stack,
        apiKey,
        await enqueue(ctx.stack, apiKey, { type: 'person.email', input: personInput(person) }),
        30_000,
      );
      const paused = await status('snov');
      expect(paused).toMatchObject({ enabled: true, paused: true, available: false });
      expect(paused.pause?.by).toBe('credits');
      expect(paused.pause?.reason).toEqual(expect.any(String));
      expect(paused.pause?.reason).not.toBe('');
      expect(Number.isNaN(Date.parse(paused.pause?.since ?? ''))).toBe(false);
    } finally {
      await sandboxPatch(ctx.stack.sandboxUrl, 'snov', { credits: 1000 });
    }
    // The credit sync reads the balance of paused providers and resumes them.
    await eventually(async () => (await status('snov')).paused === false, {
      timeoutMs: 20_000,
      what: 'snov resumed once its credits are back',
    });
    expect(await status('snov')).toMatchObject({ enabled: true, pause: null, available: true });
  });
});
