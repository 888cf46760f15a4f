import {
  invisibleCharacterIn,
  normalizeDomain,
  normalizeEmail,
  normalizeLinkedinUrl,
  normalizePhone,
  normalizePhoneParts,
  phoneCountryOf,
  phoneKindOf,
} from './contact';

describe('contact normalisation', () => {
  it('lower-cases e-mails and refuses what is not one', () => {
    expect(normalizeEmail('  Jane.Doe@Acme.CO.UK ')).toBe('jane.doe@acme.co.uk');
    expect(normalizeEmail('jane.doe@')).toBeNull();
    expect(normalizeEmail('not an email')).toBeNull();
  });

  it('reads an address composed or decomposed, or copied from a mailto: link, as one address', () => {
    expect(normalizeEmail('jose\u0301@acme.com')).toBe('jos\u00e9@acme.com');
    expect(normalizeEmail('jos\u00e9@acme.com')).toBe('jos\u00e9@acme.com');
    expect(normalizeEmail(' mailto:Jane.Doe@Acme.com')).toBe('jane.doe@acme.com');
    expect(normalizeEmail('MAILTO:jane.doe@acme.com')).toBe('jane.doe@acme.com');
    // Another mailbox, not another spelling of one.
    expect(normalizeEmail('jane.doe+sales@acme.com')).toBe('jane.doe+sales@acme.com');
    // A link's query is no part of an address.
    expect(normalizeEmail('mailto:jane.doe@acme.com?subject=Hi')).toBeNull();
  });

  it('writes an address at a domain in its own script as DNS writes the domain', () => {
    expect(normalizeEmail('Elizabeth.Johnson@Bücher.DE')).toBe('elizabeth.johnson@xn--bcher-kva.de');
    expect(normalizeEmail('elizabeth.johnson@xn--bcher-kva.de')).toBe('elizabeth.johnson@xn--bcher-kva.de');
    expect(normalizeEmail('ana@münchen.example.com')).toBe('ana@xn--mnchen-3ya.example.com');
    // A top-level domain in its own script too.
    expect(normalizeEmail('ivan@пример.рф')).toBe('ivan@xn--e1afmkfd.xn--p1ai');
    // Not a domain in any script.
    expect(normalizeEmail('jane@bü cher.de')).toBeNull();
    expect(normalizeEmail('jane@bücher')).toBeNull();
    // IDNA would drop a soft hyphen: an address holding one is refused, as in its local part.
    expect(normalizeEmail('jane@bü\u00adcher.de')).toBeNull();
    expect(normalizeEmail('jane@ac\u00adme.com')).toBeNull();
  });

  it('refuses e-mails holding an invisible or control character, which would look like another address', () => {
    for (const hidden of ['\u200b', '\u200d', '\u2060', '\ufeff', '\u0007', '\u00ad', '\u00a0', '\ue000']) {
      expect(normalizeEmail(`jane${hidden}.doe@acme.com`)).toBeNull();
      expect(normalizeEmail(`${hidden}x${hidden}jane.doe@acme.com`)).toBeNull();
    }
    // Visible letters of any script are an address's own (RFC 6531).
    expect(normalizeEmail('jösé.ñandú@acme.com')).toBe('jösé.ñandú@acme.com');
    expect(normalizeEmail('用户@acme.com')).toBe('用户@acme.com');
    expect(invisibleCharacterIn('jane\u200b@acme.com')).toBe('U+200B');
    expect(invisibleCharacterIn('bell\u0007@acme.com')).toBe('U+0007');
    expect(invisibleCharacterIn('  jane@acme.com\n')).toBeNull();
    // A plain space is visible: what is wrong with 'not a domain' is not hidden.
    expect(invisibleCharacterIn('not a domain')).toBeNull();
    expect(invisibleCharacterIn('jane\u00a0doe@acme.com')).toBe('U+00A0');
  });

  it('takes the domain from a URL, an e-mail or a bare host, without www', () => {
    expect(normalizeDomain('https://www.Acme.co.uk/about?x=1')).toBe('acme.co.uk');
    expect(normalizeDomain('jane@acme.io')).toBe('acme.io');
    // An `@` in a query or a fragment is not an address's: the domain is the URL's host.
    expect(normalizeDomain('acme.com?ref=jane@other.com')).toBe('acme.com');
    expect(normalizeDomain('acme.com#contact=jane@other.com')).toBe('acme.com');
    expect(normalizeDomain('https://acme.com/?ref=jane@other.com')).toBe('acme.com');
    expect(normalizeDomain('https://jane@acme.com/')).toBe('acme.com');
    expect(normalizeDomain('acme.com')).toBe('acme.com');
    expect(normalizeDomain('localhost')).toBeNull();
    expect(normalizeDomain('not a domain')).toBeNull();
  });

  it('reduces a host to its registrable domain by the Public Suffix List', () => {
    expect(normalizeDomain('https://www.shop.example.co.uk/x')).toBe('example.co.uk');
    expect(normalizeDomain('shop.example.co.uk')).toBe('example.co.uk');
    expect(normalizeDomain('a.b.c.example.com')).toBe('example.com');
    expect(normalizeDomain('Jane@Mail.Example.CO.UK')).toBe('example.co.uk');
    expect(normalizeDomain('  HTTP://Blog.Acme.com:8080/path#top ')).toBe('acme.com');
    expect(normalizeDomain('example.com.')).toBe('example.com');
    expect(normalizeDomain('www.gov.uk')).toBe('www.gov.uk');
    expect(normalizeDomain('city.kawasaki.jp')).toBe('city.kawasaki.jp');
  });

  it('keeps a company on a private suffix as itself, not the platform', () => {
    expect(normalizeDomain('https://acme.github.io/docs')).toBe('acme.github.io');
    expect(normalizeDomain('www.acme.myshopify.com')).toBe('acme.myshopify.com');
    expect(normalizeDomain('https://hmrc.service.gov.uk/')).toBe('hmrc.service.gov.uk');
    expect(normalizeDomain('github.io')).toBeNull();
  });

  it('writes internationalised domains in their ASCII form', () => {
    expect(normalizeDomain('https://www.münchen.de/')).toBe('xn--mnchen-3ya.de');
  });

  it('refuses hosts that have no registrable domain', () => {
    expect(normalizeDomain('co.uk')).toBeNull();
    expect(normalizeDomain('com')).toBeNull();
    expect(normalizeDomain('http://192.168.0.1/admin')).toBeNull();
    expect(normalizeDomain('8.8.8.8')).toBeNull();
    expect(normalizeDomain('http://[::1]:3000/')).toBeNull();
    expect(normalizeDomain('jane@10.0.0.1')).toBeNull();
    expect(normalizeDomain('intranet.acme.internal')).toBeNull();
    expect(normalizeDomain('')).toBeNull();
    expect(normalizeDomain('https://')).toBeNull();
  });

  it('writes valid phone numbers in E.164 and refuses invalid ones', () => {
    expect(normalizePhone('07400 123456')).toBe('+447400123456');
    expect(normalizePhone('+44 20 7946 0958')).toBe('+442079460958');
    expect(normalizePhone('(415) 555-2671', 'US')).toBe('+14155552671');
    expect(normalizePhone('12345')).toBeNull();
  });

  it('keeps the extension a number is written with beside its E.164 form', () => {
    expect(normalizePhoneParts('+44 20 7946 0958 ext. 123')).toEqual({
      number: '+442079460958',
      extension: '123',
    });
    expect(normalizePhoneParts('020 7946 0958 x123')).toEqual({ number: '+442079460958', extension: '123' });
    expect(normalizePhoneParts('+442079460958;ext=0045')).toEqual({
      number: '+442079460958',
      extension: '0045',
    });
    expect(normalizePhoneParts('(415) 555-2671 extension 9', 'US')).toEqual({
      number: '+14155552671',
      extension: '9',
    });
    expect(normalizePhoneParts('+44 20 7946 0958')).toEqual({ number: '+442079460958', extension: null });
    expect(normalizePhoneParts('12345 ext. 1')).toBeNull();
    // normalizePhone still gives E.164 alone: the number, without what is dialled after it.
    expect(normalizePhone('+44 20 7946 0958 ext. 123')).toBe('+442079460958');
  });

  it('takes an extension given beside the number when the number names none, and only a readable one', () => {
    expect(normalizePhoneParts('+442079460958', 'GB', ' 123 ')).toEqual({
      number: '+442079460958',
      extension: '123',
    });
    expect(normalizePhoneParts('+442079460958 x7', 'GB', '123')).toEqual({
      number: '+442079460958',
      extension: '7',
    });
    expect(normalizePhoneParts('+442079460958', 'GB', 'reception')).toEqual({
      number: '+442079460958',
      extension: null,
    });
    expect(normalizePhoneParts('+442079460958', 'GB', '1'.repeat(40))).toEqual({
      number: '+442079460958',
      extension: null,
    });
  });

  it('tells a UK mobile from a landline and names the country', () => {
    expect(phoneKindOf('+447400123456')).toBe('mobile');
    expect(phoneKindOf('+442079460958')).toBe('landline');
    expect(phoneCountryOf('+442079460958')).toBe('GB');
  });

  it('writes LinkedIn profile URLs in one form', () => {
    expect(normalizeLinkedinUrl('linkedin.com/in/Jane-Doe-123/')).toBe(
      'https://www.linkedin.com/in/jane-doe-123',
    );
    expect(normalizeLinkedinUrl('https://uk.linkedin.com/in/jane?trk=x')).toBe(
      'https://www.linkedin.com/in/jane',
    );
    expect(normalizeLinkedinUrl('https://m.linkedin.com/in/Jane/')).toBe('https://www.linkedin.com/in/jane');
    expect(normalizeLinkedinUrl('https://www.linkedin.com/company/acme')).toBeNull();
    expect(normalizeLinkedinUrl('https://evil.com/linkedin.com/in/jane')).toBeNull();
    expect(normalizeLinkedinUrl('https://notlinkedin.com/in/jane')).toBeNull();
  });

  it('refuses a LinkedIn slug with a broken escape or an invisible character, escaped or not', () => {
    expect(normalizeLinkedinUrl('linkedin.com/in/ada%zz')).toBeNull();
    expect(normalizeLinkedinUrl('linkedin.com/in/ada%E2%80%8B')).toBeNull();
    expect(normalizeLinkedinUrl('linkedin.com/in/ada\u200b')).toBeNull();
    expect(normalizeLinkedinUrl('linkedin.com/in/ada%2Fx')).toBeNull();
    expect(normalizeLinkedinUrl('linkedin.com/in/jos%C3%A9')).toBe('https://www.linkedin.com/in/josé');
  });

  it('reads a LinkedIn slug composed or decomposed, escaped or not, as one profile', () => {
    const composed = 'https://www.linkedin.com/in/jos\u00e9-garc\u00eda';
    expect(normalizeLinkedinUrl('linkedin.com/in/jose%CC%81-garci%CC%81a')).toBe(composed);
    expect(normalizeLinkedinUrl('https://uk.linkedin.com/in/jose\u0301-garci\u0301a/')).toBe(composed);
    expect(normalizeLinkedinUrl('linkedin.com/in/jos%C3%A9-garc%C3%ADa')).toBe(composed);
  });
});
