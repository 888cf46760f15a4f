import { normalizeEmail } from '@sluice/enrichment';
import { type ProviderError } from '../errors';
import {
  classifyByStatus,
  ProviderHttp,
  type ProviderCallHooks,
  type HttpFailure,
} from '../http/provider-http';
import { isRecord } from '../json';
import type { CapabilityResult, EmailVerification, ProviderAdapter } from '../port';
import { EMAIL_VERIFIER } from './descriptor';
import { mapReacherVerdict } from './mapper';
import type { ReacherCheckEmailOutput } from './types';

const LABEL = 'E-mail verifier';
const ENDPOINT = 'POST /v0/check_email';
/** SMTP checks take seconds; Reacher's own clients wait up to a minute. */
const DEFAULT_TIMEOUT_MS = 60_000;
const VERDICTS = new Set(['safe', 'risky', 'invalid', 'unknown']);

export interface EmailVerifierOptions extends ProviderCallHooks {
  /** A self-hosted Reacher (`http://reacher:8080`) or `https://api.reacher.email`; `/v0/check_email` is appended. */
  baseUrl: string;
  /** Sent as `x-reacher-secret` (self-hosted) and `Authorization` (Reacher's SaaS). */
  apiKey: string;
  /** @defaultValue 60000 */
  timeoutMs?: number;
  /** @defaultValue the global `fetch` */
  fetch?: typeof fetch;
}

export function classifyVerifierFailure(failure: HttpFailure): {
  kind: ProviderError['kind'];
  message: string;
  retryAfterMs?: number | null;
} {
  const detail = isRecord(failure.body) && typeof failure.body.error === 'string' ? failure.body.error : '';
  if (failure.status === 429 && /quota|month/i.test(detail)) {
    return {
      kind: 'out_of_credits',
      message: `${LABEL} quota used up (${detail}); wait for the renewal or raise the plan.`,
    };
  }
  if (failure.status === 401 || failure.status === 403) {
    return {
      kind: 'unauthorized',
      message: `${LABEL} refused the secret (HTTP ${failure.status}); check EMAIL_VERIFIER_API_KEY.`,
    };
  }
  return classifyByStatus(failure, LABEL, detail);
}

/** E-mail verification over Reacher's API, so a self-hosted Reacher plugs in. */
export class EmailVerifierAdapter implements ProviderAdapter {
  readonly descriptor = EMAIL_VERIFIER;
  private readonly http: ProviderHttp;

  constructor(private readonly options: EmailVerifierOptions) {
    if (!options.apiKey) {
      throw new Error('EmailVerifierAdapter needs a secret: configure EMAIL_VERIFIER_API_KEY.');
    }
    this.http = new ProviderHttp({
      provider: EMAIL_VERIFIER.name,
      label: LABEL,
      baseUrl: options.baseUrl,
      timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      fetch: options.fetch,
      onCall: options.onCall,
      beforeRequest: options.beforeRequest,
      secrets: () => [options.apiKey],
      classify: classifyVerifierFailure,
    });
  }

  /** One verification, 1 credit whatever the verdict. */
  async verifyEmail(email: string): Promise<CapabilityResult<EmailVerification, ReacherCheckEmailOutput>> {
    const address = normalizeEmail(email);
    if (!address) {
      throw this.http.refused(ENDPOINT, `${JSON.stringify(email)} is not an e-mail address.`);
    }
    const { body, call } = await this.http.request({
      method: 'POST',
      endpoint: ENDPOINT,
      path: '/v0/check_email',
      headers: { 'x-reacher-secret': this.options.apiKey, Authorization: this.options.apiKey },
      json: { to_email: address },
      subject: address,
      charge: () => EMAIL_VERIFIER.capabilities.verify_email?.credits ?? 1,
    });
    if (
      !isRecord(body) ||
      typeof body.is_reachable !== 'string' ||
      !VERDICTS.has(body.is_reachable) ||
      !isRecord(body.smtp)
    ) {
      throw this.http.reportInvalid(
        this.http.invalidResponse(call, 'an answer without a known is_reachable', body),
      );
    }
    const raw = body as unknown as ReacherCheckEmailOutput;
    return { data: { status: 'hit', data: mapReacherVerdict(raw), credits: 1 }, raw, call, rateLimit: null };
  }
}
