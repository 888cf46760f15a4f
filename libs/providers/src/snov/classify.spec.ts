import type { HttpFailure } from '../http/provider-http';
import { classifySnovFailure } from './client';

const failure = (status: number, body: unknown, retryAfterMs: number | null = null): HttpFailure => ({
  status,
  body,
  text: JSON.stringify(body),
  headers: new Headers(),
  call: { provider: 'snov', method: 'GET', endpoint: 'GET /v1/get-balance', url: 'u', status, latencyMs: 1 },
  subject: 'the balance',
  retryAfterMs,
});

describe('classifySnovFailure', () => {
  it.each([
    [400, { success: false, errors: 'domain is required' }, 'bad_request'],
    [401, { success: false, errors: 'Invalid access token' }, 'unauthorized'],
    [402, { success: false, errors: 'Not enough credits' }, 'out_of_credits'],
    [400, { success: false, message: 'You have no credits left' }, 'out_of_credits'],
    [403, { success: false, errors: 'Insufficient permissions for this API' }, 'forbidden'],
    [404, { success: false, errors: 'No task' }, 'not_found'],
    [429, { success: false, errors: 'Too many requests' }, 'rate_limited'],
    [500, null, 'unavailable'],
    [503, { success: false, errors: 'down' }, 'unavailable'],
  ])('maps HTTP %i %j to %s', (status, body, kind) => {
    expect(classifySnovFailure(failure(status, body)).kind).toBe(kind);
  });

  it('waits at least a second after a 429 without Retry-After, and honours one when given', () => {
    expect(classifySnovFailure(failure(429, null)).retryAfterMs).toBe(1000);
    expect(classifySnovFailure(failure(429, null, 7000)).retryAfterMs).toBe(7000);
  });
});
