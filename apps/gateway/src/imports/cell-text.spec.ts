import iconv from 'iconv-lite';
import { cellTextProblem, misdecodedText } from './cell-text';

/**
 * `text` as it reads once its UTF-8 bytes were decoded by `encoding` (and saved again as UTF-8).
 * Windows reads the five bytes Windows-1252 leaves undefined (0x81, 0x8D, …) as the control
 * characters of the same number, as Latin-1 does; iconv-lite, which makes them U+FFFD, reads the
 * rest (Node's TextDecoder reads windows-1252 as Latin-1).
 */
function misread(text: string, encoding: 'windows-1252' | 'latin1'): string {
  return [...Buffer.from(text, 'utf8')]
    .map((byte) => {
      const char = iconv.decode(Buffer.from([byte]), 'windows-1252');
      return encoding === 'latin1' || char === '\uFFFD' ? String.fromCharCode(byte) : char;
    })
    .join('');
}

const NAMES = [
  'Müller',
  'Søren Kierkegaard',
  'François',
  'Zoë Ærøskøbing',
  'O’Brien',
  'Łukasz Żółć',
  'Şükrü Doğan',
  'Ștefan Țurcanu',
  'Иван Петров',
  'Nguyễn Thị Minh Khai',
  '王小明',
  'Dvořák & Söhne – Œuvres™ €',
];

describe('misdecodedText', () => {
  it.each(
    NAMES.flatMap((name) =>
      (['windows-1252', 'latin1'] as const).map((encoding): [string, 'windows-1252' | 'latin1'] => [
        name,
        encoding,
      ]),
    ),
  )('reads %s back from its UTF-8 read as %s', (name, encoding) => {
    const garbled = misread(name, encoding);
    expect(garbled).not.toBe(name);
    expect(misdecodedText(garbled)).toBe(name);
  });

  it.each([
    ...NAMES,
    'JOÃO SÃO PAULO',
    'IRMÃ',
    'JOSÉ\u00A0MARÍA',
    'Weiß\u00A0GmbH',
    'José\u00A0\u00A0García',
    'D´Angelo',
    'Nº 5 Ltd',
    'Ñúñez',
    'ÅSA ÖSTBERG',
    'Â la carte',
    'Ça va',
    // An accented capital or ß before typographic punctuation, as spreadsheets write names: the
    // bytes they stand for are UTF-8, but of a letter of another script (Cyrillic Ӓ, N'Ko, Syriac).
    'Ó’Neill',
    'Ó’Súilleabháin',
    'Weiß–Schmidt',
    'Groß–Gerau GmbH',
    'ÄÖÜ’s',
    'ada@example.com',
    'https://www.linkedin.com/in/ada',
  ])('leaves %s, which is text as written, alone', (text) => {
    expect(misdecodedText(text)).toBeNull();
  });
});

describe('cellTextProblem', () => {
  it('names the field, the text and how it reads, for text that was misread', () => {
    expect(cellTextProblem('last_name', ' MÃ¼ller ')).toMatch(
      /^input\.last_name "MÃ¼ller" is UTF-8 text that was read in another encoding and saved again \(it reads as "Müller"\)/,
    );
  });

  it('refuses text holding U+FFFD, which a decoder left for bytes it could not read', () => {
    expect(cellTextProblem('last_name', 'M\uFFFDller')).toMatch(/^input\.last_name "M�ller" holds U\+FFFD/);
  });

  it('refuses a formula, and takes a value that merely holds an equals sign', () => {
    expect(cellTextProblem('first_name', '=HYPERLINK("https://x.example","Ada")')).toMatch(
      /^input\.first_name "=HYPERLINK\(\\"https:\/\/x\.example\\",\\"Ada\\"\)" is a spreadsheet formula, not a value/,
    );
    expect(cellTextProblem('company_name', 'A=B Consulting')).toBeNull();
    expect(cellTextProblem('phone', '+44 20 7946 0958')).toBeNull();
    expect(cellTextProblem('first_name', 'Ada')).toBeNull();
  });
});
