import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/**
 * How stale `last_used_at` may be. Operators read it to tell keys in use from forgotten ones, which
 * a minute does not blur; writing it on every request would add a PostgreSQL write to every
 * request, cached answers included.
 */
export const LAST_USED_EVERY_MS = 60_000;

/** Keys remembered at most; the least recently written go first (a Map iterates in insertion order). */
const MAX_ENTRIES = 10_000;

/**
 * Records when each API key was last used (`api_keys.last_used_at`, shown by `GET …/keys`). A
 * gateway writes a key at most once per {@link LAST_USED_EVERY_MS}, without holding the request,
 * and the UPDATE changes nothing when any gateway wrote the key within that time, so replicas do
 * not multiply the writes of a row. A failed write is logged and the key written again a minute
 * later: a last-used time is not worth a retry loop against a database in trouble. Hand-written: a
 * bounded Map of times is all it needs.
 */
@Injectable()
export class ApiKeyUsage implements OnApplicationShutdown {
  private readonly logger = new Logger('ApiKeyUsage');
  /** When this gateway last wrote each key, by key id. */
  private readonly written = new Map<string, number>();
  /** Writes under way, awaited at shutdown so that none is cut off by the pool closing. */
  private readonly writing = new Set<Promise<void>>();

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Notes that the key authenticated a request; never throws, never waits for the database. */
  touch(keyId: string, now = Date.now()): void {
    const last = this.written.get(keyId);
    if (last !== undefined && now - last < LAST_USED_EVERY_MS) {
      return;
    }
    this.written.delete(keyId);
    if (this.written.size >= MAX_ENTRIES) {
      // A key forgotten here is written on its next use; the UPDATE's own condition still holds it
      // to once a minute.
      const oldest = this.written.keys().next();
      if (!oldest.done) {
        this.written.delete(oldest.value);
      }
    }
    this.written.set(keyId, now);
    const write: Promise<void> = this.write(keyId).finally(() => this.writing.delete(write));
    this.writing.add(write);
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.writing);
  }

  private async write(keyId: string): Promise<void> {
    try {
      await this.dataSource.query(
        `UPDATE api_keys SET last_used_at = now()
          WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - make_interval(secs => $2))`,
        [keyId, LAST_USED_EVERY_MS / 1000],
      );
    } catch (error) {
      this.logger.warn({
        msg: 'could not record when an API key was last used; its next use after a minute tries again',
        keyId,
        error: String(error),
      });
    }
  }
}
