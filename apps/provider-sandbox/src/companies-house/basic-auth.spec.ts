import { apiKeyFromBasicAuth } from './basic-auth';

const basic = (credentials: string): string => `Basic ${Buffer.from(credentials).toString('base64')}`;

describe('apiKeyFromBasicAuth', () => {
  it('takes the key from the user name with an empty password', () => {
    expect(apiKeyFromBasicAuth(basic('my-key:'))).toBe('my-key');
  });

  it('ignores a password and accepts any case of the scheme', () => {
    expect(apiKeyFromBasicAuth(basic('my-key:secret'))).toBe('my-key');
    expect(apiKeyFromBasicAuth(basic('my-key:').replace('Basic', 'basic'))).toBe('my-key');
  });

  it.each([
    ['no header', undefined],
    ['an empty header', ''],
    ['a Bearer token', 'Bearer abc'],
    ['an empty user name', basic(':')],
    ['a blank user name', basic('  :')],
    ['no colon', basic('my-key')],
    ['not base64', 'Basic !!!not-base64!!!'],
    ['nothing after Basic', 'Basic '],
  ])('refuses %s', (_case, header) => {
    expect(apiKeyFromBasicAuth(header)).toBeNull();
  });
});
