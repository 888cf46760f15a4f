import { Injectable } from '@nestjs/common';
import { GatewayConfig } from '@sluice/config';
import type { WorkspaceRateLimits } from '@sluice/db';

/** What authenticating a key needs to know of it and its workspace. */
export interface KnownKey {
  id: string;
  workspace_id: string;
  scopes: string[];
  tier: string;
  rate_limits: WorkspaceRateLimits | null;
}

/** Entries kept at most; the oldest go first (a Map iterates in insertion order). */
const MAX_ENTRIES = 10_000;

/**
 * Valid API keys this gateway has looked up recently, by key hash, for API_KEY_CACHE_MS: every
 * request authenticates, and a PostgreSQL round trip per request would cost more than serving an
 * answer from the cache. Revoking a key or changing its workspace's limits through this gateway
 * forgets it at once; other replicas see the change within API_KEY_CACHE_MS. Unknown keys are never
 * cached. Hand-written: a bounded Map with a deadline per entry is all it needs.
 */
@Injectable()
export class ApiKeyCache {
  private readonly entries = new Map<string, { key: KnownKey; until: number }>();
  private readonly loading = new Map<string, Promise<KnownKey | null>>();

  constructor(private readonly config: GatewayConfig) {}

  get(hash: string): KnownKey | null {
    const entry = this.entries.get(hash);
    if (!entry) {
      return null;
    }
    if (entry.until <= Date.now()) {
      this.entries.delete(hash);
      return null;
    }
    return entry.key;
  }

  /**
   * The key from the cache, else from `lookUp` — one lookup per key at a time: when an entry expires
   * under load, the requests arriving meanwhile wait for that one query instead of each sending
   * their own (a thousand at once would exhaust the database pool).
   */
  async resolve(hash: string, lookUp: () => Promise<KnownKey | null>): Promise<KnownKey | null> {
    const known = this.get(hash);
    if (known) {
      return known;
    }
    let pending = this.loading.get(hash);
    if (!pending) {
      pending = lookUp()
        .then((key) => {
          if (key) {
            this.set(hash, key);
          }
          return key;
        })
        .finally(() => this.loading.delete(hash));
      this.loading.set(hash, pending);
    }
    return pending;
  }

  set(hash: string, key: KnownKey): void {
    if (this.config.apiKeyCacheMs <= 0) {
      return;
    }
    this.entries.delete(hash);
    if (this.entries.size >= MAX_ENTRIES) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) {
        this.entries.delete(oldest.value);
      }
    }
    this.entries.set(hash, { key, until: Date.now() + this.config.apiKeyCacheMs });
  }

  /** Forgets one key (by id), or every key of a workspace. */
  forget(match: { keyId?: string; workspaceId?: string }): void {
    for (const [hash, { key }] of this.entries) {
      if (key.id === match.keyId || key.workspace_id === match.workspaceId) {
        this.entries.delete(hash);
      }
    }
  }
}
