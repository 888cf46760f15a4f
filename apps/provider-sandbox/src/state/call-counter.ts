import { createHash } from 'node:crypto';

export interface CallCounts {
  total: number;
  /** Keyed by the provider's real method and path template, e.g. `GET /company/{company_number}`. */
  by_endpoint: Record<string, number>;
  /** When the most recent calls arrived (ms since the epoch, oldest first; the last 5,000 kept). */
  recent: number[];
  /**
   * Authenticated calls per credential, keyed by {@link credentialTag} (never the credential itself),
   * as a provider's dashboard shows usage per API key.
   */
  by_credential: Record<string, number>;
  /**
   * Calls refused with the provider's rate-limit answer (429), by endpoint as in `by_endpoint`: what
   * a provider would hold against a client that does not keep to its limits.
   */
  rate_limited: Record<string, number>;
}

/** How `by_credential` names a credential: the first 12 hex digits of its SHA-256. */
export function credentialTag(credential: string): string {
  return createHash('sha256').update(credential).digest('hex').slice(0, 12);
}

const RECENT_KEPT = 5000;

/** How often each endpoint of one provider was called, failed calls included. */
export class CallCounter {
  private total = 0;
  private readonly byEndpoint = new Map<string, number>();
  private recent: number[] = [];
  private readonly byCredential = new Map<string, number>();
  private readonly rateLimited = new Map<string, number>();

  record(endpoint: string, at = Date.now()): void {
    this.total += 1;
    this.recent.push(at);
    if (this.recent.length > RECENT_KEPT * 2) {
      this.recent = this.recent.slice(-RECENT_KEPT);
    }
    this.byEndpoint.set(endpoint, (this.byEndpoint.get(endpoint) ?? 0) + 1);
  }

  /** Counts a call that authenticated with `credential` (an API key, or an OAuth client's id). */
  recordCredential(credential: string): void {
    const tag = credentialTag(credential);
    this.byCredential.set(tag, (this.byCredential.get(tag) ?? 0) + 1);
  }

  /** Counts a call (already {@link record}ed) that the provider's rate limit refused. */
  recordRateLimited(endpoint: string): void {
    this.rateLimited.set(endpoint, (this.rateLimited.get(endpoint) ?? 0) + 1);
  }

  snapshot(): CallCounts {
    return {
      total: this.total,
      by_endpoint: sortedByEndpoint(this.byEndpoint),
      recent: this.recent.slice(-RECENT_KEPT),
      by_credential: Object.fromEntries(this.byCredential),
      rate_limited: sortedByEndpoint(this.rateLimited),
    };
  }
}

function sortedByEndpoint(counts: ReadonlyMap<string, number>): Record<string, number> {
  const sorted: Record<string, number> = {};
  for (const [endpoint, count] of [...counts.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    sorted[endpoint] = count;
  }
  return sorted;
}
