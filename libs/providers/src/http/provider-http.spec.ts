import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ProviderError } from '../errors';
import { classifyByStatus, ProviderHttp, type ProviderCallRecord } from './provider-http';

const SECRET = 'sk-live-0123456789';

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

describe('ProviderHttp', () => {
  let server: Server;
  let baseUrl: string;
  let handler: Handler;
  let calls: ProviderCallRecord[];

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => handler(req, res, body));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  beforeEach(() => {
    calls = [];
  });

  const http = (timeoutMs = 2000, maxBodyBytes?: number, beforeRequest?: () => Promise<void>): ProviderHttp =>
    new ProviderHttp({
      beforeRequest,
      provider: 'acme',
      label: 'Acme',
      baseUrl,
      timeoutMs,
      maxBodyBytes,
      secrets: () => [SECRET],
      requestIdHeader: 'x-request-id',
      classify: (failure) => classifyByStatus(failure, 'Acme'),
      onCall: (record) => calls.push(record),
    });

  const reply = (status: number, body: string, headers: Record<string, string> = {}): Handler => {
    return (_req, res) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(body);
    };
  };

  it('sends JSON and query parameters, and reports the call with its credits and request id', async () => {
    let seen: { url?: string; body?: string; type?: string } = {};
    handler = (req, res, body) => {
      seen = { url: req.url, body, type: req.headers['content-type'] };
      reply(200, '{"ok":true,"found":1}', { 'x-request-id': 'req-42' })(req, res, body);
    };
    const answer = await http().request({
      method: 'POST',
      endpoint: 'POST /people',
      path: '/people',
      query: { page: 2, tags: ['a', 'b'], skip: undefined },
      json: { name: 'Jane' },
      subject: 'Jane',
      charge: (body) => ((body as { found: number }).found > 0 ? 1 : 0),
    });
    expect(seen).toEqual({
      url: '/api/people?page=2&tags=a&tags=b',
      body: '{"name":"Jane"}',
      type: 'application/json',
    });
    expect(answer.body).toEqual({ ok: true, found: 1 });
    expect(answer.credits).toBe(1);
    expect(calls).toEqual([
      expect.objectContaining({
        provider: 'acme',
        endpoint: 'POST /people',
        status: 200,
        credits: 1,
        providerRequestId: 'req-42',
        errorKind: null,
      }),
    ]);
  });

  it('sends forms URL-encoded', async () => {
    let seen = '';
    handler = (req, res, body) => {
      seen = `${req.headers['content-type']} ${body}`;
      reply(200, '{}')(req, res, body);
    };
    await http().request({
      method: 'POST',
      endpoint: 'POST /token',
      path: '/token',
      form: { a: '1 2', b: 'x&y' },
      subject: 'a token',
    });
    expect(seen).toBe('application/x-www-form-urlencoded a=1+2&b=x%26y');
  });

  it('maps error statuses through the classifier, keeps Retry-After and redacts echoed secrets', async () => {
    handler = reply(429, JSON.stringify({ error: `slow down, key ${SECRET}` }), { 'retry-after': '7' });
    const error = await http()
      .request({ method: 'GET', endpoint: 'GET /x', path: '/x', query: { api_key: SECRET }, subject: 'x' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    const failure = error as ProviderError;
    expect(failure.kind).toBe('rate_limited');
    expect(failure.retryAfterMs).toBe(7000);
    expect(failure.retryable).toBe(true);
    expect(JSON.stringify(failure.body)).not.toContain(SECRET);
    expect(failure.call?.url).not.toContain(SECRET);
    expect(calls[0]).toMatchObject({ status: 429, credits: 0, errorKind: 'rate_limited' });
    expect(JSON.stringify(calls)).not.toContain(SECRET);
  });

  it('keeps a plain-text error body as text', async () => {
    handler = (_req, res) => {
      res.writeHead(401, { 'content-type': 'text/plain' });
      res.end('Invalid access credentials.');
    };
    const error = (await http()
      .request({ method: 'GET', endpoint: 'GET /x', path: '/x', subject: 'x' })
      .catch((e: unknown) => e)) as ProviderError;
    expect(error.kind).toBe('unauthorized');
    expect(error.body).toBe('Invalid access credentials.');
  });

  it('calls a 2xx answer that is not JSON an invalid response', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html>login</html>');
    };
    const error = (await http()
      .request({ method: 'GET', endpoint: 'GET /x', path: '/x', subject: 'x' })
      .catch((e: unknown) => e)) as ProviderError;
    expect(error.kind).toBe('invalid_response');
    expect(error.message).toContain('<html>login</html>');
  });

  it('calls an answer whose charge cannot be read an invalid response, and logs the call once', async () => {
    handler = reply(200, '{"found":null}');
    const error = await http()
      .request({
        method: 'GET',
        endpoint: 'GET /x',
        path: '/x',
        subject: 'x',
        charge: (body) => (body as { found: unknown[] }).found.length,
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).kind).toBe('invalid_response');
    expect(calls).toEqual([
      expect.objectContaining({ status: 200, credits: 0, errorKind: 'invalid_response' }),
    ]);
  });

  it('does not follow a redirect: the key stays home and the answer is an invalid response', async () => {
    const elsewhere: string[] = [];
    const other = createServer((req, res) => {
      elsewhere.push(`${req.method} ${req.url} ${String(req.headers['x-api-key'])}`);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    });
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    const otherUrl = `http://localhost:${(other.address() as AddressInfo).port}/moved`;
    try {
      handler = (_req, res) => {
        res.writeHead(302, { location: otherUrl });
        res.end();
      };
      const error = (await http()
        .request({
          method: 'POST',
          endpoint: 'POST /x',
          path: '/x',
          headers: { 'x-api-key': SECRET },
          json: { q: 1 },
          subject: 'x',
        })
        .catch((e: unknown) => e)) as ProviderError;
      expect(error).toBeInstanceOf(ProviderError);
      expect(error).toMatchObject({ kind: 'invalid_response', status: 302 });
      expect(elsewhere).toEqual([]);
    } finally {
      await new Promise<void>((resolve) => other.close(() => resolve()));
    }
  });

  it('stops reading a body larger than the limit instead of buffering it', async () => {
    let sent = 0;
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('["');
      const chunk = 'x'.repeat(64 * 1024);
      // Streams for as long as the client reads: only the client's limit ends it.
      const pump = (): void => {
        while (!res.destroyed && sent < 512 * 1024 * 1024) {
          sent += chunk.length;
          if (!res.write(chunk)) {
            res.once('drain', pump);
            return;
          }
        }
      };
      pump();
    };
    const error = (await http(5000, 1024 * 1024)
      .request({ method: 'GET', endpoint: 'GET /big', path: '/big', subject: 'x' })
      .catch((e: unknown) => e)) as ProviderError;
    expect(error).toBeInstanceOf(ProviderError);
    expect(error.kind).toBe('invalid_response');
    expect(error.message).toContain('1048576 bytes');
    expect(sent).toBeLessThan(64 * 1024 * 1024);
    expect(calls).toEqual([expect.objectContaining({ status: 200, errorKind: 'invalid_response' })]);
  });

  it('refuses a body whose declared length is over the limit without waiting for it', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(300 * 1024 * 1024) });
      res.write('[');
    };
    const error = (await http(5000, 1024 * 1024)
      .request({ method: 'GET', endpoint: 'GET /big', path: '/big', subject: 'x' })
      .catch((e: unknown) => e)) as ProviderError;
    expect(error).toBeInstanceOf(ProviderError);
    expect(error.kind).toBe('invalid_response');
  });

  it('times out a provider that does not answer', async () => {
    handler = () => undefined;
    const error = (await http(150)
      .request({ method: 'GET', endpoint: 'GET /slow', path: '/slow', subject: 'x' })
      .catch((e: unknown) => e)) as ProviderError;
    expect(error.kind).toBe('timeout');
    expect(error.retryable).toBe(true);
    expect(error.maybeDelivered).toBe(true);
    expect(calls[0]).toMatchObject({ status: null, errorKind: 'timeout' });
  });

  it('passes its gate before each request, the wait not counted in the timeout, and sends nothing the gate refuses', async () => {
    let received = 0;
    handler = (req, res, body) => {
      received += 1;
      reply(200, '{"ok":true}')(req, res, body);
    };
    let gated = 0;
    const slow = http(150, undefined, async () => {
      gated += 1;
      await new Promise((resolve) => setTimeout(resolve, 300));
    });
    await slow.request({ method: 'GET', endpoint: 'GET /a', path: '/a', subject: 'x' });
    expect([gated, received]).toEqual([1, 1]);

    const refused = new ProviderError({ provider: 'acme', kind: 'rate_limited', message: 'no slot' });
    const closed = http(2000, undefined, () => Promise.reject(refused));
    await expect(
      closed.request({ method: 'GET', endpoint: 'GET /a', path: '/a', subject: 'x' }),
    ).rejects.toBe(refused);
    expect(received).toBe(1);
    expect(calls).toHaveLength(1);
  });

  it('calls a connection closed after the request was received an outage that may have reached the provider', async () => {
    let received = '';
    handler = (req, _res, body) => {
      received = body;
      req.socket.destroy();
    };
    const error = (await http()
      .request({ method: 'POST', endpoint: 'POST /people', path: '/people', json: { q: 1 }, subject: 'x' })
      .catch((e: unknown) => e)) as ProviderError;
    expect(received).toBe('{"q":1}');
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ kind: 'unavailable', status: null, maybeDelivered: true });
    expect(error.retryable).toBe(true);
    expect(error.message).toMatch(
      /broke during POST \/people, before an answer came .*\((UND_ERR_SOCKET|ECONNRESET)\).*may have received/,
    );
    expect(calls).toEqual([expect.objectContaining({ status: null, credits: 0, errorKind: 'unavailable' })]);
  });

  it('calls a free call that broke off or timed out one that charged nothing, though it may have reached the provider', async () => {
    handler = (req) => {
      req.socket.destroy();
    };
    const broken = (await http()
      .request({
        method: 'POST',
        endpoint: 'POST /search',
        path: '/search',
        json: {},
        subject: 'x',
        free: true,
      })
      .catch((e: unknown) => e)) as ProviderError;
    expect(broken).toMatchObject({ kind: 'unavailable', status: null, maybeDelivered: false });
    expect(broken.retryable).toBe(true);
    handler = () => undefined;
    const slow = (await http(150)
      .request({ method: 'GET', endpoint: 'GET /status', path: '/status', subject: 'x', free: true })
      .catch((e: unknown) => e)) as ProviderError;
    expect(slow).toMatchObject({ kind: 'timeout', maybeDelivered: false });
  });

  it('calls an answer cut off while its body was read one that may have reached the provider', async () => {
    handler = (req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
      res.write('{"found":');
      setTimeout(() => req.socket.destroy(), 20);
    };
    const error = (await http()
      .request({ method: 'POST', endpoint: 'POST /people', path: '/people', json: {}, subject: 'x' })
      .catch((e: unknown) => e)) as ProviderError;
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ kind: 'unavailable', status: 200, maybeDelivered: true });
    expect(error.message).toContain('while its answer (HTTP 200) to POST /people was being read');
    expect(calls).toEqual([expect.objectContaining({ status: 200, credits: 0, errorKind: 'unavailable' })]);
  });

  it('says an answer read was no transport failure, whatever its status', async () => {
    handler = reply(503, '{}');
    const error = (await http()
      .request({ method: 'GET', endpoint: 'GET /x', path: '/x', subject: 'x' })
      .catch((e: unknown) => e)) as ProviderError;
    expect(error).toMatchObject({ kind: 'unavailable', status: 503, maybeDelivered: false });
  });

  /** A fetch that fails as undici does: a TypeError whose cause carries the system or undici code. */
  const failingWith =
    (code: string | undefined): typeof fetch =>
    () =>
      Promise.reject(
        new TypeError('fetch failed', {
          cause: Object.assign(new Error('network'), code === undefined ? {} : { code }),
        }),
      );

  it.each([
    ['ENOTFOUND', false],
    ['EAI_AGAIN', false],
    ['EHOSTUNREACH', false],
    ['ENETUNREACH', false],
    ['UND_ERR_CONNECT_TIMEOUT', false],
    ['CERT_HAS_EXPIRED', false],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', false],
    ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', false],
    ['ERR_TLS_CERT_ALTNAME_INVALID', false],
    ['ERR_SSL_WRONG_VERSION_NUMBER', false],
    ['ECONNRESET', true],
    ['EPIPE', true],
    ['UND_ERR_SOCKET', true],
    ['ETIMEDOUT', true],
    ['UND_ERR_SOMETHING_NEW', true],
    [undefined, true],
  ])('classifies a fetch failed with %s as possibly delivered: %s', async (code, maybeDelivered) => {
    const failing = new ProviderHttp({
      provider: 'acme',
      label: 'Acme',
      baseUrl,
      secrets: () => [],
      classify: (failure) => classifyByStatus(failure, 'Acme'),
      fetch: failingWith(code),
    });
    const error = (await failing
      .request({ method: 'POST', endpoint: 'POST /x', path: '/x', subject: 'x' })
      .catch((e: unknown) => e)) as ProviderError;
    expect(error).toMatchObject({ kind: 'unavailable', maybeDelivered });
    expect(error.retryable).toBe(true);
  });

  it('calls an unreachable provider unavailable, with nothing delivered', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const closed = new ProviderHttp({
      provider: 'acme',
      label: 'Acme',
      baseUrl: `http://127.0.0.1:${port}`,
      secrets: () => [],
      classify: (failure) => classifyByStatus(failure, 'Acme'),
    });
    const error = (await closed
      .request({ method: 'GET', endpoint: 'GET /x', path: '/x', subject: 'x' })
      .catch((e: unknown) => e)) as ProviderError;
    expect(error.kind).toBe('unavailable');
    expect(error.maybeDelivered).toBe(false);
    expect(error.message).toContain('ECONNREFUSED');
    expect(error.message).toContain('could not be reached');
  });

  it('refuses a base URL with credentials without echoing them', () => {
    expect(
      () =>
        new ProviderHttp({
          provider: 'acme',
          label: 'Acme',
          baseUrl: `https://user:${SECRET}@api.acme.test`,
          secrets: () => [],
          classify: (failure) => classifyByStatus(failure, 'Acme'),
        }),
    ).toThrow(/must not contain credentials/);
  });
});

describe('classifyByStatus', () => {
  const failure = (status: number) => ({
    status,
    body: null,
    text: '',
    headers: new Headers(),
    call: { provider: 'acme', method: 'GET', endpoint: 'GET /x', url: 'u', status, latencyMs: 1 },
    subject: 'x',
    retryAfterMs: null,
  });

  it.each([
    [400, 'bad_request'],
    [401, 'unauthorized'],
    [403, 'forbidden'],
    [404, 'not_found'],
    [422, 'bad_request'],
    [402, 'out_of_credits'],
    [429, 'rate_limited'],
    [500, 'unavailable'],
    [503, 'unavailable'],
    [302, 'invalid_response'],
  ])('maps HTTP %i to %s', (status, kind) => {
    expect(classifyByStatus(failure(status), 'Acme').kind).toBe(kind);
  });
});
