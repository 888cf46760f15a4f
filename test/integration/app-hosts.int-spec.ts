import { connect } from 'node:net';
import { setUp, tearDown } from '../support/pipeline';
import { startAppProcess, type WorkerProcess } from '../support/worker-process';

/** The interface setting of each app and the address an app bound to every interface also answers on. */
const HOST_SETTINGS = {
  'enrichment-worker': 'WORKER_HEALTH_HOST',
  'credit-monitor': 'CREDIT_MONITOR_HOST',
  gateway: 'GATEWAY_HOST',
  'webhook-receiver': 'WEBHOOK_RECEIVER_HOST',
} as const;

// Linux routes all of 127.0.0.0/8 to the loopback interface: a server bound to 0.0.0.0 answers
// there, one bound to 127.0.0.1 does not.
const OTHER_ADDRESS = '127.0.0.2';

/** Whether a TCP connection to host:port opens (true) or is refused (false). */
function opens(host: string, port: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', (error: NodeJS.ErrnoException) =>
      error.code === 'ECONNREFUSED' ? resolve(false) : reject(error),
    );
  });
}

const portOf = (app: WorkerProcess): number => Number(new URL(app.url).port);

/**
 * `npm start` binds every app to 127.0.0.1 through these settings; containers leave them at
 * 0.0.0.0 so that other containers reach /health and /metrics.
 */
describe('the interface each app listens on', () => {
  let ctx: Awaited<ReturnType<typeof setUp>>;
  const apps: WorkerProcess[] = [];

  beforeAll(async () => {
    ctx = await setUp({}, { worker: false });
  });
  afterAll(async () => {
    await Promise.all(apps.map((app) => app.stop()));
    await tearDown(ctx);
  });

  it.each(Object.entries(HOST_SETTINGS))(
    '%s listens on the loopback interface alone when %s is 127.0.0.1',
    async (name, setting) => {
      const app = await startAppProcess(name as keyof typeof HOST_SETTINGS, {
        ...ctx.stack.env,
        [setting]: '127.0.0.1',
      });
      apps.push(app);
      expect((await fetch(`${app.url}/health`)).status).toBe(200);
      expect(await opens(OTHER_ADDRESS, portOf(app))).toBe(false);
    },
  );

  it.each([
    ['enrichment-worker', HOST_SETTINGS['enrichment-worker']],
    ['credit-monitor', HOST_SETTINGS['credit-monitor']],
  ] as const)('%s listens on every interface when %s is 0.0.0.0', async (name, setting) => {
    const app = await startAppProcess(name, { ...ctx.stack.env, [setting]: '0.0.0.0' });
    apps.push(app);
    const health = await fetch(`http://${OTHER_ADDRESS}:${portOf(app)}/health`);
    expect(health.status).toBe(200);
  });
});
