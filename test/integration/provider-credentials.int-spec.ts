import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { CreditLedgerEntry, WorkspaceProviderCredential } from '@sluice/db';
import { CredentialKeyring } from '@sluice/platform';
import { createWorkerApp } from '../../apps/enrichment-worker/src/app';
import { credentialTag } from '../../apps/provider-sandbox/src/state/call-counter';
import { call, createWorkspace } from '../support/api';
import type { TestDatabase } from '../support/database';
import {
  calls,
  enqueue,
  finished,
  people,
  personInput,
  sandboxPatch,
  setUp,
  tearDown,
  type JobView,
} from '../support/pipeline';
import type { WorldPerson } from '../support/sandbox-world';
import type { Stack } from '../support/stack';

const REENCRYPT = join(__dirname, '..', '..', 'dist', 'tools', 'credentials', 'reencrypt.js');

/** Keys the sandbox accepts (Apollo takes any key starting `sandbox-`), distinct from the platform's. */
const A_APOLLO_KEY = 'sandbox-workspace-a-apollo-key-7f3a';
const PLATFORM_APOLLO_KEY = 'sandbox-apollo-key';

interface ProviderView {
  name: string;
  capabilities: string[];
  configured: boolean;
  credentials: 'workspace' | 'platform' | null;
  workspace_credentials: { fingerprint: string; updated_at: string } | null;
  enabled: boolean;
  paused: boolean;
  circuit: string;
  credits: { balance: number | null; reserved: number } | null;
}

async function providersOf(stack: Stack, apiKey: string): Promise<Record<string, ProviderView>> {
  const answer = await call<{ providers: ProviderView[] }>(stack.gatewayUrl, 'GET', '/v1/providers', {
    token: apiKey,
  });
  expect(answer.status).toBe(200);
  return Object.fromEntries(answer.body.providers.map((p) => [p.name, p]));
}

/** Authenticated Apollo calls the sandbox saw, per credential. */
const apolloCallsBy = async (stack: Stack): Promise<Record<string, number>> =>
  (await calls(stack.sandboxUrl, 'apollo')).by_credential;

function emailSteps(view: JobView): [string, string, string | null][] {
  return view.steps.filter((s) => s.goal === 'email').map((s) => [s.provider, s.state, s.reason]);
}

async function ledgerOf(db: TestDatabase, requestId: string): Promise<[string, string, number][]> {
  const rows = await db.dataSource.getRepository(CreditLedgerEntry).findBy({ requestId });
  return rows.map((row) => [row.provider, row.kind, Number(row.credits)]);
}

function runReencrypt(
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [REENCRYPT],
      { env: { PATH: process.env.PATH ?? '', ...env }, timeout: 60_000 },
      (error, stdout, stderr) => {
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

/** Workspaces' own provider credentials: stored sealed, shown without secrets, used by the workers. */
describe('provider credentials per workspace', () => {
  const firstKey = randomBytes(32).toString('base64');
  let ctx: Awaited<ReturnType<typeof setUp>>;
  let a: { id: string; apiKey: string };
  let b: { id: string; apiKey: string };
  let world: WorldPerson[];
  const used = new Set<string>();
  /** A person the sandbox's Snov.io does not know and Apollo does (and `extra` holds), not used before. */
  const nextPerson = (extra: (p: WorldPerson) => boolean = () => true): WorldPerson => {
    const person = world.find(
      (p) => !used.has(p.person_id) && !p.emails.snov && p.emails.apollo === p.email && extra(p),
    );
    if (!person) {
      throw new Error('the sandbox world has no such person left');
    }
    used.add(person.person_id);
    return person;
  };

  beforeAll(async () => {
    // A cache TTL of 0: every step reads the credentials, so a PUT is seen by the next job at once
    // (the waiting a real TTL brings would only slow the test down).
    ctx = await setUp({ CREDENTIALS_MASTER_KEY: firstKey, CREDENTIALS_CACHE_TTL_MS: '0' });
    a = await createWorkspace(ctx.stack.gatewayUrl, 'Own Keys Co');
    b = await createWorkspace(ctx.stack.gatewayUrl, 'Platform Keys Co');
    world = await people(ctx.stack.sandboxUrl);
  });
  afterAll(() => tearDown(ctx));

  it('stores credentials sealed, shows whose credentials each provider uses without any secret, and keeps them to their workspace', async () => {
    const { stack } = ctx;
    const put = (apiKey: string, provider: string, body: unknown) =>
      call<Record<string, unknown>>(stack.gatewayUrl, 'PUT', `/v1/providers/${provider}/credentials`, {
        token: apiKey,
        body,
      });

    // Bad input: each problem named, nothing stored.
    expect((await put(a.apiKey, 'acme-data', { api_key: 'x' })).status).toBe(404);
    const missing = await put(a.apiKey, 'apollo', {});
    expect(missing.status).toBe(400);
    expect(missing.body.message).toEqual(['api_key is required']);
    const wrongFields = await put(a.apiKey, 'snov', { api_key: 'sandbox-secret-value-1234' });
    expect(wrongFields.status).toBe(400);
    expect(JSON.stringify(wrongFields.body.message)).toMatch(/api_key is not a snov credential/);
    expect(JSON.stringify(wrongFields.body.message)).toMatch(/client_id is required/);
    expect(JSON.stringify(wrongFields.body)).not.toContain('sandbox-secret-value');
    // A value no request header can carry: every call with it failed before it was sent, counted
    // as charged and as an outage of the provider, whose circuit then opened for every workspace.
    const notAscii = await put(a.apiKey, 'serper', { api_key: 'ключ-sandbox-secret-value' });
    expect({ status: notAscii.status, message: notAscii.body.message }).toEqual({
      status: 400,
      message: ['api_key must be ASCII: letters, digits and punctuation'],
    });
    expect(await ctx.db.dataSource.getRepository(WorkspaceProviderCredential).count()).toBe(0);

    // Only a key with the admin scope may set credentials.
    const readOnly = await call<{ api_key: string }>(
      stack.gatewayUrl,
      'POST',
      `/v1/admin/workspaces/${a.id}/keys`,
      {
        token: stack.env.SLUICE_ADMIN_TOKEN,
        body: { name: 'reader', scopes: ['jobs:read'] },
      },
    );
    expect((await put(readOnly.body.api_key, 'apollo', { api_key: A_APOLLO_KEY })).status).toBe(403);

    const stored = await put(a.apiKey, 'apollo', { api_key: A_APOLLO_KEY });
    expect(stored.status).toBe(200);
    expect(stored.body).toMatchObject({
      provider: 'apollo',
      configured: true,
      credentials: 'workspace',
      fingerprint: '…7f3a',
    });
    expect(JSON.stringify(stored.body)).not.toContain(A_APOLLO_KEY);

    // The row holds ciphertext under a named key, bound to workspace A and Apollo.
    const row = await ctx.db.dataSource
      .getRepository(WorkspaceProviderCredential)
      .findOneByOrFail({ workspaceId: a.id, provider: 'apollo' });
    expect(row.ciphertext).not.toContain(A_APOLLO_KEY);
    expect(row.ciphertext).not.toContain(Buffer.from(A_APOLLO_KEY).toString('base64'));
    const keyring = new CredentialKeyring(firstKey);
    expect(row.keyId).toBe(keyring.currentKeyId);
    expect(keyring.open(row.ciphertext, { workspaceId: a.id, provider: 'apollo' })).toContain(A_APOLLO_KEY);
    expect(() => keyring.open(row.ciphertext, { workspaceId: b.id, provider: 'apollo' })).toThrow();

    const seenByA = await providersOf(stack, a.apiKey);
    expect(Object.keys(seenByA).sort()).toEqual(
      [
        'apollo',
        'astra-dialer',
        'companies-house',
        'email-verifier',
        'nimbus-lookup',
        'orion-connect',
        'rocketreach',
        'serper',
        'snov',
      ].sort(),
    );
    expect(seenByA.apollo).toMatchObject({
      configured: true,
      credentials: 'workspace',
      workspace_credentials: { fingerprint: '…7f3a' },
      enabled: true,
      paused: false,
      circuit: 'closed',
      credits: null,
    });
    // What Sluice asks of Apollo: its match. Not find_phone: no waterfall asks Apollo for a reveal.
    expect(seenByA.apollo?.capabilities).toEqual(['lookup_person', 'find_work_email', 'check_credits']);
    expect(seenByA.snov).toMatchObject({
      configured: true,
      credentials: 'platform',
      workspace_credentials: null,
    });
    expect(typeof seenByA.snov?.credits?.reserved).toBe('number');
    const listing = JSON.stringify(seenByA);
    expect(listing).not.toContain(A_APOLLO_KEY);
    expect(listing).not.toContain(PLATFORM_APOLLO_KEY);
    expect(listing).not.toContain(row.ciphertext);

    // Workspace B sees the platform's credentials, and cannot remove A's.
    const seenByB = await providersOf(stack, b.apiKey);
    expect(seenByB.apollo).toMatchObject({ credentials: 'platform', workspace_credentials: null });
    const removedByB = await call<Record<string, unknown>>(
      stack.gatewayUrl,
      'DELETE',
      '/v1/providers/apollo/credentials',
      { token: b.apiKey },
    );
    expect(removedByB.status).toBe(200);
    expect(removedByB.body).toMatchObject({ removed: false, credentials: 'platform' });
    expect((await providersOf(stack, a.apiKey)).apollo?.credentials).toBe('workspace');
  });

  it('calls the provider with workspace A’s credentials for A’s jobs, charged as A’s own spend, and with the platform’s for B’s', async () => {
    const { stack } = ctx;
    const before = await apolloCallsBy(stack);
    const count = (calls: Record<string, number>, key: string) => calls[credentialTag(key)] ?? 0;

    const viewA = await finished(
      stack,
      a.apiKey,
      await enqueue(stack, a.apiKey, { type: 'person.email', input: personInput(nextPerson()) }),
    );
    expect(viewA.status).toBe('completed');
    expect(emailSteps(viewA)).toEqual([
      ['snov', 'failed', 'not_found'],
      ['apollo', 'completed', null],
    ]);
    const afterA = await apolloCallsBy(stack);
    expect(count(afterA, A_APOLLO_KEY) - count(before, A_APOLLO_KEY)).toBe(1);
    expect(count(afterA, PLATFORM_APOLLO_KEY)).toBe(count(before, PLATFORM_APOLLO_KEY));
    // Recorded as the workspace's own spend: on the request, and in the ledger, never as a platform charge.
    expect(viewA.steps.find((s) => s.provider === 'apollo')?.credits).toBe(1);
    expect(await ledgerOf(ctx.db, viewA.id)).toEqual([['apollo', 'workspace_charge', 1]]);

    const viewB = await finished(
      stack,
      b.apiKey,
      await enqueue(stack, b.apiKey, { type: 'person.email', input: personInput(nextPerson()) }),
    );
    expect(emailSteps(viewB)).toEqual([
      ['snov', 'failed', 'not_found'],
      ['apollo', 'completed', null],
    ]);
    const afterB = await apolloCallsBy(stack);
    expect(count(afterB, PLATFORM_APOLLO_KEY) - count(afterA, PLATFORM_APOLLO_KEY)).toBe(1);
    expect(count(afterB, A_APOLLO_KEY)).toBe(count(afterA, A_APOLLO_KEY));
    expect(await ledgerOf(ctx.db, viewB.id)).toEqual([['apollo', 'charge', 1]]);

    // The platform's credit view counts B's charge, not A's own spend.
    const spent = async (apiKey: string) => {
      const answer = await call<{ providers: { provider: string; spent_today: number }[] }>(
        stack.gatewayUrl,
        'GET',
        '/v1/credits',
        { token: apiKey },
      );
      return answer.body.providers.find((p) => p.provider === 'apollo')?.spent_today;
    };
    expect(await spent(a.apiKey)).toBe(0);
    expect(await spent(b.apiKey)).toBe(1);
  });

  it('fails over to the next provider when the provider refuses the workspace’s credentials, charging nothing to the platform', async () => {
    const { stack } = ctx;
    const wrong = await call(stack.gatewayUrl, 'PUT', '/v1/providers/apollo/credentials', {
      token: a.apiKey,
      body: { api_key: 'revoked-workspace-key-0000' },
    });
    expect(wrong.status).toBe(200);
    const view = await finished(
      stack,
      a.apiKey,
      await enqueue(stack, a.apiKey, {
        type: 'person.email',
        input: personInput(nextPerson((p) => p.emails.rocketreach === p.email)),
      }),
    );
    const steps = emailSteps(view);
    expect(steps.slice(0, 2)).toEqual([
      ['snov', 'failed', 'not_found'],
      ['apollo', 'failed', 'unauthorized'],
    ]);
    // Said in the workspace's terms: the platform's setting (APOLLO_API_KEY) is not its to change.
    const refused = view.steps.find((s) => s.provider === 'apollo')?.error ?? '';
    expect(refused).toMatch(
      /refused the workspace's own credentials.*PUT \/v1\/providers\/apollo\/credentials/,
    );
    expect(refused).not.toMatch(/APOLLO_API_KEY/);
    // The waterfall went on to the next provider, on the platform's credentials.
    expect(steps[2]?.[0]).toBe('rocketreach');
    expect(view.steps.find((s) => s.provider === 'apollo')?.credits).toBe(0);
    expect((await ledgerOf(ctx.db, view.id)).filter(([provider]) => provider === 'apollo')).toEqual([]);
    const apollo = (await providersOf(stack, a.apiKey)).apollo;
    expect(apollo).toMatchObject({ paused: false, circuit: 'closed' });
    expect((await providersOf(stack, b.apiKey)).apollo?.credits?.reserved).toBe(0);
  });

  it('when the workspace’s own account runs dry, fails over without pausing the platform’s provider', async () => {
    const { stack } = ctx;
    await call(stack.gatewayUrl, 'PUT', '/v1/providers/apollo/credentials', {
      token: a.apiKey,
      body: { api_key: A_APOLLO_KEY },
    });
    // The sandbox keeps one balance per provider: empty it for this call only.
    await sandboxPatch(stack.sandboxUrl, 'apollo', { credits: 0 });
    let view: JobView;
    try {
      view = await finished(
        stack,
        a.apiKey,
        await enqueue(stack, a.apiKey, { type: 'person.email', input: personInput(nextPerson()) }),
      );
    } finally {
      await sandboxPatch(stack.sandboxUrl, 'apollo', { credits: 1000 });
    }
    expect(emailSteps(view).slice(0, 2)).toEqual([
      ['snov', 'failed', 'not_found'],
      ['apollo', 'failed', 'out_of_credits'],
    ]);
    expect((await providersOf(stack, b.apiKey)).apollo).toMatchObject({ paused: false, pause: null });
    // B's work still reaches Apollo on the platform's account.
    const viewB = await finished(
      stack,
      b.apiKey,
      await enqueue(stack, b.apiKey, { type: 'person.email', input: personInput(nextPerson()) }),
    );
    expect(emailSteps(viewB)).toContainEqual(['apollo', 'completed', null]);
  });

  it('deleting the credentials puts the workspace back on the platform’s', async () => {
    const { stack } = ctx;
    const removed = await call<Record<string, unknown>>(
      stack.gatewayUrl,
      'DELETE',
      '/v1/providers/apollo/credentials',
      { token: a.apiKey },
    );
    expect(removed.body).toMatchObject({ removed: true, configured: true, credentials: 'platform' });
    expect((await providersOf(stack, a.apiKey)).apollo?.credentials).toBe('platform');
    const before = await apolloCallsBy(stack);
    const view = await finished(
      stack,
      a.apiKey,
      await enqueue(stack, a.apiKey, { type: 'person.email', input: personInput(nextPerson()) }),
    );
    expect(emailSteps(view)).toContainEqual(['apollo', 'completed', null]);
    const after = await apolloCallsBy(stack);
    const tag = credentialTag(PLATFORM_APOLLO_KEY);
    expect((after[tag] ?? 0) - (before[tag] ?? 0)).toBe(1);
    expect(await ledgerOf(ctx.db, view.id)).toEqual([['apollo', 'charge', 1]]);
  });

  it('re-encrypts every row under a new master key as a process, idempotently, and the workers still decrypt', async () => {
    expect(existsSync(REENCRYPT)).toBe(true); // `npm run build` compiles the command
    const { stack } = ctx;
    await call(stack.gatewayUrl, 'PUT', '/v1/providers/apollo/credentials', {
      token: a.apiKey,
      body: { api_key: A_APOLLO_KEY },
    });
    await call(stack.gatewayUrl, 'PUT', '/v1/providers/snov/credentials', {
      token: b.apiKey,
      body: { client_id: 'sandbox-b-client-id', client_secret: 'sandbox-b-client-secret' },
    });
    const repository = ctx.db.dataSource.getRepository(WorkspaceProviderCredential);
    const oldRows = await repository.find();
    expect(oldRows).toHaveLength(2);

    const newKey = randomBytes(32).toString('hex');
    const newKeyId = new CredentialKeyring(newKey).currentKeyId;
    const env = {
      DATABASE_URL: ctx.db.url,
      CREDENTIALS_MASTER_KEY: newKey,
      CREDENTIALS_MASTER_KEY_PREVIOUS: firstKey,
      CREDENTIALS_REENCRYPT_BATCH: '1',
    };
    // Without the old key the rows cannot be opened: reported by workspace and provider, exit 1.
    const blind = await runReencrypt({ ...env, CREDENTIALS_MASTER_KEY_PREVIOUS: '' });
    expect(blind.code).toBe(1);
    expect(blind.stdout).toMatch(/0 re-encrypted, 0 already under it, 2 could not be opened \(of 2\)/);
    expect(blind.stderr).toContain(a.id);
    expect(`${blind.stdout}${blind.stderr}`).not.toContain(newKey);

    const first = await runReencrypt(env);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(`under key ${newKeyId}: 2 re-encrypted, 0 already under it`);
    const rotated = await repository.find();
    expect(rotated.map((row) => row.keyId)).toEqual([newKeyId, newKeyId]);
    for (const row of rotated) {
      const old = oldRows.find((o) => o.workspaceId === row.workspaceId && o.provider === row.provider);
      expect(row.ciphertext).not.toBe(old?.ciphertext);
      expect(row.ciphertext).not.toContain(A_APOLLO_KEY);
    }
    const again = await runReencrypt(env);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('0 re-encrypted, 2 already under it');
    expect((await repository.find()).map((row) => row.ciphertext).sort()).toEqual(
      rotated.map((row) => row.ciphertext).sort(),
    );

    // A worker that knows only the new key still calls Apollo with A's key.
    await (stack.worker as INestApplication).close();
    stack.worker = null;
    const { app } = await createWorkerApp({
      ...stack.env,
      CREDENTIALS_MASTER_KEY: newKey,
      CREDENTIALS_MASTER_KEY_PREVIOUS: '',
    });
    stack.worker = app;
    await app.listen(0, '127.0.0.1');
    const before = await apolloCallsBy(stack);
    const view = await finished(
      stack,
      a.apiKey,
      await enqueue(stack, a.apiKey, { type: 'person.email', input: personInput(nextPerson()) }),
    );
    expect(emailSteps(view)).toContainEqual(['apollo', 'completed', null]);
    const after = await apolloCallsBy(stack);
    const tag = credentialTag(A_APOLLO_KEY);
    expect((after[tag] ?? 0) - (before[tag] ?? 0)).toBe(1);
  });

  it('fails the step saying why, once its attempts run out, when no key of the worker opens the credentials', async () => {
    const { stack } = ctx;
    await call(stack.gatewayUrl, 'PUT', '/v1/providers/apollo/credentials', {
      token: a.apiKey,
      body: { api_key: A_APOLLO_KEY },
    });
    // A worker given another master key than the one the gateway seals under.
    await (stack.worker as INestApplication).close();
    stack.worker = null;
    const { app } = await createWorkerApp({
      ...stack.env,
      CREDENTIALS_MASTER_KEY: randomBytes(32).toString('base64'),
      CREDENTIALS_MASTER_KEY_PREVIOUS: '',
    });
    stack.worker = app;
    await app.listen(0, '127.0.0.1');
    const sealedUnder = (
      await ctx.db.dataSource.getRepository(WorkspaceProviderCredential).findOneByOrFail({
        workspaceId: a.id,
        provider: 'apollo',
      })
    ).keyId;
    const lookups = async (): Promise<number> =>
      (await calls(stack.sandboxUrl, 'apollo')).by_endpoint['POST /people/match'] ?? 0;
    const before = await lookups();
    // The step is tried while its job's attempts last (another replica may hold the key), then
    // fails; the request ends instead of running for ever.
    const view = await finished(
      stack,
      a.apiKey,
      await enqueue(stack, a.apiKey, { type: 'person.email', input: personInput(nextPerson()) }),
      120_000,
    );
    const step = view.steps.find((s) => s.provider === 'apollo');
    expect(step).toMatchObject({ state: 'failed', reason: 'credentials_unreadable' });
    expect(step?.error).toContain(`sealed under master key ${sealedUnder}`);
    expect(step?.error).toContain('PUT /v1/providers/apollo/credentials');
    expect(step?.error).not.toContain(A_APOLLO_KEY);
    // Apollo was asked about the person on no account: neither the workspace's nor the platform's.
    expect(await lookups()).toBe(before);
  }, 180_000);
});
