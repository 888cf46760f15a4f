import { createTransport } from 'nodemailer';

/** How urgent an alert is; it decides which channels it goes to (see {@link routeAlert}). */
export type AlertSeverity = 'info' | 'warning' | 'critical';

/** One alert as the channels deliver it, independent of what raised it. */
export interface AlertMessage {
  /** The alert's id (a uuid): the same on every retry, so receivers can de-duplicate. */
  id: string;
  /** What kind of alert, e.g. `credits.threshold`, `forecast.exhaustion`; `usage.*` are reports. */
  kind: string;
  severity: AlertSeverity;
  /** One line. */
  title: string;
  /** Plain text body, may be multi-line. */
  text: string;
  provider?: string | null;
  details?: Record<string, unknown>;
  createdAt: Date;
}

/** Where an alert can be delivered. */
export type ChannelName = 'webhook' | 'email' | 'log';

/** How the channels are set up: an empty or missing webhook URL, SMTP URL or recipient list turns that channel off. */
export interface AlertChannelsOptions {
  /** Slack-compatible incoming webhook (`ALERT_WEBHOOK_URL`). Its path is a secret and never shown. */
  webhookUrl?: string;
  /** nodemailer connection URL (`SMTP_URL`), e.g. `smtp://user:pass@host:587`. Its password is never shown. */
  smtpUrl?: string;
  /** `ALERT_EMAIL_TO`, already split. */
  emailTo?: string[];
  /** @defaultValue `'Sluice alerts <alerts@sluice.local>'` */
  emailFrom?: string;
  /** Per delivery, in milliseconds. @defaultValue 10_000 */
  timeoutMs?: number;
  /** Where the `log` channel writes (a pino-like logger call). */
  log: (entry: Record<string, unknown>) => void;
}

const DEFAULT_FROM = 'Sluice alerts <alerts@sluice.local>';
const DEFAULT_TIMEOUT_MS = 10_000;
/** Slack caps a header block's plain text at 150 characters and a section's text at 3000. */
const SLACK_HEADER_MAX = 150;
const SLACK_SECTION_MAX = 3000;
/** How much of a failing webhook's answer is quoted in the error (Slack answers short codes). */
const ERROR_BODY_MAX = 200;

/** Thrown by {@link AlertChannels.send} when a delivery fails; its message never holds a secret. */
export class AlertDeliveryError extends Error {
  override readonly name = 'AlertDeliveryError';

  constructor(
    message: string,
    readonly channel: ChannelName,
    /** The webhook's HTTP status, when it answered. */
    readonly status?: number,
    /** nodemailer's error code (`EAUTH`, `EENVELOPE`, `EMESSAGE`, …) or `ETIMEDOUT`. */
    readonly code?: string,
  ) {
    super(message);
  }
}

function configured(value: string | undefined): boolean {
  return (value ?? '').trim() !== '';
}

function recipients(emailTo: readonly string[] | undefined): string[] {
  return (emailTo ?? []).map((address) => address.trim()).filter((address) => address !== '');
}

/**
 * Which channels an alert goes to, so that the choice is made in one place: critical → e-mail,
 * webhook and log; warning → webhook and log; info → log; a report (kind `usage.*`) → webhook,
 * e-mail and log whatever its severity. Channels that are not configured are left out; `log` is
 * always on. The result is always in the order webhook, email, log.
 */
export function routeAlert(
  message: Pick<AlertMessage, 'severity' | 'kind'>,
  options: Pick<AlertChannelsOptions, 'webhookUrl' | 'smtpUrl' | 'emailTo'>,
): ChannelName[] {
  const report = message.kind.startsWith('usage.');
  const wantsWebhook = report || message.severity === 'critical' || message.severity === 'warning';
  const wantsEmail = report || message.severity === 'critical';
  const channels: ChannelName[] = [];
  if (wantsWebhook && configured(options.webhookUrl)) {
    channels.push('webhook');
  }
  if (wantsEmail && configured(options.smtpUrl) && recipients(options.emailTo).length > 0) {
    channels.push('email');
  }
  channels.push('log');
  return channels;
}

function marker(severity: AlertSeverity): string {
  return `[${severity.toUpperCase()}]`;
}

/** A title on one line, whatever it was given. */
function oneLine(value: string): string {
  return value.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}

function truncate(value: string, max: number): string {
  return value.length <= max ? value : `${value.slice(0, max - 1)}…`;
}

/** Slack reads `&`, `<` and `>` as markup in mrkdwn text; these are the escapes it asks for. */
function slackEscape(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** JSON that does not throw on a bigint or a cycle in `details`, which come from anywhere. */
function safeJson(value: unknown, indent?: number): string {
  const seen = new WeakSet<object>();
  return JSON.stringify(
    value,
    (_key, item: unknown) => {
      if (typeof item === 'bigint') {
        return item.toString();
      }
      if (typeof item === 'object' && item !== null) {
        if (seen.has(item)) {
          return '[Circular]';
        }
        seen.add(item);
      }
      return item;
    },
    indent,
  );
}

/**
 * The body posted to the webhook, so that one payload serves Slack and any other receiver: a
 * top-level `text` (Slack's notification text, starting with the severity marker such as
 * `[CRITICAL]` and holding the title), Slack `blocks` (a header and an mrkdwn section), and a
 * `sluice` object with the alert's fields for receivers that are not Slack.
 */
export function webhookPayload(message: AlertMessage): Record<string, unknown> {
  const headline = `${marker(message.severity)} ${oneLine(message.title)}`;
  const body = message.text.trim();
  const context = [`kind: ${message.kind}`];
  if (message.provider) {
    context.push(`provider: ${message.provider}`);
  }
  context.push(`id: ${message.id}`);
  return {
    text: truncate(slackEscape(body === '' ? headline : `${headline}\n${body}`), SLACK_SECTION_MAX),
    blocks: [
      {
        type: 'header',
        text: { type: 'plain_text', text: truncate(headline, SLACK_HEADER_MAX), emoji: false },
      },
      ...(body === ''
        ? []
        : [
            {
              type: 'section',
              text: { type: 'mrkdwn', text: truncate(slackEscape(body), SLACK_SECTION_MAX) },
            },
          ]),
      { type: 'context', elements: [{ type: 'mrkdwn', text: slackEscape(context.join(' · ')) }] },
    ],
    sluice: {
      id: message.id,
      kind: message.kind,
      severity: message.severity,
      provider: message.provider ?? null,
      details: message.details ?? null,
      created_at: message.createdAt.toISOString(),
    },
  };
}

/** The subject and plain-text body of an alert e-mail. */
function emailContent(message: AlertMessage): { subject: string; text: string } {
  const subject = `[Sluice] ${marker(message.severity)} ${oneLine(message.title)}`;
  let text = message.text.replace(/\s+$/, '');
  if (message.details && Object.keys(message.details).length > 0) {
    text += `\n\nDetails:\n${safeJson(message.details, 2)}`;
  }
  const facts = [`Kind: ${message.kind}`];
  if (message.provider) {
    facts.push(`Provider: ${message.provider}`);
  }
  facts.push(`Alert id: ${message.id}`, `Raised at: ${message.createdAt.toISOString()}`);
  return { subject, text: `${text}\n\n--\n${facts.join('\n')}\n` };
}

/** The secret forms of a URL's credentials, as they could turn up in an error message. */
function secretsOf(rawUrl: string): string[] {
  const secrets = new Set<string>();
  const add = (value: string | undefined): void => {
    if (!value) {
      return;
    }
    secrets.add(value);
    try {
      secrets.add(decodeURIComponent(value));
    } catch {
      // Not percent-encoded: the raw form is already in the set.
    }
  };
  add(rawUrl);
  try {
    const url = new URL(rawUrl);
    add(url.password);
    const user = safeDecode(url.username);
    const pass = safeDecode(url.password);
    if (pass) {
      // What AUTH PLAIN and AUTH LOGIN put on the wire.
      secrets.add(Buffer.from(pass).toString('base64'));
      secrets.add(Buffer.from(`\u0000${user}\u0000${pass}`).toString('base64'));
    }
    if (url.pathname.length > 1) {
      // A webhook's path is its secret (Slack: /services/T…/B…/<token>); its long segments alone too.
      add(url.pathname);
      url.pathname
        .split('/')
        .filter((segment) => segment.length >= 8)
        .forEach(add);
    }
  } catch {
    // Not a URL: only the raw string and the generic pattern below can be redacted.
  }
  // Longest first, so that a secret holding another is replaced whole.
  return [...secrets].filter((secret) => secret.length >= 3).sort((a, b) => b.length - a.length);
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** `message` without the given secrets and without the credentials of any URL in it. */
function redact(message: string, secrets: readonly string[]): string {
  let clean = message;
  for (const secret of secrets) {
    clean = clean.split(secret).join('[redacted]');
  }
  return clean.replace(/([a-z][a-z0-9+.-]*:\/\/)[^\s/@]*@/gi, '$1[redacted]@');
}

/** `host[:port]` of a URL, the only part of it an error message may name. */
function hostOf(rawUrl: string): string {
  try {
    return new URL(rawUrl).host || 'unknown host';
  } catch {
    return 'an unparsable URL';
  }
}

/**
 * Name and message of anything thrown; duck-typed, as a DOMException or an error from another realm
 * fails `instanceof Error`.
 */
function describeThrown(error: unknown): { name: string; message: string; cause: unknown } {
  if (typeof error === 'object' && error !== null) {
    const { name, message, cause } = error as { name?: unknown; message?: unknown; cause?: unknown };
    return {
      name: typeof name === 'string' ? name : '',
      message: typeof message === 'string' ? message : safeJson(error),
      cause,
    };
  }
  return { name: '', message: String(error), cause: undefined };
}

function errorMessage(error: unknown): string {
  const { message, cause } = describeThrown(error);
  const inner = cause === undefined ? '' : describeThrown(cause).message;
  return inner === '' ? message : `${message}: ${inner}`;
}

function isTimeout(error: unknown): boolean {
  const { name } = describeThrown(error);
  return name === 'TimeoutError' || name === 'AbortError' || (error as { code?: unknown })?.code === 'EABORT';
}

type Transporter = ReturnType<typeof createTransport>;

/**
 * Delivers alerts to the webhook, e-mail and log channels, so that the alerting code only decides
 * what to say ({@link routeAlert} decides where). Framework-free: the caller owns retries and
 * scheduling. One pooled SMTP transport is opened on the first e-mail and kept until {@link close}.
 */
export class AlertChannels {
  private readonly timeoutMs: number;
  private transport: Transporter | undefined;

  constructor(private readonly options: AlertChannelsOptions) {
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
      throw new Error(
        `An alert delivery timeout must be a positive number of milliseconds (got ${timeoutMs}).`,
      );
    }
    this.timeoutMs = timeoutMs;
  }

  /**
   * Delivers `message` to one channel. Rejects with an {@link AlertDeliveryError} when the channel is
   * not configured or the delivery fails (a non-2xx webhook answer, a timeout, an SMTP refusal); its
   * message names the host but never the webhook URL's path nor the SMTP credentials.
   */
  async send(channel: ChannelName, message: AlertMessage): Promise<void> {
    switch (channel) {
      case 'webhook':
        return this.sendWebhook(message);
      case 'email':
        return this.sendEmail(message);
      case 'log':
        this.options.log({
          msg: 'alert',
          id: message.id,
          kind: message.kind,
          severity: message.severity,
          title: message.title,
          provider: message.provider ?? null,
          details: message.details,
        });
        return;
      default:
        throw new AlertDeliveryError(`Unknown alert channel "${String(channel)}".`, channel);
    }
  }

  /** Closes the pooled SMTP transport, if one was opened; a later e-mail opens a new one. */
  close(): Promise<void> {
    const transport = this.transport;
    this.transport = undefined;
    transport?.close();
    return Promise.resolve();
  }

  private async sendWebhook(message: AlertMessage): Promise<void> {
    const url = (this.options.webhookUrl ?? '').trim();
    if (url === '') {
      throw new AlertDeliveryError(
        'The webhook alert channel is not configured (ALERT_WEBHOOK_URL).',
        'webhook',
      );
    }
    const host = hostOf(url);
    const secrets = secretsOf(url);
    const what = `Webhook alert ${message.id} to ${host}`;
    let status: number;
    let answer: string;
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: safeJson(webhookPayload(message)),
        // A redirect would carry the alert to a host nobody configured; it counts as a failure.
        redirect: 'manual',
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      status = response.status;
      // Read the answer in full so the connection is released (and Slack's error code is known).
      answer = await response.text();
    } catch (error) {
      if (isTimeout(error)) {
        throw new AlertDeliveryError(
          `${what} failed: no answer within ${this.timeoutMs} ms.`,
          'webhook',
          undefined,
          'ETIMEDOUT',
        );
      }
      throw new AlertDeliveryError(`${what} failed: ${redact(errorMessage(error), secrets)}`, 'webhook');
    }
    if (status < 200 || status > 299) {
      const quoted = redact(oneLine(answer), secrets);
      throw new AlertDeliveryError(
        `${what} failed: HTTP ${status}${quoted === '' ? '' : ` (${truncate(quoted, ERROR_BODY_MAX)})`}.`,
        'webhook',
        status,
      );
    }
  }

  private async sendEmail(message: AlertMessage): Promise<void> {
    const smtpUrl = (this.options.smtpUrl ?? '').trim();
    const to = recipients(this.options.emailTo);
    if (smtpUrl === '' || to.length === 0) {
      throw new AlertDeliveryError(
        'The e-mail alert channel is not configured (SMTP_URL and ALERT_EMAIL_TO).',
        'email',
      );
    }
    const host = hostOf(smtpUrl);
    const secrets = secretsOf(smtpUrl);
    const what = `E-mail alert ${message.id} through ${host}`;
    const { subject, text } = emailContent(message);
    try {
      await this.transporter(smtpUrl).sendMail({
        from: this.options.emailFrom?.trim() || DEFAULT_FROM,
        to,
        subject,
        text,
        messageId: `<${message.id}@sluice>`,
        date: message.createdAt,
        priority: message.severity === 'critical' ? 'high' : 'normal',
        headers: { 'X-Sluice-Alert-Kind': message.kind, 'X-Sluice-Alert-Severity': message.severity },
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      if (isTimeout(error)) {
        throw new AlertDeliveryError(
          `${what} failed: not sent within ${this.timeoutMs} ms.`,
          'email',
          undefined,
          'ETIMEDOUT',
        );
      }
      const code = (error as { code?: unknown }).code;
      // The original error is not kept as `cause`: nodemailer's errors may hold the URL.
      throw new AlertDeliveryError(
        `${what} failed: ${redact(errorMessage(error), secrets)}`,
        'email',
        undefined,
        typeof code === 'string' ? code : undefined,
      );
    }
  }

  private transporter(smtpUrl: string): Transporter {
    this.transport ??= createTransport({
      url: smtpUrl,
      pool: true,
      // The URL's own query parameters win over these.
      connectionTimeout: this.timeoutMs,
      greetingTimeout: this.timeoutMs,
      socketTimeout: this.timeoutMs,
    });
    return this.transport;
  }
}
