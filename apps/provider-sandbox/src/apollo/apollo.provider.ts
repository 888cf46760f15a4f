import type { Request } from 'express';
import type { RateWindowView, SimulatedProvider, SimulatedReply } from '../simulation/simulated-provider';

export const APOLLO_PREFIX = 'apollo/api/v1';

export function apolloFailure(status: number, errorCode: string, errorMessage: string): SimulatedReply {
  return { status, body: { status: 'failed', error_code: errorCode, error_message: errorMessage } };
}

/**
 * Apollo (provider-apis.md §4): `x-api-key`, a text/plain 401, `{status: "failed", error_code,
 * error_message}` refusals, a 429 `{message}` naming the hourly limit. Apollo documents no
 * out-of-credits answer; the sandbox answers 422 `INSUFFICIENT_CREDITS` in its refusal style.
 */
export const apollo: SimulatedProvider = {
  name: 'apollo',
  prefix: APOLLO_PREFIX,
  usesCredits: true,
  defaults: {
    credits: 1000,
    latency_ms: 0,
    error_rate: 0,
    reset_rate: 0,
    outage: false,
    rate_limit: { limit: 600, window_seconds: 3600 },
    task_delay_ms: 200,
  },
  authenticate(request: Request) {
    const header = request.headers['x-api-key'];
    const key = (Array.isArray(header) ? header[0] : header) ?? '';
    if (!key.startsWith('sandbox-')) {
      return {
        reply: {
          status: 401,
          body: null,
          raw: {
            contentType: 'text/plain',
            text: 'Invalid API key. See https://docs.apollo.io/reference/authentication for how to authenticate.',
          },
        },
      };
    }
    return { key };
  },
  rateLimitHeaders: (window: RateWindowView) => ({
    'x-rate-limit-hourly': String(window.limit),
    'x-hourly-usage': String(window.limit - window.remaining),
    'x-hourly-requests-left': String(window.remaining),
  }),
  rateLimited: (window) => ({
    status: 429,
    body: {
      message: `The maximum number of api calls allowed for api/v1/people/match is ${window.limit} times per hour. Please upgrade your plan from https://app.apollo.io/#/settings/plans/upgrade.`,
    },
    headers: { 'retry-after': String(Math.max(1, window.resetsAt - Math.floor(Date.now() / 1000))) },
  }),
  unavailable: () => apolloFailure(503, 'SERVICE_UNAVAILABLE', 'Service unavailable'),
  internalError: () => apolloFailure(500, 'UNKNOWN_ERROR', 'Something went wrong'),
  outOfCredits: () =>
    apolloFailure(422, 'INSUFFICIENT_CREDITS', 'You have insufficient credits for this request'),
};
