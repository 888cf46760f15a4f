import { domainToASCII } from 'node:url';
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import { parse as parseHost } from 'tldts';

/**
 * The local part takes any visible character (international addresses included) but no space, no
 * control or format character (a zero-width space, a BOM, a bell) and nothing unassigned: such an
 * address looks like another one, so it would be looked up (and paid for) and would slip past an
 * erasure of the address it looks like. The top-level domain is letters, or an internationalised
 * one as DNS writes it (`.рф` is `.xn--p1ai`).
 */
const EMAIL = /^[^\s@\p{C}\p{Z}]+@([a-z0-9-]+\.)+([a-z]{2,}|xn--[a-z0-9-]+)$/u;
/** An invisible character: control, format, private-use, unassigned, or a space other than ' '. */
const INVISIBLE = /(?! )[\p{C}\p{Z}]/u;

/**
 * The first invisible or control character in `text` (`U+200B`), for a refusal to name it, or null.
 * Leading and trailing whitespace are not counted: identifiers are trimmed.
 */
export function invisibleCharacterIn(text: string): string | null {
  return firstMatchCodePoint(INVISIBLE, text.trim());
}

/** The code point of `pattern`'s first match in `text` as Unicode writes it (`U+200B`), or null. */
export function firstMatchCodePoint(pattern: RegExp, text: string): string | null {
  const found = pattern.exec(text);
  return found ? `U+${(found[0].codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}` : null;
}
/** Dot-separated LDH labels (IDNs arrive in their `xn--` form from `URL`). */
const HOST = /^([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

/**
 * Lower-cased, trimmed e-mail, or `null` when it is not one. A domain written in its own script
 * (`Bücher.de`) is written as DNS does (`xn--bcher-kva.de`), as domains are everywhere else here:
 * one address, however it is spelt, for the cache, the store and erasures. So an address's letters
 * are composed (NFC, as RFC 6532 §3.1 asks of international addresses: `é` typed as `e` and a
 * combining accent is `é`), and the `mailto:` of a link it was copied from is dropped.
 */
export function normalizeEmail(value: string): string | null {
  let email = value
    .normalize('NFC')
    .trim()
    .replace(/^mailto:/i, '')
    .toLowerCase();
  const at = email.lastIndexOf('@');
  const domain = email.slice(at + 1);
  if (at > 0 && /[^ -~]/.test(domain) && !/[\p{C}\p{Z}]/u.test(domain)) {
    // IDNA maps some invisible characters (a soft hyphen) to nothing: those are refused, not dropped.
    const ascii = domainToASCII(domain);
    if (!ascii) {
      return null;
    }
    email = `${email.slice(0, at)}@${ascii}`;
  }
  return EMAIL.test(email) && email.length <= 254 ? email : null;
}

/**
 * The registrable domain (`example.co.uk`) of a domain, a URL or an e-mail address, by the Public
 * Suffix List: `https://www.shop.example.co.uk/x` and `Jane@Mail.Example.co.uk` both give
 * `example.co.uk`, since providers index companies by it. Private suffixes count too, so a shop at
 * `acme.myshopify.com` stays itself rather than becoming `myshopify.com`. `null` when there is none:
 * IP addresses, bare suffixes (`co.uk`), single labels (`localhost`) and unknown top-level domains.
 */
export function normalizeDomain(value: string): string | null {
  let text = value.trim().toLowerCase();
  // An e-mail address gives its domain; an `@` in a URL's query or fragment does not
  // (`acme.com?ref=jane@other.com` is acme.com), nor does one in its user-info (`URL` drops that).
  if (text.includes('@') && !/[/?#]/.test(text)) {
    text = text.slice(text.lastIndexOf('@') + 1);
  }
  if (!/^[a-z][a-z0-9+.-]*:\/\//.test(text)) {
    text = `http://${text}`;
  }
  let host: string;
  try {
    host = new URL(text).hostname;
  } catch {
    return null;
  }
  const parsed = parseHost(host.replace(/\.$/, ''), { allowPrivateDomains: true });
  if (parsed.isIp || !(parsed.isIcann || parsed.isPrivate) || !parsed.domain) {
    return null;
  }
  return HOST.test(parsed.domain) ? parsed.domain : null;
}

/** A phone number in E.164 and the extension dialled after it, if any. */
export interface PhoneParts {
  number: string;
  /** Digits only (`123`), as libphonenumber reads them; `null` when there is none. */
  extension: string | null;
}

/**
 * A phone number in E.164 with its extension (`+44 20 7946 0958 ext. 123`, `020 7946 0958 x123`,
 * `…;ext=123`), or `null` when it is not a valid number (for `defaultCountry` when it has no `+`).
 * E.164 has no room for an extension, so it is kept beside the number. `extension` is one a
 * provider gives in a field of its own: used when the number itself names none, and ignored (the
 * number kept) when libphonenumber cannot read it as one.
 */
export function normalizePhoneParts(
  value: string,
  defaultCountry: CountryCode = 'GB',
  extension?: string | null,
): PhoneParts | null {
  const parsed = parsePhoneNumberFromString(value.trim(), defaultCountry);
  if (!parsed?.isValid()) {
    return null;
  }
  const given = extension?.trim();
  if (!parsed.ext && given) {
    const withExtension = parsePhoneNumberFromString(`${parsed.number} ext. ${given}`);
    if (withExtension?.isValid() && withExtension.number === parsed.number && withExtension.ext) {
      return { number: parsed.number, extension: withExtension.ext };
    }
  }
  return { number: parsed.number, extension: parsed.ext ?? null };
}

/**
 * A phone number in E.164, or `null` when it is not a valid number (for `defaultCountry` when it
 * has no `+`). An extension is dropped: see {@link normalizePhoneParts} to keep it.
 */
export function normalizePhone(value: string, defaultCountry: CountryCode = 'GB'): string | null {
  return normalizePhoneParts(value, defaultCountry)?.number ?? null;
}

/** Whether an E.164 number is a mobile, as far as the numbering plan tells. */
export function phoneKindOf(e164: string): 'mobile' | 'landline' | 'unknown' {
  const type = parsePhoneNumberFromString(e164)?.getType();
  if (type === 'MOBILE') {
    return 'mobile';
  }
  if (type === 'FIXED_LINE') {
    return 'landline';
  }
  return 'unknown';
}

/** The ISO country of an E.164 number, when the plan tells. */
export function phoneCountryOf(e164: string): string | null {
  return parsePhoneNumberFromString(e164)?.country ?? null;
}

/**
 * A LinkedIn profile URL in one form (`https://www.linkedin.com/in/<slug>`), or `null` when the
 * value is not a LinkedIn profile URL. Country (`uk.`) and mobile (`m.`) hosts are the same profile.
 */
export function normalizeLinkedinUrl(value: string): string | null {
  const match = /^(?:https?:\/\/)?(?:[a-z]{1,3}\.)?linkedin\.com\/in\/([^/?#\s]+)\/?(?:[?#].*)?$/i.exec(
    value.trim(),
  );
  if (!match) {
    return null;
  }
  let slug: string;
  try {
    // Composed (NFC): `jos%C3%A9` and `jose%CC%81` are one profile, as for e-mail addresses.
    slug = decodeURIComponent(match[1]).normalize('NFC').toLowerCase();
  } catch {
    return null; // a `%` that starts no escape (`/in/ada%zz`)
  }
  // Decoded, `%E2%80%8B` is a zero-width space: the same refusal as for one typed as is.
  return /[\s/?#]/.test(slug) || INVISIBLE.test(slug) ? null : `https://www.linkedin.com/in/${slug}`;
}
