import type { GatewayConfig } from '@sluice/config';
import type { ArgumentsHost } from '@nestjs/common';
import { ApiExceptionFilter, type HttpMetricsMiddleware } from '@sluice/platform';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import type { AuditLog } from '../audit/audit-log.service';
import type { ApiKeyGuard } from '../auth/api-key.guard';
import type { KnownKey } from '../auth/api-key-cache';
import { EnrichFastPath } from './enrich-fast-path';
import type { EnrichAnswer } from './enrich-answer';
import type { EnrichService } from './enrich.service';

/**
 * The fast path's control flow: what it answers itself and what it passes on to the controller.
 * Its collaborators are small fakes here; the integration test (enrich.int-spec) runs it against
 * real Redis and PostgreSQL.
 */
describe('EnrichFastPath', () => {
  const KEY: KnownKey = {
    id: 'key-1',
    workspace_id: 'ws-1',
    scopes: ['enrich'],
    tier: 'standard',
    rate_limits: null,
  };
  const ANSWER = { job_id: 'job-1', status: 'completed', cached: true, data: {} } as unknown as EnrichAnswer;

  interface Setup {
    key?: KnownKey | null;
    answer?: EnrichAnswer | null;
    refuse?: boolean;
    endThrows?: boolean;
    passOnThrows?: boolean;
  }

  interface Sent {
    status: number;
    headers: Record<string, unknown>;
    body: unknown;
  }

  const run = async (
    setup: Setup,
    headers: Record<string, string> = { authorization: 'Bearer slk_test' },
    options: { body?: string; url?: string } = {},
  ): Promise<{
    passOn: jest.Mock;
    sent: Sent[];
    counted: number;
    audited: number;
    looked: number;
    req: Readable & { body?: unknown };
  }> => {
    let counted = 0;
    let audited = 0;
    let looked = 0;
    const sent: Sent[] = [];
    const keys = {
      authenticate: () => {
        looked += 1;
        return Promise.resolve(setup.key === undefined ? KEY : setup.key);
      },
      count: () => {
        counted += 1;
        return Promise.resolve(setup.refuse ? { code: 'rate_limited', message: 'no' } : null);
      },
    } as unknown as ApiKeyGuard;
    const enrichment = {
      cachedAnswer: () => Promise.resolve(setup.answer === undefined ? ANSWER : setup.answer),
    } as unknown as EnrichService;
    const audit = {
      record: () => {
        audited += 1;
        return Promise.resolve();
      },
    } as unknown as AuditLog;
    const metrics = {
      startTimer: () => () => 0,
      track: () => undefined,
    } as unknown as HttpMetricsMiddleware;
    const config = {
      enrichTimeoutMs: 2000,
      enrichTimeoutMaxMs: 30000,
      bodyLimitBytes: 1024,
    } as GatewayConfig;
    const fast = new EnrichFastPath(keys, enrichment, audit, metrics, config);
    const answerHeaders: Record<string, unknown> = {};
    const res = {
      headersSent: false,
      statusCode: 200,
      setHeader: (name: string, value: unknown) => {
        answerHeaders[name.toLowerCase()] = value;
      },
      end(text: string) {
        this.headersSent = true;
        sent.push({ status: this.statusCode, headers: answerHeaders, body: JSON.parse(text) });
        if (setup.endThrows) {
          throw new Error('the socket went away');
        }
      },
    };
    const text = options.body ?? JSON.stringify({ email: 'ada@example.com', enrich: ['title'] });
    const req = Object.assign(Readable.from([Buffer.from(text)]), {
      method: 'POST',
      url: options.url ?? '/v1/enrich',
      // A header given as '' is left out.
      headers: Object.fromEntries(
        Object.entries({
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(text)),
          ...headers,
        }).filter(([, value]) => value !== ''),
      ),
    }) as Readable & { body?: unknown };
    const passOn = jest.fn();
    await new Promise<void>((resolve) => {
      fast.handle(req as unknown as IncomingMessage, res as unknown as ServerResponse, () => {
        passOn();
        resolve();
        if (setup.passOnThrows) {
          throw new Error('Express failed');
        }
      });
      // Served or not, the request settles within a few turns of the event loop.
      setTimeout(resolve, 50);
    });
    return { passOn, sent, counted, audited, looked, req };
  };

  it('answers a cached question itself: counted once, audited, not passed on', async () => {
    const outcome = await run({});
    expect(outcome.sent.map(({ status, body }) => ({ status, body }))).toEqual([
      { status: 200, body: ANSWER },
    ]);
    const { headers } = outcome.sent[0];
    expect(headers['content-type']).toBe('application/json; charset=utf-8');
    expect(headers['content-length']).toBe(Buffer.byteLength(JSON.stringify(ANSWER)));
    expect(typeof headers['x-request-id']).toBe('string');
    expect(outcome.counted).toBe(1);
    expect(outcome.audited).toBe(1);
    expect(outcome.passOn).not.toHaveBeenCalled();
  });

  it('passes on a miss without counting it (the controller counts it once)', async () => {
    const outcome = await run({ answer: null });
    expect(outcome.passOn).toHaveBeenCalledTimes(1);
    expect(outcome.counted).toBe(0);
    expect(outcome.sent).toEqual([]);
    // Its body was read here, so it goes on parsed (Express's JSON parser skips a body already read).
    expect(outcome.req.body).toEqual({ email: 'ada@example.com', enrich: ['title'] });
  });

  it('passes on a refusal of the rate limit, answering nothing and auditing nothing', async () => {
    const outcome = await run({ refuse: true });
    expect(outcome.passOn).toHaveBeenCalledTimes(1);
    expect(outcome.sent).toEqual([]);
    expect(outcome.audited).toBe(0);
  });

  it('passes on a missing key, an unknown key and a key without the enrich scope', async () => {
    const anonymous = await run({}, {});
    expect(anonymous.passOn).toHaveBeenCalledTimes(1);
    expect(anonymous.looked).toBe(0);
    expect(anonymous.req.readableEnded).toBe(false); // its body left for Express to read
    expect((await run({ key: null })).passOn).toHaveBeenCalledTimes(1);
    const reader = { ...KEY, scopes: ['jobs:read'] };
    const outcome = await run({ key: reader });
    expect(outcome.passOn).toHaveBeenCalledTimes(1);
    expect(outcome.counted).toBe(0);
  });

  it('leaves a request with an Idempotency-Key to the controller without looking at its key', async () => {
    const outcome = await run({}, { authorization: 'Bearer slk_test', 'idempotency-key': 'k-1' });
    expect(outcome.passOn).toHaveBeenCalledTimes(1);
    expect(outcome.looked).toBe(0);
  });

  it.each([
    ['a chunked body', { 'content-length': '', 'transfer-encoding': 'chunked' }, {}],
    ['a compressed body', { 'content-encoding': 'gzip' }, {}],
    ['another charset', { 'content-type': 'application/json; charset=latin1' }, {}],
    ['a body that is not JSON', { 'content-type': 'text/plain' }, {}],
    [
      'a body over the limit',
      {},
      { body: JSON.stringify({ email: 'a@example.com', pad: 'x'.repeat(2000) }) },
    ],
    ['a query string', {}, { url: '/v1/enrich?debug=1' }],
    ['another route', {}, { url: '/v1/enrich/enqueue' }],
  ])('leaves %s to Express unread', async (_case, extra, options) => {
    const outcome = await run({}, { authorization: 'Bearer slk_test', ...extra }, options);
    expect(outcome.passOn).toHaveBeenCalledTimes(1);
    expect(outcome.looked).toBe(0);
    expect(outcome.req.readableEnded).toBe(false);
    expect(outcome.sent).toEqual([]);
  });

  it("answers a malformed body or a NUL with the JSON parser's 400, naming the problem", async () => {
    const malformed = await run({}, undefined, { body: '{"email": "ada@example.com",' });
    expect(malformed.passOn).not.toHaveBeenCalled();
    expect(malformed.sent).toHaveLength(1);
    const [refusal] = malformed.sent;
    expect(refusal.status).toBe(400);
    expect(refusal.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(refusal.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    expect((refusal.body as { message: string }).message).toMatch(/^Malformed JSON body: /);
    const nul = await run({}, undefined, {
      body: JSON.stringify({ email: 'a@example.com', last_name: 'a\u0000b' }),
    });
    expect(nul.sent[0]?.status).toBe(400);
    expect((nul.sent[0]?.body as { message: string }).message).toContain('last_name contains a NUL');
    expect(nul.looked).toBe(0);
  });

  it('never passes on a request it has already answered, even when something fails afterwards', async () => {
    const outcome = await run({ endThrows: true });
    expect(outcome.sent).toHaveLength(1);
    expect(outcome.passOn).not.toHaveBeenCalled();
  });

  it('answers a 500 rather than ending the process when handing over to Express fails', async () => {
    const outcome = await run({ answer: null, passOnThrows: true });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(outcome.passOn).toHaveBeenCalledTimes(1);
    expect(outcome.sent.map((sent) => sent.status)).toEqual([500]);
    // The same answer as an unexpected error gets behind the router, from the exception filter.
    let filtered: unknown;
    const host = {
      switchToHttp: () => ({
        getResponse: () => ({
          headersSent: false,
          getHeader: () => undefined,
          setHeader: () => undefined,
          status() {
            return this;
          },
          json: (body: unknown) => {
            filtered = body;
          },
        }),
      }),
    } as unknown as ArgumentsHost;
    new ApiExceptionFilter(1).catch(new Error('Express failed'), host);
    expect(outcome.sent[0].body).toEqual(filtered);
  });
});
