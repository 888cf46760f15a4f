import {
  normalizeIdentifier,
  suppressionHash,
  suppressionHashesIn,
  suppressionHashesOf,
} from './suppression';

describe('suppression hashes', () => {
  it('hashes the normalised identifier, so spellings of one person match and the value is not kept', () => {
    const a = suppressionHashesOf({ email: '  Jane.Doe@Example.COM ' });
    const b = suppressionHashesOf({ email: 'jane.doe@example.com' });
    expect(a).toEqual(b);
    expect(a).toEqual([{ kind: 'email', hash: suppressionHash('jane.doe@example.com') }]);
    expect(a[0].hash).toMatch(/^[0-9a-f]{64}$/);
    expect(a[0].hash).not.toContain('jane');
  });

  it('reads LinkedIn URLs in any of their forms', () => {
    expect(normalizeIdentifier('linkedin_url', 'linkedin.com/in/Jane-Doe/')).toBe(
      'https://www.linkedin.com/in/jane-doe',
    );
    expect(suppressionHashesOf({ linkedin_url: 'https://uk.linkedin.com/in/jane-doe?x=1' })).toEqual(
      suppressionHashesOf({ linkedin_url: 'https://www.linkedin.com/in/JANE-DOE' }),
    );
  });

  it('holds a person however their address or profile URL is written: composed, decomposed, mailto:', () => {
    const composed = suppressionHash('jos\u00e9@example.com');
    for (const email of [
      'jose\u0301@example.com',
      'Jos\u00e9@Example.com',
      'mailto:jose\u0301@example.com',
    ]) {
      expect(suppressionHashesOf({ email }).map((h) => h.hash)).toContain(composed);
    }
    expect(suppressionHashesOf({ email: 'mailto:jane@example.com' })).toEqual(
      suppressionHashesOf({ email: 'jane@example.com' }),
    );
    const profile = suppressionHash('https://www.linkedin.com/in/jos\u00e9');
    expect(suppressionHashesOf({ linkedin_url: 'linkedin.com/in/jose%CC%81' }).map((h) => h.hash)).toContain(
      profile,
    );
    expect(suppressionHashesIn({ email: 'jose\u0301@example.com' })).toContain(composed);
  });

  it('still holds a person whose erasure recorded the decomposed form of their identifier', () => {
    // What an erasure of `jose\u0301@example.com` recorded before identifiers were composed.
    const recorded = suppressionHash('jose\u0301@example.com');
    for (const email of ['jos\u00e9@example.com', 'jose\u0301@example.com']) {
      expect(suppressionHashesOf({ email })).toEqual([
        { kind: 'email', hash: suppressionHash('jos\u00e9@example.com') },
        { kind: 'email', hash: recorded },
      ]);
    }
    expect(suppressionHashesIn(['jos\u00e9@example.com'])).toContain(recorded);
    // An identifier of letters that do not decompose has one hash.
    expect(suppressionHashesOf({ email: 'jane@example.com' })).toHaveLength(1);
  });

  it('ignores fields that are missing or not identifiers', () => {
    expect(suppressionHashesOf({ domain: 'example.com', email: 'not an e-mail', linkedin_url: 42 })).toEqual(
      [],
    );
    expect(normalizeIdentifier('email', 'nope')).toBeNull();
  });

  it('finds every e-mail address and LinkedIn profile anywhere in a result, once each', () => {
    const result = {
      email: { email: 'Jane.Doe@Example.com', source: 'apollo' },
      data: { business_email: 'jane.doe@example.com', full_name: 'Jane Doe' },
      person: { linkedin_url: 'https://www.linkedin.com/in/jane-doe/', phones: ['+44 20 7946 0000'] },
      officer_emails: [
        { name: 'Sam Roe', email: 'sam@roe.co.uk' },
        { name: 'No One', email: null },
      ],
      notes: ['not an address @ all', 'linkedin.com/company/acme'],
    };
    expect(new Set(suppressionHashesIn(result))).toEqual(
      new Set([
        suppressionHash('jane.doe@example.com'),
        suppressionHash(
          normalizeIdentifier('linkedin_url', 'https://www.linkedin.com/in/jane-doe') as string,
        ),
        suppressionHash('sam@roe.co.uk'),
      ]),
    );
    expect(suppressionHashesIn(result)).toHaveLength(3);
    expect(suppressionHashesIn({ company: { name: 'Acme Ltd', number: 12 } })).toEqual([]);
    expect(suppressionHashesIn(null)).toEqual([]);
  });
});
