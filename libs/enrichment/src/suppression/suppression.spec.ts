import { normalizeIdentifier, suppressionHash, suppressionHashesOf } from './suppression';

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
});
