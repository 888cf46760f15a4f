import { BadRequestException } from '@nestjs/common';
import { PROVIDER_CREDENTIAL_FIELDS } from '@sluice/config';
import { PROVIDER_NAMES } from '@sluice/queue';
import { credentialFieldsOf, fingerprintOf, parseCredentialsBody } from './credentials-body';

function problemsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(BadRequestException);
    const response = (error as BadRequestException).getResponse() as { message: string | string[] };
    return Array.isArray(response.message) ? response.message : [response.message];
  }
  throw new Error('expected a 400');
}

describe('provider credentials bodies', () => {
  it('knows the credential fields of every provider Sluice has, and of no other', () => {
    expect(Object.keys(PROVIDER_CREDENTIAL_FIELDS).sort()).toEqual([...PROVIDER_NAMES].sort());
    expect(credentialFieldsOf('snov')).toEqual(['client_id', 'client_secret']);
    expect(credentialFieldsOf('apollo')).toEqual(['api_key']);
  });

  it('takes exactly the provider’s fields', () => {
    expect(parseCredentialsBody('snov', { client_id: 'id-123', client_secret: 's3cr3t' })).toEqual({
      client_id: 'id-123',
      client_secret: 's3cr3t',
    });
  });

  it('names every missing, unknown and malformed field, and never echoes a value', () => {
    const problems = problemsOf(() =>
      parseCredentialsBody('snov', { client_id: 'has space-very-secret', api_key: 'x', client_secret: 7 }),
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^api_key is not a snov credential \(it takes client_id, client_secret\)/),
        expect.stringMatching(/^client_id must not contain spaces/),
        'client_secret must be a string',
      ]),
    );
    expect(JSON.stringify(problems)).not.toContain('very-secret');
    expect(problemsOf(() => parseCredentialsBody('apollo', {}))).toEqual(['api_key is required']);
    expect(problemsOf(() => parseCredentialsBody('apollo', { api_key: '  ' }))).toEqual([
      'api_key must not be empty',
    ]);
    expect(problemsOf(() => parseCredentialsBody('apollo', { api_key: 'k'.repeat(1001) }))).toEqual([
      'api_key must be at most 1000 characters',
    ]);
    for (const body of [null, [], 'key', 42]) {
      expect(problemsOf(() => parseCredentialsBody('apollo', body))[0]).toMatch(/JSON object with api_key/);
    }
  });

  it('fingerprints with the last four characters only when the value is long enough', () => {
    expect(fingerprintOf('apollo', { api_key: 'live-apollo-key-12345678abcd' })).toBe('…abcd');
    expect(fingerprintOf('apollo', { api_key: 'short-key' })).toBe('…');
  });
});
