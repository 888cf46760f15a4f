import { alertsOf, startHttpSink, type HttpSink } from '../support/alert-sinks';
import { createWorkspace } from '../support/api';
import { requireEnv } from '../support/database';
import { answerKey, enqueue, finished, people, sandboxPatch, setUp, tearDown } from '../support/pipeline';
import { deletePrefix } from '../support/redis';
import type { WorldCompany } from '../support/sandbox-world';
import { eventually } from '../support/wait';
import { startAppProcess, type WorkerProcess } from '../support/worker-process';

/**
 * What Sluice owes others after Redis lost its data (every key of the stack gone at once, as after
 * a restart without persistence or a failover to an empty replica): the operators' alerts and the
 * callers' callbacks, which are only in Redis while they wait.
 */
describe('deliveries owed when Redis loses its data', () => {
  let ctx: Awaited<ReturnType<typeof setUp>> | undefined;
  let sink: HttpSink;
  const monitors: WorkerProcess[] = [];

  beforeEach(async () => {
    sink = await startHttpSink();
  });

  afterEach(async () => {
    await Promise.all(monitors.splice(0).map((monitor) => monitor.stop()));
    await tearDown(ctx);
    ctx = undefined;
    await sink.close();
  });

  const wipe = (prefix: string): Promise<void> => deletePrefix(requireEnv('REDIS_URL'), prefix);

  it('raises the alert of a provider paused for credits after the loss, as before it', async () => {
    ctx = await setUp({
      ALERT_WEBHOOK_URL: sink.url,
      PROVIDER_OVERRIDES: JSON.stringify({ rocketreach: { enabled: false } }),
      CREDIT_PROBE_AFTER_MS: '60000',
    });
    const { stack, prefix } = ctx;
    monitors.push(await startAppProcess('credit-monitor', stack.env));
    const { apiKey } = await createWorkspace(stack.gatewayUrl, 'Alerted Co');
    // The monitor reads the pipeline's events before the loss.
    await wipe(prefix);
    // Serper publishes no balance: its refusal (402) pauses it, which the monitor hears of as an event.
    await sandboxPatch(stack.sandboxUrl, 'serper', { credits: 0 });
    const [company] = (await answerKey<WorldCompany>(stack.sandboxUrl, 'companies')).filter((c) =>
      c.domain_known_by.includes('serper'),
    );
    await enqueue(stack, apiKey, {
      type: 'company.domain',
      input: { company_name: company.company_name },
      options: { wait_for_credits: true },
    });
    await eventually(() => alertsOf(sink, 'provider.paused').length >= 1 || undefined, {
      what: 'the pause alert, after the loss',
      timeoutMs: 20_000,
    });
    expect(alertsOf(sink, 'provider.paused')[0]).toMatchObject({ provider: 'serper', severity: 'critical' });
  }, 60_000);

  it('delivers a callback whose next try was waiting when Redis lost its data, once, and no delivered one again', async () => {
    ctx = await setUp({
      // Tries 2 s apart: the next one is waiting (a delayed job) when the data goes.
      CALLBACK_BACKOFF_MS: '2000',
      CALLBACK_MAX_ATTEMPTS: '5',
      REQUEST_RECOVERY_INTERVAL_MS: '500',
      REQUEST_RECOVERY_AFTER_MS: '1000',
    });
    const { stack, db, prefix } = ctx;
    const { apiKey } = await createWorkspace(stack.gatewayUrl, 'Called Back Co');
    const [first, second] = (await people(stack.sandboxUrl)).slice(0, 2);
    const idsIn = (): string[] => sink.bodies.map((body) => (body as { data: { id: string } }).data.id);
    const verify = (email: string): Record<string, unknown> => ({
      type: 'email.verify',
      input: { email },
      callback_url: sink.url,
    });

    // Delivered before the loss: never sent again.
    const delivered = await enqueue(stack, apiKey, verify(first.email));
    await eventually(() => idsIn().includes(delivered) || undefined, { what: 'the first callback' });

    // The receiver is down: the first try fails, the next waits its turn.
    sink.down = true;
    const owed = await enqueue(stack, apiKey, verify(second.email));
    expect((await finished(stack, apiKey, owed)).status).toBe('completed');
    await eventually(
      async () =>
        (
          await db.dataSource.query<unknown[]>(
            `SELECT 1 FROM callback_deliveries WHERE request_id = $1 AND status = 503`,
            [owed],
          )
        ).length > 0 || undefined,
      { what: 'a refused try' },
    );
    await wipe(prefix);
    sink.down = false;

    await eventually(() => idsIn().includes(owed) || undefined, {
      what: 'the callback owed, after the loss',
      timeoutMs: 20_000,
    });
    // A few sweeps more: each callback went once.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(idsIn().sort()).toEqual([delivered, owed].sort());
  }, 60_000);
});
