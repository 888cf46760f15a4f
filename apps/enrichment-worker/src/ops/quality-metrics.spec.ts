import { qualityOf } from './quality-metrics';

describe('qualityOf', () => {
  it('reads a verification verdict', () => {
    expect(qualityOf({ email: 'ada@acme.com', verdict: 'catch_all', raw_verdict: 'accept_all' })).toEqual({
      verdict: 'catch_all',
      phones: [],
    });
  });

  it('reads the phones found, valid when in E.164 form', () => {
    expect(
      qualityOf({
        phones: [
          { number: '+442079460000', kind: 'direct', country: 'GB' },
          { number: '020 7946 0000', kind: 'mobile', country: null },
          { number: '+44207', kind: 'office', country: 'GB' },
          { kind: 'mobile' },
          'junk',
        ],
      }),
    ).toEqual({
      verdict: null,
      phones: [
        { kind: 'direct', valid: true },
        { kind: 'mobile', valid: false },
        { kind: 'office', valid: false },
        { kind: 'mobile', valid: false },
      ],
    });
  });

  it('sees nothing in other outputs or none', () => {
    expect(qualityOf({ person: { firstName: 'Ada' } })).toEqual({ verdict: null, phones: [] });
    expect(qualityOf(null)).toEqual({ verdict: null, phones: [] });
  });
});
