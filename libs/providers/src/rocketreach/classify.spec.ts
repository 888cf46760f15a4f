import type { HttpFailure } from '../http/provider-http';
import unauthorized from './__fixtures__/error.401.docs-example.json';
import { classifyRocketReachFailure, rocketReachErrorText } from './classify';

const failure = (status: number, body: unknown, retryAfterMs: number | null = null): HttpFailure => ({
  status,
  body,
  text: body === null ? '' : JSON.stringify(body),
  headers: new Headers(),
  call: {
    provider: 'rocketreach',
    method: 'GET',
    endpoint: 'GET /person/lookup',
    url: 'https://api.rocketreach.co/api/v2/person/lookup',
    status,
    latencyMs: 1,
  },
  subject: 'the person',
  retryAfterMs,
});

describe('rocketReachErrorText', () => {
  it('reads each body style: {status,message}, {detail}, {error}, a field map, plain text', () => {
    expect(rocketReachErrorText(unauthorized)).toBe('Invalid API Key');
    expect(rocketReachErrorText({ detail: 'Not found.' })).toBe('Not found.');
    expect(rocketReachErrorText({ error: 'Internal server error' })).toBe('Internal server error');
    expect(
      rocketReachErrorText({ current_employer: ['This field is required.'], start: ['Too big.', 'Really.'] }),
    ).toBe('current_employer: This field is required.; start: Too big. Really.');
    expect(rocketReachErrorText(null, ' Bad Gateway ')).toBe('Bad Gateway');
  });
});

describe('classifyRocketReachFailure', () => {
  it.each([
    [400, { name: ['current_employer is required with name.'] }, 'bad_request'],
    [400, { detail: 'Malformed query.' }, 'bad_request'],
    [400, { error: 'Not enough credits for this lookup type.' }, 'out_of_credits'],
    [401, unauthorized, 'unauthorized'],
    [401, { detail: 'Authentication credentials were not provided.' }, 'unauthorized'],
    [402, { detail: 'insufficient_credits' }, 'out_of_credits'],
    [403, { detail: 'You do not have enough lookup credits to perform this action.' }, 'out_of_credits'],
    [403, { status: 403, message: 'This API key is not allowed for this endpoint.' }, 'forbidden'],
    [404, { detail: 'Not found.' }, 'not_found'],
    [404, { status: 404, message: 'Profile not found' }, 'not_found'],
    [429, { detail: 'Request was throttled. Expected available in 7 seconds.' }, 'rate_limited'],
    [500, { error: 'Internal server error' }, 'unavailable'],
    [502, null, 'unavailable'],
    [503, { detail: 'Service temporarily unavailable.' }, 'unavailable'],
  ])('maps HTTP %i %j to %s', (status, body, kind) => {
    expect(classifyRocketReachFailure(failure(status, body)).kind).toBe(kind);
  });

  it('waits per Retry-After first, then per the throttle message, then a whole minute', () => {
    const throttled = { detail: 'Request was throttled. Expected available in 7 seconds.' };
    expect(classifyRocketReachFailure(failure(429, throttled, 3000)).retryAfterMs).toBe(3000);
    expect(classifyRocketReachFailure(failure(429, throttled)).retryAfterMs).toBe(7000);
    expect(
      classifyRocketReachFailure(failure(429, { detail: 'Expected available in 1 second.' })).retryAfterMs,
    ).toBe(1000);
    expect(classifyRocketReachFailure(failure(429, {})).retryAfterMs).toBe(60_000);
  });

  it('says what to do, with RocketReach’s own words', () => {
    expect(classifyRocketReachFailure(failure(401, unauthorized)).message).toMatch(
      /Invalid API Key.*check ROCKETREACH_API_KEY/,
    );
    expect(classifyRocketReachFailure(failure(402, { detail: 'insufficient_credits' })).message).toMatch(
      /buy credits or wait/,
    );
  });
});
