import { canonicalBody } from './canonical-body';

describe('canonicalBody', () => {
  it('writes objects with their keys sorted, at every depth', () => {
    const sent = {
      type: 'enrich',
      options: { verify: true, fields: ['title'] },
      input: { last_name: 'Lovelace', first_name: 'Ada', extra: { b: 1, a: [{ z: 1, y: 2 }] } },
    };
    const reordered = {
      input: { extra: { a: [{ y: 2, z: 1 }], b: 1 }, first_name: 'Ada', last_name: 'Lovelace' },
      options: { fields: ['title'], verify: true },
      type: 'enrich',
    };
    expect(JSON.stringify(sent)).not.toBe(JSON.stringify(reordered));
    expect(canonicalBody(reordered)).toBe(canonicalBody(sent));
    expect(canonicalBody(sent)).toBe(
      '{"input":{"extra":{"a":[{"y":2,"z":1}],"b":1},"first_name":"Ada","last_name":"Lovelace"},"options":{"fields":["title"],"verify":true},"type":"enrich"}',
    );
  });

  it('keeps the order of arrays, which is meaningful', () => {
    expect(canonicalBody({ enrich: ['title', 'business_email'] })).not.toBe(
      canonicalBody({ enrich: ['business_email', 'title'] }),
    );
    expect(canonicalBody({ jobs: [{ b: 1 }, { a: 1 }] })).toBe('{"jobs":[{"b":1},{"a":1}]}');
  });

  it('tells apart bodies whose values differ, and writes values as JSON.stringify does', () => {
    expect(canonicalBody({ input: { company_number: '00000001' } })).not.toBe(
      canonicalBody({ input: { company_number: '00000002' } }),
    );
    const values = { s: 'é "q" \u0000', n: 1.5e-7, t: true, f: false, z: null, e: [], o: {} };
    expect(JSON.parse(canonicalBody(values))).toEqual(values);
    expect(canonicalBody('text')).toBe(JSON.stringify('text'));
    expect(canonicalBody([3, 1, 2])).toBe('[3,1,2]');
  });

  it('writes no body as null, as the fingerprint always has', () => {
    expect(canonicalBody(undefined)).toBe('null');
    expect(canonicalBody(null)).toBe('null');
    expect(canonicalBody({})).toBe('{}');
  });
});
