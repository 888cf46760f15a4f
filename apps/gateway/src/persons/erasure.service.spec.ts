import { wholeIdentifierPattern } from './erasure.service';

describe('wholeIdentifierPattern', () => {
  const matches = (needle: string, text: string): boolean =>
    new RegExp(wholeIdentifierPattern(needle)).test(text);

  it('finds an e-mail address in JSON, text and headers', () => {
    expect(matches('an@x.com', '{"email":"an@x.com"}')).toBe(true);
    expect(matches('an@x.com', 'Contact: an@x.com.')).toBe(true);
    expect(matches('an@x.com', '<an@x.com>')).toBe(true);
  });

  it('never matches inside another person’s address', () => {
    expect(matches('an@x.com', '{"email":"jan@x.com"}')).toBe(false);
    expect(matches('an@x.com', '{"email":"an@x.com.au"}')).toBe(false);
    expect(matches('an@x.com', '{"email":"an@x.community"}')).toBe(false);
    expect(matches('an@x.com', 'j.an@x.com')).toBe(false);
  });

  it('tells LinkedIn profiles apart by their whole slug', () => {
    expect(matches('linkedin.com/in/jane', '"https://www.linkedin.com/in/jane/"')).toBe(true);
    expect(matches('linkedin.com/in/jane', '"https://www.linkedin.com/in/jane"')).toBe(true);
    expect(matches('linkedin.com/in/jane', '"https://www.linkedin.com/in/jane-doe"')).toBe(false);
  });

  it('treats regular-expression characters in the identifier literally', () => {
    expect(matches('a+b@x.com', 'a+b@x.com')).toBe(true);
    expect(matches('a.b@x.com', 'aXb@x.com')).toBe(false);
  });
});
