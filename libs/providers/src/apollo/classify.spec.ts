import missing from './__fixtures__/people-bulk-match.error.400.missing-details.json';
import limit from './__fixtures__/people-bulk-match.error.400.record-limit-exceeded.json';
import tooMany from './__fixtures__/people-match.error.429.json';
import pending from './__fixtures__/webhook-result.404.result-pending.json';
import unauthorized from './__fixtures__/error.401.text-plain-body.json';
import type { HttpFailure } from '../http/provider-http';
import { classifyApolloFailure, pollAfterMsOf } from './client';

const failure = (status: number, body: unknown, retryAfterMs: number | null = null): HttpFailure => ({
  status,
  body: typeof body === 'string' ? null : body,
  text: typeof body === 'string' ? body : JSON.stringify(body),
  headers: new Headers(),
  call: {
    provider: 'apollo',
    method: 'POST',
    endpoint: 'POST /people/match',
    url: 'u',
    status,
    latencyMs: 1,
  },
  subject: 'the person',
  retryAfterMs,
});

describe('classifyApolloFailure, on the reference examples', () => {
  it.each([
    ['the text/plain 401', 401, unauthorized, 'unauthorized'],
    ['a missing-details 400', 400, missing, 'bad_request'],
    ['a record-limit 400', 400, limit, 'bad_request'],
    ['the hourly 429', 429, tooMany, 'rate_limited'],
    ['a pending result', 404, pending, 'not_found'],
    ['an API_INACCESSIBLE 403', 403, { error: 'no access', error_code: 'API_INACCESSIBLE' }, 'forbidden'],
    ['an expired result', 410, { error_code: 'request_id_expired' }, 'not_found'],
    ['a 503', 503, null, 'unavailable'],
  ])('maps %s to %s', (_case, status, body, kind) => {
    expect(classifyApolloFailure(failure(status, body)).kind).toBe(kind);
  });

  it("keeps the 429's message and waits a minute without Retry-After", () => {
    const mapped = classifyApolloFailure(failure(429, tooMany));
    expect(mapped.message).toContain('600 times per hour');
    expect(mapped.retryAfterMs).toBe(60_000);
  });
});

describe('pollAfterMsOf, the wait a pending result asks for', () => {
  it("reads the reference example's retry_after_seconds", () => {
    expect(pollAfterMsOf(pending)).toBe(10_000);
  });

  it('names no wait for an answer without a usable one', () => {
    expect(pollAfterMsOf({ error_code: 'result_pending' })).toBeNull();
    expect(pollAfterMsOf({ error_code: 'result_pending', retry_after_seconds: 0 })).toBeNull();
    expect(pollAfterMsOf({ error_code: 'result_pending', retry_after_seconds: 'soon' })).toBeNull();
    expect(pollAfterMsOf({ error_code: 'result_pending', retry_after_seconds: '2.5' })).toBe(2500);
  });
});
