import { type Readable, Transform, type TransformCallback, pipeline } from 'node:stream';
import { BadRequestException } from '@nestjs/common';
import { type CastingContext, CsvError, type Parser, parse } from 'csv-parse';
import { SeparatorSniff } from './csv-separator';

/** Longest CSV row accepted: bounds what one row (or an unclosed quote) can make the parser hold. */
export const MAX_ROW_BYTES = 64 * 1024;

/** One record of the file, the header included: its cells as text and the line it starts on. */
export interface CsvRow {
  cells: string[];
  line: number;
}

/** The CSV rows of an upload as they arrive; `destroy()` stops reading them. */
export interface CsvRows {
  rows: AsyncIterator<CsvRow>;
  destroy(): void;
}

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/**
 * Drops the UTF-8 byte order mark that Excel's "CSV UTF-8" starts a file with. csv-parse's own
 * `bom` option, on finding one, switches to decoding the cells itself, and would then turn bytes
 * that are not UTF-8 into U+FFFD unseen (see `csvRows`).
 */
class ByteOrderMarkDrop extends Transform {
  /** The file's first bytes, until there are enough of them to tell. */
  private head: Buffer | null = Buffer.alloc(0);

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    if (this.head === null) {
      done(null, chunk);
      return;
    }
    const start = Buffer.concat([this.head, chunk]);
    if (start.length < UTF8_BOM.length && UTF8_BOM.subarray(0, start.length).equals(start)) {
      this.head = start;
      done();
      return;
    }
    this.head = null;
    done(null, start.subarray(0, UTF8_BOM.length).equals(UTF8_BOM) ? start.subarray(UTF8_BOM.length) : start);
  }

  override _flush(done: TransformCallback): void {
    if (this.head !== null && this.head.length > 0) {
      this.push(this.head);
    }
    done();
  }
}

/** How often `pattern` occurs in `bytes`. */
function count(bytes: Buffer, pattern: string): number {
  let found = 0;
  for (let at = bytes.indexOf(pattern); at !== -1; at = bytes.indexOf(pattern, at + pattern.length)) {
    found += 1;
  }
  return found;
}

/**
 * The line a record starts on, from the line csv-parse says it ends on. csv-parse counts a line
 * per CR and per LF inside a quoted cell, so a CRLF there counts twice; the count stays one too
 * high for every such CRLF read so far, which `state.crlfInCells` remembers.
 */
function startLine(record: readonly Buffer[], endLine: number, state: { crlfInCells: number }): number {
  let breaks = 0;
  for (const cell of record) {
    if (cell.includes(0x0a) || cell.includes(0x0d)) {
      const crlf = count(cell, '\r\n');
      state.crlfInCells += crlf;
      breaks += count(cell, '\r') + count(cell, '\n') - crlf;
    }
  }
  return endLine - state.crlfInCells - breaks;
}

/** The first byte of `bytes` that is not UTF-8, in hex (e.g. `0xE9`, é in Windows-1252). */
function firstForeignByte(bytes: Buffer): string {
  const text = bytes.toString('utf8');
  const at = Buffer.byteLength(text.slice(0, Math.max(0, text.indexOf('\uFFFD'))));
  return `0x${(bytes[at] ?? 0).toString(16).toUpperCase().padStart(2, '0')}`;
}

/**
 * Decodes each record's cells as UTF-8, refusing (a 400 naming the line and column) a cell that
 * is not: a file saved in another encoding, as Excel on Windows saves "CSV (Comma delimited)" in
 * Windows-1252, would otherwise be stored with U+FFFD in place of every accented letter.
 */
async function* csvRows(
  records: AsyncIterable<{ record: Buffer[]; info: { lines: number } }>,
): AsyncGenerator<CsvRow> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const lines = { crlfInCells: 0 };
  let header: string[] | null = null;
  for await (const { record, info } of records) {
    const line = startLine(record, info.lines, lines);
    const cells = record.map((bytes, index) => {
      try {
        return decoder.decode(bytes);
      } catch {
        const column = header === null ? 'the header' : `column '${header[index]?.trim() || index + 1}'`;
        throw new BadRequestException(
          `The file is not UTF-8 text: line ${line} (${column}) holds byte ${firstForeignByte(bytes)}. It was saved in another encoding, such as Windows-1252 (Excel's "CSV (Comma delimited)"); save it as "CSV UTF-8" and import it again.`,
        );
      }
    });
    header ??= cells;
    yield { cells, line };
  }
}

/**
 * Reads an upload's CSV: UTF-8 (with or without a BOM), separated by commas — or by semicolons or
 * tabs, as Excel in many European locales and TSV exports write it, when the header line holds no
 * comma (see `HeaderLine`) — lines ended by CRLF, LF or CR, even mixed in one file, as when rows
 * were appended by another program. Blank lines and rows of empty cells are skipped; a row of
 * another width than the header is left to the caller. The separator is told from the header
 * line alone, held back (at most `MAX_ROW_BYTES`) until it is read; the rest streams through.
 */
export function readCsvRows(file: Readable): CsvRows {
  const sniff = new SeparatorSniff(MAX_ROW_BYTES);
  let parser: Parser | null = null;
  let destroyed = false;
  // pipeline() hands the separator's sniffer the upload's error even when the upload broke off
  // before this point (while the import to resume was looked up); the rows read fail with it, so
  // the callbacks have nothing to add.
  pipeline(file, new ByteOrderMarkDrop(), sniff, () => undefined);
  async function* rows(): AsyncGenerator<CsvRow> {
    const delimiter = await sniff.separator;
    if (destroyed) {
      return;
    }
    // csv-parse's max_record_size bounds a row only when its cells are strings; kept as bytes, only
    // the cell being read is bounded, and a row of millions of empty cells (a line of commas) was
    // held whole, a Buffer a cell: a 40 MB file took the gateway past its heap. The row's cells
    // are counted here instead, each with the separator that ended it.
    let rowBytes = 0;
    const boundRow = (cell: Buffer, context: CastingContext): Buffer => {
      rowBytes = (context.index === 0 ? 0 : rowBytes) + cell.length + 1;
      if (rowBytes > MAX_ROW_BYTES) {
        throw new CsvError(
          'CSV_MAX_RECORD_SIZE',
          `Max Record Size: the row exceeds the maximum number of bytes of ${MAX_ROW_BYTES}`,
          {} as ConstructorParameters<typeof CsvError>[2],
          { lines: context.lines },
        );
      }
      return cell;
    };
    parser = parse({
      cast: boundRow as unknown as (value: string, context: CastingContext) => unknown,
      // Cells stay bytes until csvRows decodes them, so that bytes that are not UTF-8 are seen.
      encoding: null,
      bom: false,
      delimiter,
      record_delimiter: ['\r\n', '\n', '\r'],
      skip_empty_lines: true,
      skip_records_with_empty_values: true,
      relax_column_count: true,
      max_record_size: MAX_ROW_BYTES,
      info: true,
    });
    pipeline(sniff, parser, () => undefined);
    yield* csvRows(parser as AsyncIterable<{ record: Buffer[]; info: { lines: number } }>);
  }
  return {
    rows: rows(),
    destroy: () => {
      destroyed = true;
      sniff.destroy();
      parser?.destroy();
    },
  };
}

/**
 * csv-parse's message with the text it quotes as text: it prints the field read so far as a
 * serialised Buffer (`value is {"type":"Buffer","data":[74,111,104,110,32]}`), which names nothing a
 * person can find in the file.
 */
export function readableCsvMessage(message: string): string {
  return message.replace(/\{"type":"Buffer","data":\[([\d,]*)\]\}/g, (_whole, bytes: string) =>
    JSON.stringify(Buffer.from(bytes ? bytes.split(',').map(Number) : []).toString('utf8')),
  );
}
