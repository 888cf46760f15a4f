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
/** The byte order marks of UTF-16 text, as Excel's "Unicode Text" (UTF-16 LE, tab-separated) starts. */
const UTF16_BOMS: readonly { bom: Buffer; encoding: 'utf-16le' | 'utf-16be' }[] = [
  { bom: Buffer.from([0xff, 0xfe]), encoding: 'utf-16le' },
  { bom: Buffer.from([0xfe, 0xff]), encoding: 'utf-16be' },
];

/** A file holding NUL bytes is no CSV text: a workbook (.xlsx is a ZIP archive, .xls a binary one). */
function binaryFile(): BadRequestException {
  return new BadRequestException(
    'The file is not CSV text: it holds binary data (a spreadsheet workbook such as .xlsx or .xls renamed .csv, or UTF-16 text without a byte order mark?). Save it as "CSV UTF-8" and import it again.',
  );
}

/**
 * The file's text as UTF-8 bytes for the parser, its byte order mark dropped. A file starting with
 * a UTF-16 byte order mark (Excel's "Unicode Text") is decoded to UTF-8 as it arrives (Node's
 * TextDecoder, streaming, refusing what is not UTF-16); anything else is passed on as it is, for
 * `csvRows` to check it is UTF-8. The UTF-8 mark Excel's "CSV UTF-8" starts with is dropped here:
 * csv-parse's own `bom` option, on finding one, switches to decoding the cells itself, and would
 * then turn bytes that are not UTF-8 into U+FFFD unseen (see `csvRows`). A NUL byte — none is in
 * CSV text — refuses the file as binary.
 */
class TextBytes extends Transform {
  /** The file's first bytes, until there are enough of them to tell. */
  private head: Buffer | null = Buffer.alloc(0);
  private utf16: InstanceType<typeof TextDecoder> | null = null;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    try {
      done(null, this.text(chunk));
    } catch (error) {
      done(error as Error);
    }
  }

  override _flush(done: TransformCallback): void {
    try {
      // A file shorter than a byte order mark is what it is.
      const head = this.head === null ? Buffer.alloc(0) : this.started(this.head);
      const rest = this.utf16 === null ? Buffer.alloc(0) : this.decoded(null);
      done(null, Buffer.concat([head, rest]));
    } catch (error) {
      done(error as Error);
    }
  }

  /** The UTF-8 bytes of `chunk`, the next bytes of the file (none while its start is held back). */
  private text(chunk: Buffer): Buffer {
    if (this.head === null) {
      return this.decoded(chunk);
    }
    const start = Buffer.concat([this.head, chunk]);
    const marks = [UTF8_BOM, ...UTF16_BOMS.map(({ bom }) => bom)];
    if (marks.some((bom) => start.length < bom.length && bom.subarray(0, start.length).equals(start))) {
      this.head = start;
      return Buffer.alloc(0);
    }
    return this.started(start);
  }

  /** Reads the byte order mark at the file's start, if any: the bytes after it, as UTF-8. */
  private started(start: Buffer): Buffer {
    this.head = null;
    const utf16 = UTF16_BOMS.find(({ bom }) => start.subarray(0, bom.length).equals(bom));
    if (utf16) {
      this.utf16 = new TextDecoder(utf16.encoding, { fatal: true });
      return this.decoded(start.subarray(utf16.bom.length));
    }
    return this.decoded(
      start.subarray(0, UTF8_BOM.length).equals(UTF8_BOM) ? start.subarray(UTF8_BOM.length) : start,
    );
  }

  /** `bytes` as UTF-8 (null: the end of a UTF-16 file, which must not end in half a character). */
  private decoded(bytes: Buffer | null): Buffer {
    if (this.utf16 === null) {
      if (bytes?.includes(0)) {
        throw binaryFile();
      }
      return bytes ?? Buffer.alloc(0);
    }
    let text: string;
    try {
      text = bytes === null ? this.utf16.decode() : this.utf16.decode(bytes, { stream: true });
    } catch {
      throw utf16Refusal();
    }
    if (text.includes('\0')) {
      throw binaryFile();
    }
    return Buffer.from(text, 'utf8');
  }
}

function utf16Refusal(): BadRequestException {
  return new BadRequestException(
    'The file starts with a UTF-16 byte order mark (Excel\'s "Unicode Text") but is not UTF-16 text throughout: it holds half a character. Save it again as "CSV UTF-8" or "Unicode Text" and import it again.',
  );
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
  pipeline(file, new TextBytes(), sniff, () => undefined);
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
