import { call, createWorkspace } from '../support/api';
import { setUp, tearDown } from '../support/pipeline';
import { eventually } from '../support/wait';
import { startAppProcess, type WorkerProcess } from '../support/worker-process';

/** Longer than the test needs: a gateway that waits for its deadline fails it. */
const SHUTDOWN_TIMEOUT_MS = 12_000;
/** Room for a slow, busy machine between the deadline and the process being gone. */
const SLACK_MS = 5_000;

/**
 * A gateway replica sent SIGTERM while clients wait on jobs that will not finish soon (no worker
 * runs them): an event stream, open as long as its job, and a real-time enrichment waiting up to
 * its `timeout_ms`. Neither holds the shutdown: the enrichment is answered 202 with its job, as at
 * its timeout, the stream ends (EventSource reconnects, to another replica), and the process ends
 * by the signal well before its shutdown deadline, having closed everything gracefully.
 */
describe('a gateway shut down while clients wait on jobs', () => {
  let ctx: Awaited<ReturnType<typeof setUp>>;
  let gateway: WorkerProcess | undefined;

  beforeAll(async () => {
    ctx = await setUp({}, { worker: false });
  }, 120_000);
  afterEach(async () => {
    await gateway?.kill();
    gateway = undefined;
  });
  afterAll(async () => {
    await tearDown(ctx);
  });

  it('answers the waiting enrichment, ends the event stream and exits by the signal', async () => {
    const { apiKey } = await createWorkspace(ctx.stack.gatewayUrl, 'Shutdown Waiters Ltd');
    const auth = { authorization: `Bearer ${apiKey}` };
    gateway = await startAppProcess(
      'gateway',
      { ...ctx.stack.env, SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS) },
      { captureOutput: true },
    );
    const url = gateway.url;

    const job = await call<{ id: string }>(url, 'POST', '/v1/jobs', {
      token: apiKey,
      body: { type: 'company.profile', input: { company_number: '09414599' } },
    });
    expect(job.status).toBe(202);
    const stream = await fetch(`${url}/v1/jobs/${job.body.id}/events`, { headers: auth });
    expect(stream.status).toBe(200);
    const reader = stream.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value as Uint8Array);
    expect(first).toContain('event: snapshot');
    // Everything the stream sends from here on, and how it ends: done, or cut (an error).
    const streamEnd = (async () => {
      try {
        while (!(await reader.read()).done) {
          // keep-alive comments: read on
        }
        return 'ended';
      } catch (error) {
        return `cut: ${String(error)}`;
      }
    })();

    const enrich: Promise<{ status: number; body: Record<string, unknown> }> = fetch(`${url}/v1/enrich`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({
        email: 'waiting.on.shutdown@example.com',
        enrich: ['first_name'],
        timeout_ms: 30_000,
      }),
    }).then(
      async (response) => ({
        status: response.status,
        body: (await response.json()) as Record<string, unknown>,
      }),
      (error: unknown) => ({ status: 0, body: { error: String(error) } }),
    );
    // The enrichment's job exists: the request is now waiting for it.
    await eventually(
      async () => {
        const jobs = await call<{ data: { type: string }[] }>(ctx.stack.gatewayUrl, 'GET', '/v1/jobs', {
          token: apiKey,
        });
        return jobs.body.data.some((listed) => listed.type === 'enrich');
      },
      { what: 'the enrichment to wait on its job' },
    );

    const signalled = Date.now();
    const { inTime, lines } = await gateway.terminate(SHUTDOWN_TIMEOUT_MS + SLACK_MS);
    const tookMs = Date.now() - signalled;
    const answered = await enrich;
    expect({
      inTime,
      // Closed gracefully: ended by the signal, not forced at the deadline with code 1.
      signal: gateway.child.signalCode,
      exitCode: gateway.child.exitCode,
      forced: lines.filter((line) => line.includes('"context":"Shutdown"')),
      enrich: answered.status,
      stream: await streamEnd,
    }).toEqual({ inTime: true, signal: 'SIGTERM', exitCode: null, forced: [], enrich: 202, stream: 'ended' });
    expect(typeof answered.body.job_id).toBe('string');
    expect(tookMs).toBeLessThan(SHUTDOWN_TIMEOUT_MS);
  }, 120_000);
});
