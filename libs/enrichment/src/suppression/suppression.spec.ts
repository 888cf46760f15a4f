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
