import { type RelayPair, TcpRelay } from './tcp-relay';

/**
 * A {@link TcpRelay} in front of a real PostgreSQL server that can also lose one answer:
 * {@link loseAnswerTo}: the next statement whose text holds a marker runs to its end on the server
 * (committed, when it is a statement of its own), but its answer never reaches the app: the
 * connection drops once the server is ready for the next query.
 */
export class PostgresRelay extends TcpRelay {
  private marker: string | null = null;
  /** Statements whose answer was lost. */
  answersLost = 0;

  /** The next statement sent with `marker` in its text runs, but its answer is lost. */
  loseAnswerTo(marker: string): void {
    this.marker = marker;
  }

  protected override pipe(pair: RelayPair): void {
    // The end of what the client sent, so that a marker split across two reads is still found.
    let tail = '';
    let losing = false;
    let answer = Buffer.alloc(0);
    pair.client.on('data', (chunk: Buffer) => {
      if (this.marker !== null && !losing) {
        const text = tail + chunk.toString('latin1');
        if (text.includes(this.marker)) {
          this.marker = null;
          losing = true;
        }
        tail = text.slice(-1024);
      }
      pair.upstream.write(chunk);
    });
    pair.upstream.on('data', (chunk: Buffer) => {
      if (!losing) {
        pair.client.write(chunk);
        return;
      }
      // The client sends a statement only once the last one is answered (node-postgres does not
      // pipeline), so this answer starts at a message's start.
      answer = Buffer.concat([answer, chunk]);
      if (readyForQueryIn(answer)) {
        this.answersLost += 1;
        this.drop(pair);
      }
    });
  }
}

/** Whether the server's messages in `bytes` (from a message's start) include ReadyForQuery. */
function readyForQueryIn(bytes: Buffer): boolean {
  let offset = 0;
  while (offset + 5 <= bytes.length) {
    if (bytes[offset] === 'Z'.charCodeAt(0)) {
      return true;
    }
    offset += 1 + bytes.readInt32BE(offset + 1);
  }
  return false;
}
