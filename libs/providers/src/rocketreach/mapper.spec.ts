import complete from './__fixtures__/person-lookup.response.200.complete.docs-example.json';
import account from './__fixtures__/account.response.200.legacy-sdk-example.json';
import unauthorized from './__fixtures__/error.401.docs-example.json';
import type { HttpFailure } from '../http/provider-http';
import { accountBalance, classifyRocketReachFailure, rocketReachErrorText } from './client';
import { lookupState, mapRocketReachProfile } from './mapper';
import type { RocketReachAccount, RocketReachProfile } from './types';
import { createHmac } from 'node:crypto';
import { parseRocketReachWebhook, verifyRocketReachSignature } from './webhook';

describe('RocketReach mapping of the reference examples', () => {
  it('reads a complete lookup, the legacy valid flag as the verdict', () => {
    expect(mapRocketReachProfile(complete as RocketReachProfile)).toMatchObject({
      firstName: 'John',
      lastName: 'Doe',
      title: 'Software Engineer',
      companyName: 'Google',
      emails: [{ email: 'johndoe@google.com', kind: 'work', verdict: 'valid' }],
      phones: [],
    });
  });

  it('maps smtp_valid, personal e-mails and phone types', () => {
    const person = mapRocketReachProfile({
      id: 1,
      status: 'complete',
      name: 'Ann Lee',
      emails: [
        { email: 'ann@gmail.com', type: 'personal', smtp_valid: 'valid', grade: 'A' },
        { email: 'ann@acme.io', type: 'professional', smtp_valid: 'accept-all', grade: 'B' },
      ],
      phones: [
        { number: '+44 7400 123456', type: 'mobile' },
        { e164: '+442071234567', type: 'fax' },
      ],
    });
    expect(person.emails.map((e) => [e.email, e.kind, e.verdict])).toEqual([
      ['ann@acme.io', 'work', 'catch_all'],
      ['ann@gmail.com', 'personal', 'valid'],
    ]);
    expect(person.phones).toEqual([
      { number: '+447400123456', kind: 'mobile', country: 'GB' },
      { number: '+442071234567', kind: 'unknown', country: 'GB' },
    ]);
  });

  it('treats every status but complete and failed as still running', () => {
    expect(['complete', 'failed', 'searching', 'progress', 'waiting', 'not queued'].map(lookupState)).toEqual(
      ['complete', 'failed', 'running', 'running', 'running', 'running'],
    );
  });

  it('reads the legacy account balance, and credit_usage first when present', () => {
    expect(accountBalance(account as RocketReachAccount)).toMatchObject({ remaining: 123, limit: 600 });
    expect(
      accountBalance({
        id: 1,
        lookup_credit_balance: 5,
        credit_usage: [{ credit_type: 'premium_lookup', allocated: 'inf', used: 3, remaining: 'inf' }],
      }),
    ).toMatchObject({ remaining: Number.POSITIVE_INFINITY, limit: null });
  });
});

describe('RocketReach errors in all three body styles', () => {
  const failure = (status: number, body: unknown, retryAfterMs: number | null = null): HttpFailure => ({
    status,
    body,
    text: JSON.stringify(body),
    headers: new Headers(),
    call: {
      provider: 'rocketreach',
      method: 'GET',
      endpoint: 'GET /person/lookup',
      url: 'u',
      status,
      latencyMs: 1,
    },
    subject: 'the person',
    retryAfterMs,
  });

  it('reads message, detail/error and field maps', () => {
    expect(rocketReachErrorText(unauthorized)).toBe('Invalid API Key');
    expect(rocketReachErrorText({ detail: 'Not found.' })).toBe('Not found.');
    expect(rocketReachErrorText({ error: 'bad' })).toBe('bad');
    expect(rocketReachErrorText({ current_employer: ['This field is required with name.'] })).toBe(
      'current_employer: This field is required with name.',
    );
  });

  it.each([
    [400, { name: ['requires current_employer'] }, 'bad_request'],
    [401, unauthorized, 'unauthorized'],
    [402, { detail: 'Insufficient credits' }, 'out_of_credits'],
    [403, { detail: 'You do not have enough lookup credits' }, 'out_of_credits'],
    [403, { detail: 'Your plan does not include this endpoint' }, 'forbidden'],
    [404, { detail: 'Not found.' }, 'not_found'],
    [429, { detail: 'Request was throttled. Expected available in 7 seconds.' }, 'rate_limited'],
    [500, { error: 'boom' }, 'unavailable'],
    [503, null, 'unavailable'],
  ])('maps HTTP %i %j to %s', (status, body, kind) => {
    expect(classifyRocketReachFailure(failure(status, body)).kind).toBe(kind);
  });

  it('waits per Retry-After, else per the throttle message, else a minute', () => {
    const throttled = { detail: 'Request was throttled. Expected available in 7 seconds.' };
    expect(classifyRocketReachFailure(failure(429, throttled, 3000)).retryAfterMs).toBe(3000);
    expect(classifyRocketReachFailure(failure(429, throttled)).retryAfterMs).toBe(7000);
    expect(classifyRocketReachFailure(failure(429, {})).retryAfterMs).toBe(60_000);
  });
});

describe('RocketReach webhooks', () => {
  const body = JSON.stringify([{ id: 5244, status: 'complete', name: 'John Doe' }]);
  const signature = createHmac('sha256', 'hook-secret').update(body).digest('base64');

  it('accepts its own signature over the raw body and nothing else', () => {
    expect(verifyRocketReachSignature(body, signature, 'hook-secret')).toBe(true);
    expect(verifyRocketReachSignature(`${body} `, signature, 'hook-secret')).toBe(false);
    expect(verifyRocketReachSignature(body, signature, 'other-secret')).toBe(false);
    expect(verifyRocketReachSignature(body, undefined, 'hook-secret')).toBe(false);
    expect(verifyRocketReachSignature(body, 'not base64 at all', 'hook-secret')).toBe(false);
  });

  it('reads one profile or a bulk list, and refuses what is not a profile', () => {
    expect(parseRocketReachWebhook(JSON.parse(body))).toHaveLength(1);
    expect(parseRocketReachWebhook({ id: 1, status: 'complete' })).toHaveLength(1);
    expect(() => parseRocketReachWebhook([{ name: 'x' }])).toThrow(/not a profile/);
    expect(() => parseRocketReachWebhook([])).toThrow(/at least one/);
  });
});
