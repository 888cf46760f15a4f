import iconv from 'iconv-lite';

/**
 * Checks of a CSV cell's text that only a file needs: text that decoded as UTF-8 but is not what
 * the spreadsheet showed. Such a cell would be looked up (and paid for) at the providers as it is,
 * and find no one.
 */

const NO_BREAK_SPACE = '\u00A0';
const REPLACEMENT = '\uFFFD';

/**
 * The byte (0x80–0xBF, a UTF-8 continuation byte) that each character stands for in text that was
 * UTF-8 read as Windows-1252 — as Excel on Windows reads a UTF-8 file without a BOM — or as
 * Latin-1, which reads 0x80–0x9F as control characters (as Windows reads the five bytes
 * Windows-1252 leaves undefined). iconv-lite makes the table: Node's own TextDecoder reads
 * `windows-1252` as Latin-1.
 */
const CONTINUATION = new Map<string, number>();
for (let byte = 0x80; byte <= 0xbf; byte += 1) {
  const windows1252 = iconv.decode(Buffer.from([byte]), 'windows-1252');
  if (windows1252 !== '\uFFFD') {
    CONTINUATION.set(windows1252, byte);
  }
  CONTINUATION.set(String.fromCharCode(byte), byte);
}

const escape = (char: string): string => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
/** A continuation byte's character; the no-break space only where noted below. */
const C = `[${[...CONTINUATION.keys()]
  .filter((char) => char !== NO_BREAK_SPACE)
  .map(escape)
  .join('')}]`;
/**
 * A UTF-8 sequence of two, three or four bytes as Windows-1252 shows it: its lead byte (Â–ß,
 * à–ï, ð–ô) and its continuation bytes. A no-break space counts only after Â or Ã (`Ã\u00A0` is
 * `à`, `Â\u00A0` a no-break space): after another capital (`JOSÉ\u00A0MARÍA`, pasted from a
 * spreadsheet) it is a space.
 */
const SEQUENCE = new RegExp(
  `[\\u00C2\\u00C3]\\u00A0|[\\u00C2-\\u00DF]${C}|[\\u00E0-\\u00EF]${C}{2}|[\\u00F0-\\u00F4]${C}{3}`,
  'g',
);

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** `sequence`'s characters as the bytes they were, decoded as UTF-8; null when they are not UTF-8. */
function asUtf8(sequence: string): string | null {
  const bytes = Uint8Array.from([...sequence], (char) => CONTINUATION.get(char) ?? char.charCodeAt(0));
  try {
    return utf8.decode(bytes);
  } catch {
    return null;
  }
}

/**
 * What `text` reads as when it is UTF-8 text that was read as Windows-1252 (or Latin-1) and saved
 * again as UTF-8 — `MÃ¼ller` for `Müller`, `Oâ€™Brien` for `O’Brien`, as a UTF-8 file opened in
 * Excel without a BOM and saved as "CSV UTF-8" holds — or null when it holds no such sequence. Only
 * sequences that form valid UTF-8 count, and those do not occur in names, addresses or domains:
 * `Ã` before `¼` or `©`, `â` before `€™`. Hand-written: no maintained package for Node detects
 * this, and the check is a pattern and a decode.
 */
export function misdecodedText(text: string): string | null {
  const found: string[] = [];
  const repaired = text.replace(SEQUENCE, (sequence) => {
    const decoded = asUtf8(sequence);
    if (decoded === null) {
      return sequence;
    }
    found.push(decoded);
    return decoded;
  });
  if (found.length === 0) {
    return null;
  }
  // Letters a repair makes must be of a script the cell's other letters are written in: `Ó’Neill`
  // would read as `ӒNeill` (a Cyrillic letter in a Latin name) and `Weiß–Schmidt` as an N'Ko
  // letter, where misread text repairs to the script around it (`MÃ¼ller`, or a name misread whole).
  const others = scriptsOf(text.replace(SEQUENCE, ''));
  const made = scriptsOf(found.join(''));
  return others.size === 0 || [...made].every((script) => others.has(script)) ? repaired : null;
}

/** Scripts names are commonly written in; Japanese writes in three, counted as one. */
const SCRIPTS: readonly [string, RegExp][] = [
  ['Latin', /\p{Script=Latin}/u],
  ['Cyrillic', /\p{Script=Cyrillic}/u],
  ['Greek', /\p{Script=Greek}/u],
  ['Arabic', /\p{Script=Arabic}/u],
  ['Hebrew', /\p{Script=Hebrew}/u],
  ['CJK', /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u],
  ['Hangul', /\p{Script=Hangul}/u],
  ['Thai', /\p{Script=Thai}/u],
  ['Devanagari', /\p{Script=Devanagari}/u],
  ['Armenian', /\p{Script=Armenian}/u],
  ['Georgian', /\p{Script=Georgian}/u],
];

/** The scripts of the letters in `text` (`Other` for a letter of none of SCRIPTS). */
function scriptsOf(text: string): Set<string> {
  const scripts = new Set<string>();
  for (const letter of text.match(/\p{L}/gu) ?? []) {
    scripts.add(SCRIPTS.find(([, pattern]) => pattern.test(letter))?.[0] ?? 'Other');
  }
  return scripts;
}

/**
 * Why a cell's text cannot be looked up as it is, or null: it reads as UTF-8 that was decoded with
 * the wrong encoding, it holds the replacement character (U+FFFD) a decoder left for bytes it
 * could not read, or it is a spreadsheet formula (`=HYPERLINK(…)`) rather than the value it shows. `field` is the input field the cell feeds.
 */
export function cellTextProblem(field: string, text: string): string | null {
  const trimmed = text.trim();
  if (trimmed.startsWith('=') && trimmed.length > 1) {
    return `input.${field} ${JSON.stringify(trimmed)} is a spreadsheet formula, not a value; save the file with the values the formulas show (in Excel: copy the column, then Paste Special › Values) and import the row again.`;
  }
  if (trimmed.includes(REPLACEMENT)) {
    return `input.${field} ${JSON.stringify(trimmed)} holds U+FFFD (�), the character a program writes for bytes it could not decode: the file lost this text before it was sent. Export it again as UTF-8 ("CSV UTF-8") and import the row again.`;
  }
  const repaired = misdecodedText(trimmed);
  if (repaired !== null) {
    return `input.${field} ${JSON.stringify(trimmed)} is UTF-8 text that was read in another encoding and saved again (it reads as ${JSON.stringify(repaired)}): the file went through a program that opened it as Windows-1252. Export it again as UTF-8, or in Excel open it through Data › From Text/CSV with "65001: Unicode (UTF-8)", save it as "CSV UTF-8", and import the row again.`;
  }
  return null;
}
