import { Readable } from 'node:stream';
import { BadRequestException } from '@nestjs/common';
import { type CsvRow, readableCsvMessage, readCsvRows } from './csv-rows';

/** Every row of a file sent in `chunks`, or the error reading them ended with. */
async function rowsOf(...chunks: (string | Buffer)[]): Promise<CsvRow[]> {
  const { rows } = readCsvRows(Readable.from(chunks.map((chunk) => Buffer.from(chunk))));
  const read: CsvRow[] = [];
  for (let next = await rows.next(); !next.done; next = await rows.next()) {
    read.push(next.value);
  }
  return read;
}

describe('readCsvRows', () => {
  it('reads CRLF, LF and CR line ends, mixed in one file, a last line without one, and skips blank lines', async () => {
    expect(await rowsOf('email,name\r\na@x.com,Ada\nb@x.com,Bob\r\n\r\n\nc@x.com,Cy\rd@x.com,Di')).toEqual([
      { cells: ['email', 'name'], line: 1 },
      { cells: ['a@x.com', 'Ada'], line: 2 },
      { cells: ['b@x.com', 'Bob'], line: 3 },
      { cells: ['c@x.com', 'Cy'], line: 6 },
      { cells: ['d@x.com', 'Di'], line: 7 },
    ]);
    // A CRLF split between two chunks is one line end.
    expect(await rowsOf('email,name\r', '\na@x.com,Ada\r', '\n')).toEqual([
      { cells: ['email', 'name'], line: 1 },
      { cells: ['a@x.com', 'Ada'], line: 2 },
    ]);
  });

  it('gives a row the line it starts on, whatever line breaks its quoted cells hold', async () => {
    const file = [
      'email,note',
      '"a@x.com","two\r\nlines, ""quoted"""',
      'b@x.com,"three\nshort\rlines"',
      '',
      'c@x.com,plain',
    ].join('\r\n');
    expect(await rowsOf(file)).toEqual([
      { cells: ['email', 'note'], line: 1 },
      { cells: ['a@x.com', 'two\r\nlines, "quoted"'], line: 2 },
      { cells: ['b@x.com', 'three\nshort\rlines'], line: 4 },
      { cells: ['c@x.com', 'plain'], line: 8 },
    ]);
  });

  it('drops a UTF-8 byte order mark, even one split across chunks, before a quoted header', async () => {
    const bom = Buffer.from([0xef, 0xbb, 0xbf]);
    const expected = [
      { cells: ['email', 'name'], line: 1 },
      { cells: ['a@x.com', 'Zoë'], line: 2 },
    ];
    expect(await rowsOf(bom, '"email",name\na@x.com,Zoë\n')).toEqual(expected);
    expect(await rowsOf(bom.subarray(0, 1), bom.subarray(1), '"email",name\na@x.com,Zoë\n')).toEqual(
      expected,
    );
    expect(await rowsOf('e')).toEqual([{ cells: ['e'], line: 1 }]);
  });

  it('refuses bytes that are not UTF-8 with a 400 naming the line, the column and the byte', async () => {
    // "Rémy" as Excel on Windows saves it (Windows-1252).
    const latin1 = Buffer.from('email,first_name\na@x.com,Ann\n\nb@x.com,"R\xe9my"\n', 'latin1');
    const refusal = rowsOf(latin1);
    await expect(refusal).rejects.toBeInstanceOf(BadRequestException);
    await expect(refusal).rejects.toThrow(
      /not UTF-8 text: line 4 \(column 'first_name'\) holds byte 0xE9.*save it as "CSV UTF-8"/,
    );
    await expect(rowsOf(Buffer.from('Pr\xe9nom,email\n', 'latin1'))).rejects.toThrow(
      /line 1 \(the header\) holds byte 0xE9/,
    );
    // A character split between two chunks is still UTF-8.
    const e = Buffer.from('é');
    expect(await rowsOf(Buffer.concat([Buffer.from('name\nZo'), e.subarray(0, 1)]), e.subarray(1))).toEqual([
      { cells: ['name'], line: 1 },
      { cells: ['Zoé'], line: 2 },
    ]);
  });

  it('reads a semicolon- or tab-separated file, told from its header, with the same line numbers, quotes and BOM', async () => {
    const bom = '\uFEFF';
    const semicolons = [
      'email;note;amount',
      'a@x.com;"two\r\nlines; ""quoted""";1,5',
      '',
      'b@x.com;plain, with a comma;2,25',
    ].join('\r\n');
    const expected = [
      { cells: ['email', 'note', 'amount'], line: 1 },
      { cells: ['a@x.com', 'two\r\nlines; "quoted"', '1,5'], line: 2 },
      { cells: ['b@x.com', 'plain, with a comma', '2,25'], line: 5 },
    ];
    expect(await rowsOf(`${bom}${semicolons}`)).toEqual(expected);
    // The header line split across chunks, and the BOM too.
    const bytes = Buffer.from(`${bom}${semicolons}`);
    expect(
      await rowsOf(bytes.subarray(0, 2), bytes.subarray(2, 9), bytes.subarray(9, 20), bytes.subarray(20)),
    ).toEqual(expected);
    expect(await rowsOf('email\tname\na@x.com\tAda, Countess\n')).toEqual([
      { cells: ['email', 'name'], line: 1 },
      { cells: ['a@x.com', 'Ada, Countess'], line: 2 },
    ]);
    // Commas in the header: comma-separated, semicolons and all.
    expect(await rowsOf('email,note\na@x.com,a;b\n')).toEqual([
      { cells: ['email', 'note'], line: 1 },
      { cells: ['a@x.com', 'a;b'], line: 2 },
    ]);
  });

  it('refuses a header that holds semicolons and tabs but no comma with a 400, reading nothing', async () => {
    const refusal = rowsOf('email;name\tdomain\na@x.com;Ada\tx.com\n');
    await expect(refusal).rejects.toBeInstanceOf(BadRequestException);
    await expect(refusal).rejects.toThrow(/separator cannot be told/);
  });

  it('reads UTF-16 text that starts with its byte order mark, as Excel saves "Unicode Text", even split mid-character', async () => {
    const text =
      'email\tfirst_name\tlast_name\r\na@x.com\tSøren\t"Müller\r\nvon Ærø"\r\n\r\nb@x.com\tFrançois\t王小明 😀\r\n';
    const expected = [
      { cells: ['email', 'first_name', 'last_name'], line: 1 },
      { cells: ['a@x.com', 'Søren', 'Müller\r\nvon Ærø'], line: 2 },
      { cells: ['b@x.com', 'François', '王小明 😀'], line: 5 },
    ];
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    expect(await rowsOf(le)).toEqual(expected);
    const be = Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()]);
    expect(await rowsOf(be)).toEqual(expected);
    // Every byte a chunk: the mark and every character (the emoji's surrogate pair too) split.
    expect(await rowsOf(...[...le].map((byte) => Buffer.from([byte])))).toEqual(expected);
    expect(await rowsOf(Buffer.from([0xff, 0xfe]))).toEqual([]);
  });

  it('refuses binary data and broken UTF-16 with a 400 saying what the file is', async () => {
    // An .xlsx workbook is a ZIP archive; a UTF-16 file without its mark holds NUL bytes.
    const xlsx = Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00, 0x08, 0x00]);
    for (const bytes of [xlsx, Buffer.from('email\n', 'utf16le'), Buffer.from('email\na@x.com\0\n')]) {
      const refusal = rowsOf(bytes);
      await expect(refusal).rejects.toBeInstanceOf(BadRequestException);
      await expect(refusal).rejects.toThrow(
        /^The file is not CSV text: it holds binary data \(a spreadsheet workbook/,
      );
    }
    const half = Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      Buffer.from('email\n', 'utf16le'),
      Buffer.from([0x61]),
    ]);
    await expect(rowsOf(half)).rejects.toThrow(/UTF-16 byte order mark .* but is not UTF-16 text throughout/);
    const lone = Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      Buffer.from('email\n', 'utf16le'),
      Buffer.from([0x00, 0xd8, 0x61, 0x00]),
    ]);
    await expect(rowsOf(lone)).rejects.toThrow(/not UTF-16 text throughout/);
  });

  it('keeps checking UTF-8 in a semicolon-separated file', async () => {
    await expect(rowsOf(Buffer.from('email;first_name\na@x.com;R\xe9my\n', 'latin1'))).rejects.toThrow(
      /not UTF-8 text: line 2 \(column 'first_name'\) holds byte 0xE9/,
    );
  });
});

describe('readableCsvMessage', () => {
  it('quotes the field csv-parse had read as text, not as a serialised Buffer', async () => {
    const error = (await rowsOf('First Name,Last Name\nJohn "JJ",Smith\n').catch(
      (caught: unknown) => caught,
    )) as Error;
    expect(error.message).toContain('{"type":"Buffer"');
    expect(readableCsvMessage(error.message)).toBe(
      'Invalid Opening Quote: a quote is found on field 0 at line 2, value is "John "',
    );
  });
});
