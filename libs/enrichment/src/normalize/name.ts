import { firstMatchCodePoint } from './contact';
/**
 * What may follow a name after a comma without being its forenames: generational suffixes,
 * honours and credentials ("Jane Doe, PhD", "John Smith, Jr."). Compared without dots, lower-cased.
 */
const POST_NOMINALS = new Set([
  'jr',
  'jnr',
  'sr',
  'snr',
  'ii',
  'iii',
  'iv',
  'phd',
  'dphil',
  'md',
  'mba',
  'msc',
  'bsc',
  'ba',
  'ma',
  'llb',
  'llm',
  'jd',
  'cpa',
  'cfa',
  'aca',
  'fca',
  'acca',
  'esq',
  'qc',
  'kc',
  'mp',
  'obe',
  'mbe',
  'cbe',
  'kbe',
  'dbe',
  'frs',
  'ceng',
]);

/**
 * A person's full name in natural order: "Surname, Forenames" — as Companies House writes its
 * officers (`WHITE, Andrew James`) and many CRM exports and spreadsheets do — becomes
 * "Forenames Surname", since providers read a full name's first word as the first name and its
 * last as the last (`White,` and `Andrew` would be searched for, and found nowhere). Anything else
 * is kept as given: no comma, more than one, an empty side, or post-nominals after the comma
 * ("Jane Doe, PhD"). Written here rather than taken from a name-parsing library: those split names
 * into guessed parts (titles, nicknames, middle names), where the caller's text is to be kept and
 * only this one inversion undone.
 */
export function naturalNameOrder(name: string): string {
  const sides = name.split(',');
  if (sides.length !== 2) {
    return name;
  }
  const [surname, forenames] = sides.map((side) => side.trim().replace(/\s+/g, ' '));
  if (!surname || !forenames) {
    return name;
  }
  const words = forenames.toLowerCase().replace(/\./g, '').split(' ');
  if (words.every((word) => POST_NOMINALS.has(word))) {
    return name;
  }
  return `${forenames} ${surname}`;
}

/**
 * Forms of address the register prints with an officer's forenames, before them ("SMITH, Dr Jane")
 * or after them ("SMITH, Jane, Dr"). Compared without dots, lower-cased.
 */
const TITLES = new Set([
  'mr',
  'mrs',
  'ms',
  'miss',
  'mx',
  'dr',
  'prof',
  'professor',
  'sir',
  'dame',
  'lord',
  'lady',
  'baron',
  'baroness',
  'rev',
  'revd',
  'reverend',
  'rt',
  'hon',
  'the',
  'cllr',
  'councillor',
]);

/**
 * The first forename of a person as the register prints them, "SURNAME, Forenames": the first word
 * after the first comma that is not a form of address ("BRANSON, Sir Richard" → `Richard`), whatever
 * follows a second comma left out ("SMITH, Jane, Dr" → `Jane`). Null when no forename is given. A
 * provider searched for "Sir Branson" finds nobody, and some charge for the search.
 */
export function registerFirstName(name: string): string | null {
  const comma = name.indexOf(',');
  if (comma < 0) {
    return null;
  }
  const forenames =
    name
      .slice(comma + 1)
      .split(',')[0]
      ?.trim() ?? '';
  const words = forenames.split(/\s+/).filter(Boolean);
  return words.find((word) => !TITLES.has(word.toLowerCase().replace(/\./g, ''))) ?? null;
}

/**
 * Whether text can be a name (of a person or a company): it holds at least one letter or digit, of
 * any script ("李", "Ωmega", "3M"). Punctuation, symbols or emoji alone (",", "-", "&") name nobody:
 * taken as input, such a name would be looked up, paid for and cached as if it were one.
 */
export function hasLetterOrDigit(text: string): boolean {
  return /[\p{L}\p{N}]/u.test(text);
}

/**
 * A character no written name holds and that would make a name look like another: a control
 * character (a bell, a NUL), a format character (a zero-width space, a soft hyphen, a right-to-left
 * override, a BOM), a line or paragraph separator, private-use or unassigned code points. The
 * zero-width joiner and non-joiner are kept: several scripts (Persian, the Indic ones) spell names
 * with them. Spaces of other widths are not refused here: {@link nameSpaces} makes them plain.
 */
const NOT_IN_A_NAME = /(?![\u200C\u200D])[\p{Cc}\p{Cf}\p{Co}\p{Cn}\p{Cs}\p{Zl}\p{Zp}]/u;

/** The first character of `text` that no name holds (`U+200B`), for a refusal to name it, or null. */
export function characterNotInAName(text: string): string | null {
  return firstMatchCodePoint(NOT_IN_A_NAME, text);
}

/** Spaces of any width (a no-break space pasted from a spreadsheet, say) as plain spaces. */
export function nameSpaces(text: string): string {
  return text.replace(/\p{Zs}/gu, ' ');
}
