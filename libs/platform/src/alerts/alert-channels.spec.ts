import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerOptions, type SMTPServerSession } from 'smtp-server';
import { AlertChannels, type AlertMessage, routeAlert, webhookPayload } from './alert-channels';

const ALERT: AlertMessage = {
  id: '6f1c2a9e-3b7d-4f00-9a51-0c8e2d4b7a13',
  kind: 'credits.threshold',
  severity: 'critical',
  title: 'Apollo credits below 5%',
  text: 'Apollo has 120 credits left of 5000.\nEnrichment will stop when they run out.',
  provider: 'apollo',
  details: { remaining: 120, total: 5000 },
  createdAt: new Date('2026-01-02T03:04:05.000Z'),
};
const SECRET_PATH = '/services/T000/B000/SECRETXYZ';
const noLog = (): void => undefined;

describe('routeAlert', () => {
  const all = {
    webhookUrl: 'https://hooks.example.test/x',
    smtpUrl: 'smtp://127.0.0.1:2525',
    emailTo: ['ops@x.test'],
  };

  it.each([
    ['critical', 'credits.threshold', ['webhook', 'email', 'log']],
    ['warning', 'forecast.exhaustion', ['webhook', 'log']],
    ['info', 'credits.threshold', ['log']],
    ['info', 'usage.daily', ['webhook', 'email', 'log']],
    ['warning', 'usage.weekly', ['webhook', 'email', 'log']],
  ] as const)('sends a %s %s alert to %j when all is configured', (severity, kind, expected) => {
    expect(routeAlert({ severity, kind }, all)).toEqual(expected);
  });

  it('leaves out the channels that are not configured, but never the log', () => {
    expect(routeAlert({ severity: 'critical', kind: 'x' }, {})).toEqual(['log']);
    expect(
      routeAlert({ severity: 'critical', kind: 'x' }, { webhookUrl: ' ', smtpUrl: '', emailTo: [] }),
    ).toEqual(['log']);
    expect(routeAlert({ severity: 'critical', kind: 'x' }, { ...all, webhookUrl: undefined })).toEqual([
      'email',
      'log',
    ]);
    // E-mail needs both a server and a recipient.
    expect(routeAlert({ severity: 'critical', kind: 'x' }, { ...all, emailTo: [] })).toEqual([
      'webhook',
      'log',
    ]);
    expect(routeAlert({ severity: 'critical', kind: 'x' }, { ...all, emailTo: [''] })).toEqual([
      'webhook',
      'log',
    ]);
    expect(routeAlert({ severity: 'critical', kind: 'x' }, { ...all, smtpUrl: '' })).toEqual([
      'webhook',
      'log',
    ]);
    expect(
      routeAlert({ severity: 'info', kind: 'usage.daily' }, { smtpUrl: all.smtpUrl, emailTo: all.emailTo }),
    ).toEqual(['email', 'log']);
  });
});

describe('webhookPayload', () => {
  it('starts the text with the severity marker and carries the alert for non-Slack receivers', () => {
    const payload = webhookPayload({ ...ALERT, severity: 'warning', title: 'a <b> & c' });
    expect(payload.text).toMatch(/^\[WARNING\] a &lt;b&gt; &amp; c\n/);
    expect(payload.sluice).toEqual({
      id: ALERT.id,
      kind: ALERT.kind,
      severity: 'warning',
      provider: 'apollo',
      details: ALERT.details,
      created_at: '2026-01-02T03:04:05.000Z',
    });
    expect(JSON.parse(JSON.stringify(payload))).toEqual(payload);
  });

  it('gives null for a missing provider and details', () => {
    const payload = webhookPayload({ ...ALERT, provider: undefined, details: undefined });
    expect(payload.sluice).toMatchObject({ provider: null, details: null });
  });
});

describe('AlertChannels log channel', () => {
  it('writes one entry through options.log', async () => {
    const entries: Record<string, unknown>[] = [];
    const channels = new AlertChannels({ log: (entry) => entries.push(entry) });
    await channels.send('log', ALERT);
    expect(entries).toEqual([
      {
        msg: 'alert',
        id: ALERT.id,
        kind: ALERT.kind,
        severity: 'critical',
        title: ALERT.title,
        provider: 'apollo',
        details: ALERT.details,
      },
    ]);
    await channels.close();
  });
});

interface Received {
  method: string | undefined;
  url: string | undefined;
  headers: IncomingMessage['headers'];
  body: string;
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function stop(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

describe('AlertChannels webhook channel', () => {
  let server: Server | undefined;
  let channels: AlertChannels | undefined;

  afterEach(async () => {
    await channels?.close();
    if (server) {
      await stop(server);
    }
    server = undefined;
    channels = undefined;
  });

  /** A server that records each request and answers with `status` (or never, for `null`). */
  async function start(
    status: number | null,
    answer = 'ok',
  ): Promise<{ base: string; received: Received[] }> {
    const received: Received[] = [];
    server = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => (body += chunk));
      req.on('end', () => {
        received.push({ method: req.method, url: req.url, headers: req.headers, body });
        if (status !== null) {
          res.writeHead(status, { 'content-type': 'text/plain' }).end(answer);
        }
      });
    });
    return { base: await listen(server), received };
  }

  it('posts the Slack-compatible JSON', async () => {
    const { base, received } = await start(200);
    channels = new AlertChannels({ webhookUrl: `${base}${SECRET_PATH}`, log: noLog });
    await channels.send('webhook', ALERT);

    expect(received).toHaveLength(1);
    const [request] = received;
    expect(request?.method).toBe('POST');
    expect(request?.url).toBe(SECRET_PATH);
    expect(request?.headers['content-type']).toBe('application/json');
    const json = JSON.parse(request?.body ?? '') as { text: string; sluice: Record<string, unknown> };
    expect(json.text).toContain('[CRITICAL]');
    expect(json.text).toContain(ALERT.title);
    expect(json.sluice.kind).toBe('credits.threshold');
    expect(json.sluice.id).toBe(ALERT.id);
  });

  it('rejects on a 500 naming the status and the host, never the secret path', async () => {
    const { base } = await start(500, 'no_service');
    channels = new AlertChannels({ webhookUrl: `${base}${SECRET_PATH}`, log: noLog });
    const error = (await channels.send('webhook', ALERT).catch((e: unknown) => e)) as Error;

    expect(error).toBeInstanceOf(Error);
    expect(error.message).toContain('500');
    expect(error.message).toContain(new URL(base).host);
    expect(error.message).not.toContain('SECRETXYZ');
    expect(error.message).not.toContain('/services/');
  });

  it('rejects when the server never answers within timeoutMs', async () => {
    const { base } = await start(null);
    channels = new AlertChannels({ webhookUrl: `${base}${SECRET_PATH}`, timeoutMs: 200, log: noLog });
    const started = Date.now();
    const error = (await channels.send('webhook', ALERT).catch((e: unknown) => e)) as Error;

    expect(error).toBeInstanceOf(Error);
    expect(error.message).toMatch(/200 ms/);
    expect(error.message).not.toContain('SECRETXYZ');
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('rejects when nothing listens, without the secret path', async () => {
    const { base } = await start(200);
    await stop(server as Server);
    server = undefined;
    channels = new AlertChannels({ webhookUrl: `${base}${SECRET_PATH}`, log: noLog });
    await expect(channels.send('webhook', ALERT)).rejects.toThrow(/^(?![\s\S]*SECRETXYZ)[\s\S]*127\.0\.0\.1/);
  });

  it('rejects when the channel is not configured', async () => {
    channels = new AlertChannels({ log: noLog });
    await expect(channels.send('webhook', ALERT)).rejects.toThrow(/not configured/);
  });
});

interface Delivered {
  raw: string;
  envelope: SMTPServerSession['envelope'];
}

describe('AlertChannels e-mail channel', () => {
  let smtp: SMTPServer | undefined;
  let channels: AlertChannels | undefined;

  afterEach(async () => {
    await channels?.close();
    if (smtp) {
      const server = smtp;
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    smtp = undefined;
    channels = undefined;
  });

  /** A local SMTP server that keeps each message; `options` can make it refuse. */
  async function start(
    options: Partial<SMTPServerOptions> = {},
  ): Promise<{ port: number; delivered: Delivered[] }> {
    const delivered: Delivered[] = [];
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          delivered.push({ raw: Buffer.concat(chunks).toString('utf8'), envelope: session.envelope });
          callback();
        });
      },
      ...options,
    });
    smtp = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    return { port: (server.server.address() as AddressInfo).port, delivered };
  }

  it('sends the alert to every recipient', async () => {
    const { port, delivered } = await start();
    channels = new AlertChannels({
      smtpUrl: `smtp://127.0.0.1:${port}`,
      emailTo: ['ops@sluice.test', 'oncall@sluice.test'],
      log: noLog,
    });
    await channels.send('email', ALERT);

    expect(delivered).toHaveLength(1);
    const [mail] = delivered;
    expect(mail?.envelope.rcptTo.map((rcpt) => rcpt.address)).toEqual([
      'ops@sluice.test',
      'oncall@sluice.test',
    ]);
    expect(mail?.envelope.mailFrom && mail.envelope.mailFrom.address).toBe('alerts@sluice.local');
    const raw = mail?.raw ?? '';
    expect(raw).toContain('Subject: [Sluice] [CRITICAL] Apollo credits below 5%');
    expect(raw).toContain(`Message-ID: <${ALERT.id}@sluice>`);
    expect(raw).toContain('Apollo has 120 credits left of 5000.');
    expect(raw).toContain('Enrichment will stop when they run out.');
    expect(raw).toContain('"remaining": 120');
  });

  it('reuses its transport for a second alert', async () => {
    const { port, delivered } = await start();
    channels = new AlertChannels({
      smtpUrl: `smtp://127.0.0.1:${port}`,
      emailTo: ['ops@sluice.test'],
      log: noLog,
    });
    await channels.send('email', ALERT);
    await channels.send('email', {
      ...ALERT,
      id: 'second',
      severity: 'info',
      kind: 'usage.daily',
      details: undefined,
    });
    expect(delivered).toHaveLength(2);
    expect(delivered[1]?.raw).toContain('Subject: [Sluice] [INFO] Apollo credits below 5%');
    expect(delivered[1]?.raw).not.toContain('Details:');
  });

  it('rejects when the server refuses the message', async () => {
    const { port } = await start({
      onData(stream, _session, callback) {
        stream.resume();
        stream.on('end', () => callback(new Error('Mailbox full')));
      },
    });
    channels = new AlertChannels({
      smtpUrl: `smtp://127.0.0.1:${port}`,
      emailTo: ['ops@sluice.test'],
      log: noLog,
    });
    await expect(channels.send('email', ALERT)).rejects.toThrow(/Mailbox full/);
  });

  it('rejects when the server refuses the recipient', async () => {
    const { port } = await start({
      onRcptTo(_address, _session, callback) {
        callback(new Error('No such user'));
      },
    });
    channels = new AlertChannels({
      smtpUrl: `smtp://127.0.0.1:${port}`,
      emailTo: ['nobody@sluice.test'],
      log: noLog,
    });
    await expect(channels.send('email', ALERT)).rejects.toThrow(/No such user/);
  });

  it('rejects when the server does not accept the message within timeoutMs', async () => {
    const { port } = await start({
      onData(stream) {
        stream.resume(); // Never answers the end of DATA.
      },
    });
    channels = new AlertChannels({
      smtpUrl: `smtp://127.0.0.1:${port}`,
      emailTo: ['ops@sluice.test'],
      timeoutMs: 300,
      log: noLog,
    });
    const started = Date.now();
    await expect(channels.send('email', ALERT)).rejects.toThrow(/300 ms/);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('rejects a refused login without ever showing the password', async () => {
    let attempts = 0;
    const { port } = await start({
      authOptional: false,
      onAuth(_auth, _session, callback) {
        attempts += 1;
        callback(new Error('Invalid username or password'));
      },
    });
    channels = new AlertChannels({
      smtpUrl: `smtp://user:pa55word@127.0.0.1:${port}`,
      emailTo: ['ops@sluice.test'],
      log: noLog,
    });
    const error = (await channels.send('email', ALERT).catch((e: unknown) => e)) as Error & { code?: string };

    expect(attempts).toBeGreaterThan(0);
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toContain(`127.0.0.1:${port}`);
    expect(error.message).not.toContain('pa55word');
    expect(error.message).not.toContain(Buffer.from('pa55word').toString('base64'));
    expect(error.stack ?? '').not.toContain('pa55word');
    expect(error.code).toBe('EAUTH');
  });

  it('rejects when the channel is not configured', async () => {
    channels = new AlertChannels({ smtpUrl: 'smtp://127.0.0.1:2525', log: noLog });
    await expect(channels.send('email', ALERT)).rejects.toThrow(/not configured/);
  });
});
