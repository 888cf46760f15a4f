import { qualityOf } from './quality-metrics';

describe('qualityOf', () => {
  it('reads a verification verdict', () => {
    expect(
      qualityOf({ email: 'ada@acme.com', verdict: 'catch_all', raw_verdict: 'accept_all' }, 'email.verify'),
    ).toEqual({
      verdict: 'catch_all',
      phones: [],
    });
  });

  it('counts no finder’s own verdict as a verification', () => {
    expect(
      qualityOf({ email: 'ada@acme.com', kind: 'work', verdict: 'valid', confidence: 0.9 }, 'person.email'),
    ).toEqual({ verdict: null, phones: [] });
  });

  it('reads the phones found, valid when in E.164 form', () => {
    expect(
      qualityOf(
        {
          phones: [
            { number: '+442079460000', kind: 'direct', country: 'GB' },
            { number: '020 7946 0000', kind: 'mobile', country: null },
            { number: '+44207', kind: 'office', country: 'GB' },
            { kind: 'mobile' },
            'junk',
          ],
        },
        'person.phone',
      ),
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
    expect(qualityOf({ person: { firstName: 'Ada' } }, 'person.profile')).toEqual({
      verdict: null,
      phones: [],
    });
    expect(qualityOf(null, 'email.verify')).toEqual({ verdict: null, phones: [] });
  });
});
