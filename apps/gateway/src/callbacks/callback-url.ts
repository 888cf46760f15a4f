import { isURL, ValidateBy } from 'class-validator';

/**
 * The longest `callback_url` a job may have. Every route that takes one (POST /v1/jobs, its bulk
 * form, POST /v1/enrich/enqueue, POST /v1/imports) applies it: the URL is stored on each job it is
 * given to and sent with each delivery, so a route that skipped the limit stored any length the
 * body limit let through.
 */
export const CALLBACK_URL_MAX_LENGTH = 2048;

/** The OpenAPI schema of `callback_url`, wherever a route takes one. */
export const CALLBACK_URL_SCHEMA = {
  type: 'string',
  format: 'uri',
  maxLength: CALLBACK_URL_MAX_LENGTH,
  example: 'https://crm.example.com/hooks/sluice',
} as const;

const URL_SHAPE = {
  protocols: ['https', 'http'],
  require_protocol: true,
  require_tld: false,
  // The length is checked first, with a message of its own: validator's limit (2084) would call
  // a long URL "not an http(s) URL".
  validate_length: false,
};

/**
 * Why `value` cannot be a job's `callback_url`, in words naming it, or null: not an http(s) URL,
 * or longer than {@link CALLBACK_URL_MAX_LENGTH}. The one shape check of every route that takes a
 * callback URL, so that each accepts and refuses the same URLs with the same message. Which hosts
 * may be called (no private addresses, callbacks enabled) is `WebhookSecrets.checkUrl`'s, after it.
 */
export function callbackUrlProblem(value: unknown): string | null {
  if (typeof value === 'string' && value.length > CALLBACK_URL_MAX_LENGTH) {
    return `callback_url must be shorter than or equal to ${CALLBACK_URL_MAX_LENGTH} characters`;
  }
  if (typeof value !== 'string' || !isURL(value, URL_SHAPE)) {
    return 'callback_url must be an http(s) URL';
  }
  return null;
}

/** {@link callbackUrlProblem} as a class-validator rule, for DTOs. */
export function IsCallbackUrl(): PropertyDecorator {
  return ValidateBy({
    name: 'isCallbackUrl',
    validator: {
      validate: (value: unknown): boolean => callbackUrlProblem(value) === null,
      defaultMessage: (args?: { value: unknown }): string => callbackUrlProblem(args?.value) ?? '',
    },
  });
}
