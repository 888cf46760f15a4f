import { BadRequestException } from '@nestjs/common';
import { HeaderLine, SeparatorSniff } from './csv-separator';

/** The separator told from a file's first bytes, given in `chunks`, and whether its header line ended. */
function sniff(...chunks: string[]): { separator: string; ended: boolean } {
  const header = new HeaderLine();
  let ended = false;
  for (const chunk of chunks) {
    ended = header.read(Buffer.from(chunk));
  }
  return { separator: header.separator(), ended };
}

describe('HeaderLine (the separator of a CSV file, from its header line)', () => {
  it('reads commas as ever, and a header of one column as comma-separated', () => {
    expect(sniff('email,first_name\na;b;c\n')).toEqual({ separator: ',', ended: true });
    expect(sniff('domain\r\nexample.com\r\n')).toEqual({ separator: ',', ended: true });
    // A comma wins over semicolons or tabs beside it.
    expect(sniff('Notes; misc,domain\n').separator).toBe(',');
    expect(sniff('a\tb,c\n').separator).toBe(',');
  });

  it('reads semicolons or tabs when the header holds no comma', () => {
    expect(sniff('first_name;last_name;domain\r\nAda;Lovelace;example.com\r\n')).toEqual({
      separator: ';',
      ended: true,
    });
    expect(sniff('first_name\tdomain\nAda\texample.com\n').separator).toBe('\t');
    // Separators in the rows below the header do not count.
    expect(sniff('first_name;domain\nAda,Bob;example.com\tx\n').separator).toBe(';');
  });

  it('counts only what is outside quotes, and ends the header at the first line break outside them', () => {
    expect(sniff('"Name, full";"Work\nDomain";email\n').separator).toBe(';');
    expect(sniff('"a;b"\t"c ""d;e"""\n').separator).toBe('\t');
    expect(sniff('"first;name","domain"\n').separator).toBe(',');
    // One quoted column holding a semicolon is one column.
    expect(sniff('"first;name"\n').separator).toBe(',');
  });

  it('skips blank lines before the header, as the parser does, and reads a header split across chunks', () => {
    expect(sniff('\r\n\n', 'first_name;', 'domain', '\r\n')).toEqual({ separator: ';', ended: true });
    expect(sniff('"first,', 'name";domain')).toEqual({ separator: ';', ended: false });
    expect(sniff('first_name;domain').separator).toBe(';');
  });

  it('refuses a header holding semicolons and tabs but no comma with a 400 saying why', () => {
    expect(() => sniff('first_name;last_name\tdomain\n')).toThrow(BadRequestException);
    expect(() => sniff('first_name;last_name\tdomain\n')).toThrow(
      /separator cannot be told: its header line holds no comma but both semicolons \(1\) and tabs \(1\) outside quotes/,
    );
    // Quoted, the other is part of a name: not ambiguous.
    expect(sniff('"first;name"\tdomain\n').separator).toBe('\t');
  });

  describe('SeparatorSniff', () => {
    const settled = async (sniff: SeparatorSniff): Promise<string> =>
      Promise.race([
        sniff.separator,
        new Promise<'pending'>((resolve) => setImmediate(() => resolve('pending'))),
      ]);
    const output = (sniff: SeparatorSniff): Promise<string> =>
      new Promise((resolve, reject) => {
        const chunks: Buffer[] = [];
        sniff.on('data', (chunk: Buffer) => chunks.push(chunk));
        sniff.on('end', () => resolve(Buffer.concat(chunks).toString()));
        sniff.on('error', reject);
      });

    it('holds the bytes back until the header line ends, then passes them all on unchanged', async () => {
      const sniff = new SeparatorSniff(1000);
      const passed = output(sniff);
      sniff.write(Buffer.from('first_name;do'));
      expect(await settled(sniff)).toBe('pending');
      sniff.write(Buffer.from('main\r\nAda;example.com\r\n'));
      expect(await settled(sniff)).toBe(';');
      sniff.end(Buffer.from('Bob;example.org'));
      expect(await passed).toBe('first_name;domain\r\nAda;example.com\r\nBob;example.org');
    });

    it('holds no more than its limit of a header line that does not end', async () => {
      const sniff = new SeparatorSniff(100);
      const passed = output(sniff);
      sniff.write(Buffer.from('a;'.repeat(30)));
      expect(await settled(sniff)).toBe('pending');
      sniff.write(Buffer.from('b;'.repeat(30)));
      expect(await settled(sniff)).toBe(';');
      sniff.end();
      expect(await passed).toBe(`${'a;'.repeat(30)}${'b;'.repeat(30)}`);
    });

    it('decides at the end of a file without a line break, and fails with the file', async () => {
      const short = new SeparatorSniff(100);
      const passed = output(short);
      short.end(Buffer.from('domain'));
      expect(await short.separator).toBe(',');
      expect(await passed).toBe('domain');

      const broken = new SeparatorSniff(100);
      broken.on('error', () => undefined);
      broken.write(Buffer.from('first_name;'));
      broken.destroy(new Error('the upload broke off'));
      await expect(broken.separator).rejects.toThrow('the upload broke off');

      const ambiguous = new SeparatorSniff(100);
      ambiguous.on('error', () => undefined);
      ambiguous.end(Buffer.from('a;b\tc\n'));
      await expect(ambiguous.separator).rejects.toBeInstanceOf(BadRequestException);
    });
  });
});
