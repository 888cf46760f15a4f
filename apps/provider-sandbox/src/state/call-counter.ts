export interface CallCounts {
  total: number;
  /** Keyed by the provider's real method and path template, e.g. `GET /company/{company_number}`. */
  by_endpoint: Record<string, number>;
}

/** How often each endpoint of one provider was called, failed calls included. */
export class CallCounter {
  private total = 0;
  private readonly byEndpoint = new Map<string, number>();

  record(endpoint: string): void {
    this.total += 1;
    this.byEndpoint.set(endpoint, (this.byEndpoint.get(endpoint) ?? 0) + 1);
  }

  snapshot(): CallCounts {
    const byEndpoint: Record<string, number> = {};
    for (const [endpoint, count] of [...this.byEndpoint.entries()].sort(([a], [b]) => a.localeCompare(b))) {
      byEndpoint[endpoint] = count;
    }
    return { total: this.total, by_endpoint: byEndpoint };
  }
}
