import { createServer, type Server } from 'node:http';
import { Writable } from 'node:stream';
import pino from 'pino';
import { pinoHttp } from 'pino-http';
import { loggableUrl, loggerParams, withoutStatusError } from './logger';

describe('loggableUrl', () => {
  it('hides the values of secret query parameters, however the name is escaped', () => {
    const callback = encodeURIComponent('https://hooks.example.com/in?token=CBTOKEN-42');
    expect(loggableUrl(`/v1/imports?type=person.email&callback_url=${callback}&priority=bulk`)).toBe(
      '/v1/imports?type=person.email&callback_url=***&priority=bulk',
    );
    expect(loggableUrl('/v1/x?callback%5Furl=secret&Token=abc&page=2')).toBe(
      '/v1/x?callback%5Furl=***&Token=***&page=2',
    );
    expect(loggableUrl('/v1/x?%E0%A4%A=1&key=abc')).toBe('/v1/x?%E0%A4%A=1&key=***');
  });

  it('hides the identifiers a person is erased by', () => {
    expect(loggableUrl('/v1/persons?email=jane.doe%40example.com')).toBe('/v1/persons?email=***');
    expect(loggableUrl('/v1/persons?linkedin_url=https%3A%2F%2Fwww.linkedin.com%2Fin%2Fjane-doe')).toBe(
      '/v1/persons?linkedin_url=***',
    );
    expect(loggableUrl('/v1/persons?Email=jane.doe%40example.com&dry_run=1')).toBe(
      '/v1/persons?Email=***&dry_run=1',
    );
  });

  it('hides a token in the path and leaves ids and plain URLs alone', () => {
    const token = 'ab'.repeat(32);
    expect(loggableUrl(`/webhooks/snov/${token}`)).toBe('/webhooks/snov/***');
    expect(loggableUrl(`/webhooks/apollo/${token}?x=1`)).toBe('/webhooks/apollo/***?x=1');
    const plain = '/v1/jobs/6f1c2a4e-8b1d-4c55-9d0e-3a2b1c0d9e8f?status=queued';
    expect(loggableUrl(plain)).toBe(plain);
    expect(loggableUrl('/health')).toBe('/health');
  });
});

describe('the access line of a 5xx answer', () => {
  let server: Server;
  const lines: Record<string, unknown>[] = [];

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        done();
      },
    });
    const log = pinoHttp({ logger: pino(sink), customErrorObject: withoutStatusError });
    server = createServer((request, response) => {
      log(request, response);
      if (request.url === '/thrown') {
        response.err = new Error('the handler failed');
      }
      response.statusCode = request.url === '/busy' ? 503 : 500;
      response.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("carries no stack of pino-http's own making, and keeps an error the response carries", async () => {
    const { port } = server.address() as { port: number };
    expect((await fetch(`http://127.0.0.1:${port}/busy`)).status).toBe(503);
    expect((await fetch(`http://127.0.0.1:${port}/thrown`)).status).toBe(500);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ msg: 'request errored', res: { statusCode: 503 } });
    expect(lines[0]).not.toHaveProperty('err');
    expect(JSON.stringify(lines[0])).not.toContain('stack');
    expect(lines[1]).toMatchObject({ res: { statusCode: 500 }, err: { message: 'the handler failed' } });
    // Every app's access log uses it.
    const [options] = loggerParams({ app: 'gateway', level: 'info' }).pinoHttp as [Record<string, unknown>];
    expect(options.customErrorObject).toBe(withoutStatusError);
  });
});
