import { createHash } from 'node:crypto';
import { cacheClassOf, cacheKeyOf } from './cache-key';

describe('cacheKeyOf', () => {
  it('is provider:operation:32 hex digits of a SHA-256', () => {
    expect(cacheKeyOf('apollo', 'person.email', { email: 'jane@acme.com' })).toMatch(
      /^apollo:person\.email:[0-9a-f]{32}$/,
    );
  });

  it('hashes the sorted canonical entries as JSON', () => {
    const expected = createHash('sha256')
      .update(
        JSON.stringify([
          ['domain', 'acme.com'],
          ['first_name', 'jane'],
        ]),
      )
      .digest('hex')
      .slice(0, 32);
    expect(cacheKeyOf('p', 'person.email', { first_name: ' Jane ', domain: 'www.Acme.com' })).toBe(
      `p:person.email:${expected}`,
    );
  });

  it('gives the same key whatever the order of the keys', () => {
    expect(cacheKeyOf('p', 'op', { first_name: 'Jane', last_name: 'Doe', domain: 'acme.com' })).toBe(
      cacheKeyOf('p', 'op', { domain: 'acme.com', last_name: 'Doe', first_name: 'Jane' }),
    );
  });

  it('reduces a domain to its registrable domain however it is written', () => {
    const key = cacheKeyOf('p', 'company.domain', { domain: 'example.co.uk' });
    for (const domain of [
      'https://www.Example.co.uk/',
      'EXAMPLE.CO.UK',
      '  www.example.co.uk ',
      'http://shop.example.co.uk/basket?x=1',
      'jane@example.co.uk',
    ]) {
      expect(cacheKeyOf('p', 'company.domain', { domain })).toBe(key);
    }
    expect(cacheKeyOf('p', 'company.domain', { domain: 'example.com' })).not.toBe(key);
  });

  it('normalises e-mails, LinkedIn URLs and phones', () => {
    expect(cacheKeyOf('p', 'op', { email: ' Jane.Doe@ACME.com ' })).toBe(
      cacheKeyOf('p', 'op', { email: 'jane.doe@acme.com' }),
    );
    expect(cacheKeyOf('p', 'op', { linkedin_url: 'linkedin.com/in/Jane-Doe/' })).toBe(
      cacheKeyOf('p', 'op', { linkedin_url: 'https://uk.linkedin.com/in/jane-doe?trk=x' }),
    );
    expect(cacheKeyOf('p', 'op', { phone: '07400 123456' })).toBe(
      cacheKeyOf('p', 'op', { phone: '+447400123456' }),
    );
    expect(cacheKeyOf('p', 'op', { phone: '+44 (0)7400 123456' })).toBe(
      cacheKeyOf('p', 'op', { phone: '+447400123456' }),
    );
    expect(cacheKeyOf('p', 'op', { email: 'jane@acme.com' })).not.toBe(
      cacheKeyOf('p', 'op', { email: 'john@acme.com' }),
    );
  });

  it('normalises company numbers: case, surrounding and inner spaces, zero-padding', () => {
    expect(cacheKeyOf('ch', 'company.profile', { company_number: ' sc571653 ' })).toBe(
      cacheKeyOf('ch', 'company.profile', { company_number: 'SC571653' }),
    );
    expect(cacheKeyOf('ch', 'company.profile', { company_number: 'SC 571653' })).toBe(
      cacheKeyOf('ch', 'company.profile', { company_number: 'SC571653' }),
    );
    expect(cacheKeyOf('ch', 'company.profile', { company_number: '779 8925' })).toBe(
      cacheKeyOf('ch', 'company.profile', { company_number: '07798925' }),
    );
    expect(cacheKeyOf('ch', 'company.profile', { company_number: 'SC571653' })).not.toBe(
      cacheKeyOf('ch', 'company.profile', { company_number: 'SC571654' }),
    );
  });

  it('trims, collapses whitespace in and lower-cases other strings', () => {
    expect(cacheKeyOf('p', 'op', { company_name: '  Acme   Widgets\tLtd ' })).toBe(
      cacheKeyOf('p', 'op', { company_name: 'acme widgets ltd' }),
    );
    expect(cacheKeyOf('p', 'op', { company_name: 'Acme Widgets' })).not.toBe(
      cacheKeyOf('p', 'op', { company_name: 'AcmeWidgets' }),
    );
  });

  it('gives text that reads the same one key: composed or decomposed, full-width or not', () => {
    const key = cacheKeyOf('p', 'op', { full_name: 'Jos\u00e9 Garc\u00eda', company_name: 'Caf\u00e9 Ltd' });
    expect(
      cacheKeyOf('p', 'op', { full_name: 'Jose\u0301 Garci\u0301a', company_name: 'Cafe\u0301 Ltd' }),
    ).toBe(key);
    expect(
      cacheKeyOf('p', 'op', {
        full_name: '\uff2a\uff4f\uff53\u00e9 \uff27\uff41\uff52\uff43\u00ed\uff41',
        company_name: '\uff23\uff41\uff46\u00e9 Ltd',
      }),
    ).toBe(key);
    // Another letter is another name.
    expect(cacheKeyOf('p', 'op', { full_name: 'Jose Garcia', company_name: 'Cafe Ltd' })).not.toBe(key);
    expect(cacheKeyOf('p', 'op', { email: 'jose\u0301@acme.com' })).toBe(
      cacheKeyOf('p', 'op', { email: 'mailto:Jos\u00e9@acme.com' }),
    );
  });

  it('drops null, undefined, empty and blank values', () => {
    const bare = cacheKeyOf('p', 'op', { email: 'jane@acme.com' });
    expect(
      cacheKeyOf('p', 'op', {
        email: 'jane@acme.com',
        domain: null,
        first_name: undefined,
        last_name: '',
        company_name: '   ',
        titles: [],
      }),
    ).toBe(bare);
  });

  it('keeps values that mean something even when falsy', () => {
    const bare = cacheKeyOf('p', 'op', { email: 'jane@acme.com' });
    expect(cacheKeyOf('p', 'op', { email: 'jane@acme.com', page: 0 })).not.toBe(bare);
    expect(cacheKeyOf('p', 'op', { email: 'jane@acme.com', reveal: false })).not.toBe(bare);
    expect(cacheKeyOf('p', 'op', { email: 'jane@acme.com', reveal: false })).not.toBe(
      cacheKeyOf('p', 'op', { email: 'jane@acme.com', reveal: true }),
    );
  });

  it('canonicalises nested objects and list items, keeping list order', () => {
    expect(
      cacheKeyOf('p', 'bulk', { filters: { title: ' CTO ', city: 'Leeds' }, names: [' Jane', 'DOE'] }),
    ).toBe(
      cacheKeyOf('p', 'bulk', {
        names: ['jane', 'doe'],
        filters: { city: 'leeds', title: 'cto', zip: null },
      }),
    );
    expect(cacheKeyOf('p', 'bulk', { names: ['jane', 'doe'] })).not.toBe(
      cacheKeyOf('p', 'bulk', { names: ['doe', 'jane'] }),
    );
  });

  it('tells providers, operations and differently named inputs apart', () => {
    const input = { email: 'jane@acme.com' };
    const key = cacheKeyOf('apollo', 'person.email', input);
    expect(cacheKeyOf('snov', 'person.email', input)).not.toBe(key);
    expect(cacheKeyOf('apollo', 'person.profile', input)).not.toBe(key);
    expect(cacheKeyOf('apollo', 'person.email', { personal_email: 'jane@acme.com' })).not.toBe(key);
  });

  it('does not modify its input', () => {
    const input = { domain: 'https://www.Example.co.uk/', first_name: ' Jane ' };
    const copy = { ...input };
    cacheKeyOf('p', 'op', input);
    expect(input).toEqual(copy);
  });
});

describe('cacheClassOf', () => {
  it.each([
    ['person.email', 'person'],
    ['person.phone', 'person'],
    ['person.profile', 'person'],
    ['email.verify', 'person'],
    ['company.profile', 'company'],
    ['company.officers', 'company'],
    ['company.domain', 'company'],
    ['company.search', 'search'],
    ['person.search', 'search'],
    ['person.bulk_enrich', 'bulk'],
    ['company.bulk_search', 'bulk'],
    ['account.credits', 'account'],
    ['account', 'account'],
    ['credits', 'account'],
  ] as const)('classes %s as %s', (operation, expected) => {
    expect(cacheClassOf(operation)).toBe(expected);
  });
});
