import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/**
 * A Slack-compatible incoming webhook stand-in: keeps every JSON body posted to it, or, while
 * `down`, keeps nothing and answers 503 (an outage).
 */
export interface HttpSink {
  url: string;
  bodies: Record<string, unknown>[];
  down: boolean;
  close(): Promise<void>;
}

export async function startHttpSink(): Promise<HttpSink> {
  const bodies: Record<string, unknown>[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (sink.down) {
        res.writeHead(503, { 'content-type': 'text/plain' }).end('unavailable');
        return;
      }
      try {
        bodies.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>);
        res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      } catch {
        res.writeHead(400).end('invalid_payload');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const sink: HttpSink = {
    url: `http://127.0.0.1:${port}/services/T000/B000/sink`,
    bodies,
    down: false,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  return sink;
}

export interface ReceivedMail {
  to: string[];
  raw: string;
}

/** A local SMTP server that keeps every message it is given. */
export interface SmtpSink {
  url: string;
  mails: ReceivedMail[];
  close(): Promise<void>;
}

export async function startSmtpSink(): Promise<SmtpSink> {
  const mails: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        mails.push({
          to: session.envelope.rcptTo.map((address) => address.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** The `sluice` part of the alerts a sink received, of one kind. */
export function alertsOf(
  sink: HttpSink,
  kind: string,
): { kind: string; severity: string; provider: string | null }[] {
  return sink.bodies
    .map((body) => body.sluice as { kind: string; severity: string; provider: string | null })
    .filter((alert) => alert?.kind === kind);
}
