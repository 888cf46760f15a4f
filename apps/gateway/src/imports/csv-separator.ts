import { Transform, type TransformCallback } from 'node:stream';
import { BadRequestException } from '@nestjs/common';

/** The separators an import reads: the comma, and what spreadsheets write in its place. */
export type CsvSeparator = ',' | ';' | '\t';

const QUOTE = 0x22;
const CR = 0x0d;
const LF = 0x0a;
const NAMES: Record<number, 'comma' | 'semicolon' | 'tab'> = {
  0x2c: 'comma',
  0x3b: 'semicolon',
  0x09: 'tab',
};

/**
 * The header line of a CSV file, read from the file's first bytes: where it ends (the first line
 * break outside quotes, after any blank lines, which the parser skips too) and which separators
 * it holds outside quotes.
 */
export class HeaderLine {
  private quoted = false;
  private started = false;
  private ended = false;
  private readonly seen = { comma: 0, semicolon: 0, tab: 0 };

  /** Reads the next bytes of the file; true once the header line has ended. */
  read(bytes: Buffer): boolean {
    for (const byte of bytes) {
      if (this.ended) {
        break;
      }
      if (byte === QUOTE) {
        // An escaped quote ("") toggles twice: still inside.
        this.quoted = !this.quoted;
      } else if (!this.quoted && (byte === CR || byte === LF)) {
        this.ended = this.started;
        continue;
      } else if (!this.quoted && NAMES[byte]) {
        this.seen[NAMES[byte]] += 1;
      }
      this.started = true;
    }
    return this.ended;
  }

  /**
   * The file's separator: the comma when the header holds one outside quotes (or holds none of
   * them: one column); otherwise the semicolon (Excel's "CSV" in many European locales) or the tab
   * it holds. A header holding both, and no comma, is refused: either could be the separator, and
   * reading it with the wrong one would mismatch every column.
   */
  separator(): CsvSeparator {
    const { comma, semicolon, tab } = this.seen;
    if (comma > 0 || (semicolon === 0 && tab === 0)) {
      return ',';
    }
    if (semicolon > 0 && tab > 0) {
      throw new BadRequestException(
        `The file's separator cannot be told: its header line holds no comma but both semicolons (${semicolon}) and tabs (${tab}) outside quotes. Save it with one separator — "CSV UTF-8 (Comma delimited)" is best — or quote the column names that hold the other, and import it again.`,
      );
    }
    return semicolon > 0 ? ';' : '\t';
  }
}

/**
 * Passes a CSV file's bytes through unchanged, holding them back until the header line has been
 * read (at most `limit` bytes of it: past that, the parser's own row limit refuses the file), then
 * settles `separator` with the separator the header uses — or the error the file failed with —
 * before any byte goes on. The parser is made with that separator, so nothing is read twice.
 */
export class SeparatorSniff extends Transform {
  readonly separator: Promise<CsvSeparator>;
  private settle!: { resolve: (separator: CsvSeparator) => void; reject: (error: Error) => void };
  private readonly header = new HeaderLine();
  private held: Buffer[] | null = [];
  private heldBytes = 0;

  constructor(private readonly limit: number) {
    super();
    this.separator = new Promise<CsvSeparator>((resolve, reject) => {
      this.settle = { resolve, reject };
    });
    // Whoever reads the rows awaits it; a file that fails before anyone does must not be an
    // unhandled rejection.
    this.separator.catch(() => undefined);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    if (this.held === null) {
      done(null, chunk);
      return;
    }
    this.held.push(chunk);
    this.heldBytes += chunk.length;
    if (this.header.read(chunk) || this.heldBytes > this.limit) {
      this.release(done);
      return;
    }
    done();
  }

  override _flush(done: TransformCallback): void {
    if (this.held === null) {
      done();
      return;
    }
    this.release(done);
  }

  override _destroy(error: Error | null, done: (error: Error | null) => void): void {
    if (this.held !== null) {
      this.held = null;
      this.settle.reject(error ?? new Error('The file was closed before its header line was read.'));
    }
    done(error);
  }

  /** Decides the separator and lets the bytes held back go on. */
  private release(done: TransformCallback): void {
    const held = Buffer.concat(this.held ?? []);
    this.held = null;
    let separator: CsvSeparator;
    try {
      separator = this.header.separator();
    } catch (error) {
      this.settle.reject(error as Error);
      done(error as Error);
      return;
    }
    this.settle.resolve(separator);
    done(null, held);
  }
}
