import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { createSandboxApp } from '../sandbox';

/** A sandbox on a free local port, for integration specs. */
export interface TestSandbox {
  app: INestApplication;
  url: string;
  /** `fetch` against the sandbox. */
  request(path: string, init?: RequestInit): Promise<Response>;
  /** A JSON body to the sandbox (e.g. an admin PATCH). */
  send(method: string, path: string, body: unknown): Promise<Response>;
  close(): Promise<void>;
}

export async function startTestSandbox(
  options: { seed?: number; worldSize?: number } = {},
): Promise<TestSandbox> {
  const app = await createSandboxApp({ seed: options.seed ?? 20261122, worldSize: options.worldSize ?? 500 });
  await app.listen(0, '127.0.0.1');
  const { port } = (app.getHttpServer() as Server).address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  const request = (path: string, init: RequestInit = {}): Promise<Response> =>
    fetch(`${url}${path}`, { ...init, signal: AbortSignal.timeout(15_000) });
  return {
    app,
    url,
    request,
    send: (method, path, body) =>
      request(path, {
        method,
        headers: { 'content-type': 'application/json' },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      }),
    close: () => app.close(),
  };
}

/** Companies House credentials: the key as the Basic user name, empty password. */
export function basicAuth(key: string): Record<string, string> {
  return { authorization: `Basic ${Buffer.from(`${key}:`).toString('base64')}` };
}
