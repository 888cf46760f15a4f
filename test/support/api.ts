import { TEST_ADMIN_TOKEN } from './stack';

export interface ApiAnswer<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: Headers;
}

/** A small typed client for the public API. */
export async function call<T = Record<string, unknown>>(
  baseUrl: string,
  method: string,
  path: string,
  options: {
    token?: string;
    body?: unknown;
    rawBody?: string;
    headers?: Record<string, string>;
    /** How long the answer may take (15 s unless said). */
    timeoutMs?: number;
  } = {},
): Promise<ApiAnswer<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) {
    headers.authorization = `Bearer ${options.token}`;
  }
  let body: string | undefined;
  if (options.rawBody !== undefined) {
    body = options.rawBody;
    headers['content-type'] ??= 'application/json';
  } else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] = 'application/json';
  }
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers,
    body,
    signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, body: parsed as T, headers: response.headers };
}

export async function createWorkspace(
  gatewayUrl: string,
  name: string,
  tier?: 'free' | 'standard' | 'premium',
): Promise<{ id: string; apiKey: string; webhookSecret: string | null }> {
  const answer = await call<{ workspace: { id: string }; api_key: string; webhook_secret: string | null }>(
    gatewayUrl,
    'POST',
    '/v1/admin/workspaces',
    {
      token: TEST_ADMIN_TOKEN,
      body: tier ? { name, tier } : { name },
    },
  );
  if (answer.status !== 201) {
    throw new Error(`creating workspace failed: ${answer.status} ${JSON.stringify(answer.body)}`);
  }
  return {
    id: answer.body.workspace.id,
    apiKey: answer.body.api_key,
    webhookSecret: answer.body.webhook_secret,
  };
}
