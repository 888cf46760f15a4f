/**
 * Legal-form suffixes spelt more than one way, each with the one spelling a key uses: the long
 * forms first, so that "public limited company" is not read as "public ltd co".
 */
const LEGAL_FORMS: readonly [string, string][] = [
  ['public limited company', 'plc'],
  ['limited liability company', 'llc'],
  ['limited liability partnership', 'llp'],
  ['limited partnership', 'lp'],
  ['gesellschaft mit beschrankter haftung', 'gmbh'],
  ['limited', 'ltd'],
  ['incorporated', 'inc'],
  ['corporation', 'corp'],
  ['company', 'co'],
];

/**
 * A company name as the store compares it, so that one company asked for in another spelling is
 * found again instead of paid for again: case, accents, punctuation, spacing, `&` and the spelling
 * of its legal form aside. `Acme Ltd`, `ACME LIMITED` and `Acme Ltd.` are one name; `Acme Inc` and
 * `Acme Holdings Ltd` are others (a company of another form, or a group, is as likely as not another
 * company with another domain, so the legal form is kept, only its spelling is made one).
 */
export function canonicalCompanyName(name: string): string {
  let key = ` ${name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    // Dots and apostrophes join what they separate ("L.L.C.", "Ltd.", "O'Neil"); the rest separates.
    .replace(/[.'’]/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()} `;
  for (const [spelt, form] of LEGAL_FORMS) {
    // Whole words only: spaces stand for word boundaries (JavaScript's \b knows no accents).
    key = key.split(` ${spelt} `).join(` ${form} `);
  }
  return key.trim().replace(/\s+/g, ' ');
}
