import { parseJson, storableText } from './json';

describe('parseJson', () => {
  it('tells a body that is not JSON apart from a JSON null', () => {
    expect(parseJson('<html></html>')).toEqual({ ok: false });
    expect(parseJson('{"a":')).toEqual({ ok: false });
    expect(parseJson('null')).toEqual({ ok: true, value: null });
  });

  it('drops NUL characters from every string, keys and nested values included', () => {
    expect(parseJson('{"title":"Head\\u0000 of Sales","a\\u0000b":[{"name":"\\u0000Jane"}],"n":1}')).toEqual({
      ok: true,
      value: { title: 'Head of Sales', ab: [{ name: 'Jane' }], n: 1 },
    });
  });

  it('replaces lone surrogates, and keeps the pairs that make a character', () => {
    expect(parseJson('["x\\ud800 y","\\udc00","\\ud83d\\ude00"]')).toEqual({
      ok: true,
      value: ['x\ufffd y', '\ufffd', '😀'],
    });
  });

  it('leaves an escaped backslash before u0000 as the text it is', () => {
    expect(parseJson('{"path":"C:\\\\u0000"}')).toEqual({ ok: true, value: { path: 'C:\\u0000' } });
  });
});

describe('storableText', () => {
  it('drops raw NUL characters from text', () => {
    expect(storableText('Invalid\u0000 API key')).toBe('Invalid API key');
  });
});
