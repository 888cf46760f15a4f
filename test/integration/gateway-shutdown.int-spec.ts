import { connect, type Socket } from 'node:net';
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

/** A raw HTTP/1.1 exchange: what the server sent, and a promise of its end (closed, or reset). */
function rawRequest(
  url: string,
  head: string,
): { socket: Socket; received: () => string; ended: Promise<string> } {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise<string>((resolve) => {
    socket.once('error', (error) => resolve(`error: ${error.message}`));
    socket.once('close', () => resolve('closed'));
  });
  socket.write(head);
  return { socket, received: () => Buffer.concat(chunks).toString('utf8'), ended };
}

/** The status and JSON body of a raw answer (Content-Length or chunked). */
function answerOf(text: string): { status: number; body: Record<string, unknown> } {
  const [head, ...rest] = text.split('\r\n\r\n');
  const status = Number(/^HTTP\/1\.1 (\d+)/.exec(head)?.[1] ?? 0);
  let body = rest.join('\r\n\r\n');
  if (/transfer-encoding: chunked/i.test(head)) {
    let plain = '';
    for (let at = 0; ;) {
      const eol = body.indexOf('\r\n', at);
      const size = Number.parseInt(body.slice(at, eol), 16);
      if (!size) {
        break;
      }
      plain += body.slice(eol + 2, eol + 2 + size);
      at = eol + 2 + size + 2;
    }
    body = plain;
  }
  try {
    return { status, body: JSON.parse(body) as Record<string, unknown> };
  } catch {
    return { status, body: { raw: body } };
  }
}

/**
 * A gateway replica sent SIGTERM while a CSV upload is under way (its client sends slowly) and an
 * export is being downloaded by a client that reads slowly: neither holds the shutdown until its
 * deadline. The import stops between two rows, is answered 503 with the import, failed and
 * resumable, its committed rows kept (the same file sent again with `resume` imports the rest);
 * the download is cut short (not ended as if complete), so the client downloads it again.
 */
describe('a gateway shut down during an import upload and an export download', () => {
  let ctx: Awaited<ReturnType<typeof setUp>>;
  let gateway: WorkerProcess | undefined;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    ctx = await setUp({}, { worker: false });
  }, 120_000);
  afterEach(async () => {
    sockets.forEach((socket) => socket.destroy());
    await gateway?.kill();
    gateway = undefined;
  });
  afterAll(async () => {
    await tearDown(ctx);
  });

  it('answers the import 503, resumable, cuts the download, and exits by the signal', async () => {
    const workspace = await createWorkspace(ctx.stack.gatewayUrl, 'Shutdown Uploads Ltd');
    const { apiKey } = workspace;
    // An export far larger than the socket buffers between the gateway and a client that stops
    // reading (about 40 MB: JSON Lines carry each job's whole input; a CSV carries only the input
    // fields it has columns for, a few MB that the buffers can hold): the gateway is left waiting
    // to write the rest.
    await ctx.db.dataSource.query(
      `INSERT INTO enrichment_requests (workspace_id, type, input, correlation_id, status, completed_at)
       SELECT $1, 'email.verify', jsonb_build_object('email', 'p' || n || '@example.com', 'note', repeat('x', 2000)),
              gen_random_uuid()::text, 'completed', now()
         FROM generate_series(1, 20000) AS n`,
      [workspace.id],
    );
    const saved = await call<{ id: string; url: string }>(ctx.stack.gatewayUrl, 'POST', '/v1/exports', {
      token: apiKey,
      body: { format: 'jsonl' },
    });
    expect(saved.status).toBe(201);

    gateway = await startAppProcess(
      'gateway',
      {
        ...ctx.stack.env,
        SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS),
        IMPORT_CHUNK_SIZE: '2',
        EXPORT_STALL_TIMEOUT_MS: '120000',
      },
      { captureOutput: true },
    );
    const { host } = new URL(gateway.url);

    // The upload: a header and five rows (two chunks of two committed, one row read), then nothing.
    const rows = ['email', ...[1, 2, 3, 4, 5].map((n) => `upload${n}@example.com`)];
    const chunk = (text: string): string => `${Buffer.byteLength(text).toString(16)}\r\n${text}\r\n`;
    const upload = rawRequest(
      gateway.url,
      `POST /v1/imports?type=email.verify&reference=shutdown-upload HTTP/1.1\r\nHost: ${host}\r\n` +
        `Authorization: Bearer ${apiKey}\r\nContent-Type: text/csv\r\nTransfer-Encoding: chunked\r\n\r\n` +
        chunk(`${rows.join('\n')}\n`),
    );
    sockets.push(upload.socket);
    const running = await eventually(
      async () => {
        const listed = await call<{ data: { id: string; status: string; rows_committed: number }[] }>(
          ctx.stack.gatewayUrl,
          'GET',
          '/v1/imports?reference=shutdown-upload',
          { token: apiKey },
        );
        const [found] = listed.body.data;
        return found?.rows_committed === 4 ? found : null;
      },
      { what: 'the upload to commit its first rows' },
    );

    // The download: its answer starts, then the client reads nothing more.
    const download = rawRequest(
      gateway.url,
      `GET ${saved.body.url} HTTP/1.1\r\nHost: ${host}\r\nAuthorization: Bearer ${apiKey}\r\n\r\n`,
    );
    sockets.push(download.socket);
    await eventually(() => Promise.resolve(download.received().startsWith('HTTP/1.1 200')), {
      what: 'the download to start',
    });
    download.socket.pause();
    await new Promise((resolve) => setTimeout(resolve, 500));

    const signalled = Date.now();
    const terminated = gateway.terminate(SHUTDOWN_TIMEOUT_MS + SLACK_MS);
    // The client that stopped reading reads on: what it gets ends short of the last chunk.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    download.socket.resume();
    const { inTime, lines } = await terminated;
    const tookMs = Date.now() - signalled;
    const uploadEnd = await upload.ended;
    const answered = answerOf(upload.received());
    expect({
      inTime,
      signal: gateway.child.signalCode,
      exitCode: gateway.child.exitCode,
      forced: lines.filter((line) => line.includes('"context":"Shutdown"')),
      upload: uploadEnd,
      import: answered.status,
      download: await download.ended,
      downloadComplete: download.received().endsWith('\r\n0\r\n\r\n'),
    }).toEqual({
      inTime: true,
      signal: 'SIGTERM',
      exitCode: null,
      forced: [],
      upload: 'closed',
      import: 503,
      download: 'closed',
      downloadComplete: false,
    });
    expect(tookMs).toBeLessThan(SHUTDOWN_TIMEOUT_MS);
    expect(answered.body.import).toMatchObject({
      id: running.id,
      status: 'failed',
      resumable: true,
      rows_committed: 4,
      rows_accepted: 4,
    });
    expect(String(answered.body.message)).toMatch(/shutting down.*resume=/);

    // The same file sent again, to another replica, with resume: the rest is imported.
    const resumed = await fetch(
      `${ctx.stack.gatewayUrl}/v1/imports?type=email.verify&reference=shutdown-upload&resume=${running.id}`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'text/csv' },
        body: `${rows.join('\n')}\n`,
      },
    );
    expect(resumed.status).toBe(201);
    expect(await resumed.json()).toMatchObject({
      status: 'completed',
      resumed_from: running.id,
      rows_skipped: 4,
      rows_accepted: 1,
    });
  }, 180_000);
});

/**
 * A shutdown that a request does hold past its deadline (here an import form whose client stopped
 * before its file part, and a JSON body still arriving) is forced, and its log line names the open
 * HTTP requests, how many and on which routes (templates, never URLs), as the cause: not only the
 * queues and the pool that the forced exit closed.
 */
describe('a gateway whose shutdown open requests hold past its deadline', () => {
  let ctx: Awaited<ReturnType<typeof setUp>>;
  let gateway: WorkerProcess | undefined;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    ctx = await setUp({}, { worker: false });
  }, 120_000);
  afterAll(async () => {
    sockets.forEach((socket) => socket.destroy());
    await gateway?.kill();
    await tearDown(ctx);
  });

  it('names the open requests by route in the forced-shutdown line', async () => {
    const { apiKey } = await createWorkspace(ctx.stack.gatewayUrl, 'Held Shutdown Ltd');
    const timeoutMs = 3000;
    gateway = await startAppProcess(
      'gateway',
      { ...ctx.stack.env, SHUTDOWN_TIMEOUT_MS: String(timeoutMs) },
      { captureOutput: true },
    );
    const { host } = new URL(gateway.url);
    const boundary = 'held-form';
    const form = rawRequest(
      gateway.url,
      `POST /v1/imports HTTP/1.1\r\nHost: ${host}\r\nAuthorization: Bearer ${apiKey}\r\n` +
        `Content-Type: multipart/form-data; boundary=${boundary}\r\nTransfer-Encoding: chunked\r\n\r\n`,
    );
    const field = `--${boundary}\r\nContent-Disposition: form-data; name="type"\r\n\r\nemail.verify\r\n`;
    form.socket.write(`${Buffer.byteLength(field).toString(16)}\r\n${field}\r\n`);
    const body = rawRequest(
      gateway.url,
      `POST /v1/jobs HTTP/1.1\r\nHost: ${host}\r\nAuthorization: Bearer ${apiKey}\r\n` +
        `Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"type":`,
    );
    sockets.push(form.socket, body.socket);
    await new Promise((resolve) => setTimeout(resolve, 1000));

    const { inTime, closed, lines } = await gateway.terminate(timeoutMs + SLACK_MS);
    const forced = lines
      .filter((line) => line.includes('"context":"Shutdown"'))
      .map((line) => JSON.parse(line) as { notClosed: string[]; openRequests?: Record<string, number> });
    expect({ inTime, closed, exitCode: gateway.child.exitCode }).toEqual({
      inTime: true,
      closed: true,
      exitCode: 1,
    });
    expect(forced).toHaveLength(1);
    expect(forced[0].notClosed[0]).toBe('HTTP server (2 request(s) still open)');
    expect(forced[0].openRequests).toEqual({ 'POST /v1/imports': 1, 'POST (not routed yet)': 1 });
  }, 120_000);
});
