import type { EmailVerdict, FoundEmail, FoundPhone, PhoneKind } from '../records/person';
import { acceptedWorkEmail, acceptEmail, acceptPhones } from './acceptance';

const UK_MOBILE = '+447400123456';
const UK_LANDLINE = '+442079460958';
const FR_MOBILE = '+33612345678';
const DE_LANDLINE = '+493012345678';
/** North American numbers do not say whether they are mobiles. */
const US_NUMBER = '+14155552671';
const UK_TOLL_FREE = '+448001111111';
const UK_PREMIUM = '+449098790000';
const UK_VOIP = '+445612345678';
const UK_PERSONAL = '+447012345678';

function email(verdict: EmailVerdict | null): FoundEmail {
  return { email: 'jane@acme.com', kind: 'work', verdict, confidence: null };
}

function phone(number: string, kind: PhoneKind, country: string | null = null): FoundPhone {
  return { number, extension: null, kind, country };
}

describe('acceptEmail', () => {
  it('never accepts an invalid address, even when catch-alls are allowed', () => {
    expect(acceptEmail(email('invalid'), { acceptCatchAll: false })).toEqual({
      accepted: false,
      reason: 'invalid',
    });
    expect(acceptEmail(email('invalid'), { acceptCatchAll: true })).toEqual({
      accepted: false,
      reason: 'invalid',
    });
  });

  it('accepts a catch-all only when the request allows it', () => {
    expect(acceptEmail(email('catch_all'), { acceptCatchAll: false })).toEqual({
      accepted: false,
      reason: 'catch_all',
    });
    expect(acceptEmail(email('catch_all'), { acceptCatchAll: true })).toEqual({
      accepted: true,
      reason: null,
    });
  });

  it.each<EmailVerdict | null>(['valid', 'risky', 'unknown', null])('accepts a %p verdict', (verdict) => {
    for (const acceptCatchAll of [false, true]) {
      expect(acceptEmail(email(verdict), { acceptCatchAll })).toEqual({ accepted: true, reason: null });
    }
  });
});

describe('acceptedWorkEmail', () => {
  const at = (
    address: string,
    verdict: EmailVerdict | null,
    kind: FoundEmail['kind'] = 'work',
  ): FoundEmail => ({
    email: address,
    kind,
    verdict,
    confidence: null,
  });

  it('takes the first work address the goal accepts, past refused and personal ones', () => {
    const emails = [
      at('jane@gmail.com', 'valid', 'personal'),
      at('jane@old-employer.com', 'invalid'),
      at('jane@catch.example', 'catch_all'),
      at('jane@acme.com', 'valid'),
    ];
    expect(acceptedWorkEmail(emails, { acceptCatchAll: false })?.email).toBe('jane@acme.com');
    expect(acceptedWorkEmail(emails, { acceptCatchAll: true })?.email).toBe('jane@catch.example');
  });

  it('prefers an accepted address at the domain the request named, however it is written', () => {
    const emails = [at('jane@old-employer.com', 'valid'), at('jane@acme.co.uk', null)];
    expect(
      acceptedWorkEmail(emails, { acceptCatchAll: false, domain: 'https://www.ACME.co.uk/' })?.email,
    ).toBe('jane@acme.co.uk');
    // No accepted address there: the first accepted one.
    expect(acceptedWorkEmail(emails, { acceptCatchAll: false, domain: 'other.com' })?.email).toBe(
      'jane@old-employer.com',
    );
  });

  it('is null when no work address is accepted', () => {
    expect(
      acceptedWorkEmail([at('jane@gmail.com', 'valid', 'personal'), at('jane@acme.com', 'invalid')], {
        acceptCatchAll: true,
      }),
    ).toBeNull();
    expect(acceptedWorkEmail([], { acceptCatchAll: false })).toBeNull();
  });
});

describe('acceptPhones', () => {
  it('accepts every valid E.164 number for an "any" goal, keeping their order', () => {
    const phones = [
      phone(UK_LANDLINE, 'office'),
      phone(UK_MOBILE, 'mobile'),
      phone(US_NUMBER, 'unknown'),
      phone(UK_TOLL_FREE, 'direct'),
    ];
    expect(acceptPhones(phones, 'any')).toEqual({ accepted: phones, rejected: [] });
  });

  it('rejects numbers that are not valid E.164, whatever the goal', () => {
    const bad = [
      phone('07400 123456', 'mobile'),
      phone('07400123456', 'mobile'),
      phone('+44 7400 123456', 'mobile'),
      phone(` ${UK_MOBILE}`, 'mobile'),
      phone('+12345', 'unknown'),
      phone('+447700900123', 'mobile'), // reserved for drama: not a real number
      phone('', 'unknown'),
    ];
    for (const goal of ['any', 'mobile'] as const) {
      const result = acceptPhones(bad, goal);
      expect(result.accepted).toEqual([]);
      expect(result.rejected).toEqual(bad.map((p) => ({ phone: p, reason: 'not a valid E.164 number' })));
    }
  });

  it('accepts mobiles for a mobile goal', () => {
    const phones = [phone(UK_MOBILE, 'mobile', 'GB'), phone(FR_MOBILE, 'mobile', 'FR')];
    expect(acceptPhones(phones, 'mobile')).toEqual({ accepted: phones, rejected: [] });
  });

  it('never accepts a landline for a mobile goal, whatever the provider calls it', () => {
    for (const kind of ['mobile', 'direct', 'office', 'unknown'] as const) {
      for (const number of [UK_LANDLINE, DE_LANDLINE]) {
        const result = acceptPhones([phone(number, kind)], 'mobile');
        expect(result.accepted).toEqual([]);
        expect(result.rejected).toHaveLength(1);
        expect(result.rejected[0]?.reason).toMatch(/^landline/);
      }
    }
  });

  it('says when the provider called a landline a mobile', () => {
    expect(acceptPhones([phone(UK_LANDLINE, 'mobile')], 'mobile').rejected[0]?.reason).toBe(
      'landline (the provider called it mobile)',
    );
    expect(acceptPhones([phone(UK_LANDLINE, 'unknown')], 'mobile').rejected[0]?.reason).toBe('landline');
  });

  it('rejects office and direct lines for a mobile goal unless the plan says they are mobiles', () => {
    expect(acceptPhones([phone(US_NUMBER, 'office')], 'mobile')).toEqual({
      accepted: [],
      rejected: [{ phone: phone(US_NUMBER, 'office'), reason: 'office line, not a mobile' }],
    });
    expect(acceptPhones([phone(US_NUMBER, 'direct')], 'mobile').rejected[0]?.reason).toBe(
      'direct line, not a mobile',
    );
    // A direct dial that is in fact a mobile number is what the goal wants.
    expect(acceptPhones([phone(UK_MOBILE, 'direct')], 'mobile').accepted).toEqual([
      phone(UK_MOBILE, 'direct'),
    ]);
    expect(acceptPhones([phone(UK_MOBILE, 'office')], 'mobile').accepted).toEqual([
      phone(UK_MOBILE, 'office'),
    ]);
  });

  it('accepts a mobile or unknown number the plan cannot place', () => {
    const phones = [phone(US_NUMBER, 'mobile'), phone('+12025550123', 'unknown')];
    expect(acceptPhones(phones, 'mobile')).toEqual({ accepted: phones, rejected: [] });
  });

  it('rejects service numbers for a mobile goal even when called mobile', () => {
    const result = acceptPhones(
      [
        phone(UK_TOLL_FREE, 'mobile'),
        phone(UK_PREMIUM, 'unknown'),
        phone(UK_VOIP, 'mobile'),
        phone(UK_PERSONAL, 'unknown'),
      ],
      'mobile',
    );
    expect(result.accepted).toEqual([]);
    expect(result.rejected.map((r) => r.reason)).toEqual([
      'toll-free number, not a mobile',
      'premium-rate number, not a mobile',
      'VoIP number, not a mobile',
      'personal number, not a mobile',
    ]);
  });

  it('splits a mixed list, keeping the order of each part', () => {
    const phones = [
      phone(UK_LANDLINE, 'office'),
      phone(UK_MOBILE, 'mobile'),
      phone('12345', 'mobile'),
      phone(FR_MOBILE, 'unknown'),
      phone(UK_LANDLINE, 'mobile'),
    ];
    const result = acceptPhones(phones, 'mobile');
    expect(result.accepted.map((p) => p.number)).toEqual([UK_MOBILE, FR_MOBILE]);
    expect(result.rejected.map((r) => [r.phone.number, r.phone.kind])).toEqual([
      [UK_LANDLINE, 'office'],
      ['12345', 'mobile'],
      [UK_LANDLINE, 'mobile'],
    ]);
  });

  it('accepts nothing from nothing', () => {
    expect(acceptPhones([], 'mobile')).toEqual({ accepted: [], rejected: [] });
  });
});
