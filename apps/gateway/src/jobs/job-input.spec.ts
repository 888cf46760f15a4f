import { BadRequestException } from '@nestjs/common';
import { parseJobInput, parseJobOptions } from './job-input';

describe('parseJobInput (company.profile)', () => {
  it('normalises the company number', () => {
    expect(parseJobInput('company.profile', { company_number: ' sc571653 ' })).toEqual({
      company_number: 'SC571653',
    });
    expect(parseJobInput('company.profile', { company_number: '7798925' })).toEqual({
      company_number: '07798925',
    });
  });

  it('drops spaces written inside the company number', () => {
    for (const [given, number] of [
      ['SC 571653', 'SC571653'],
      ['0779 8925', '07798925'],
      [' OC 30 1234 ', 'OC301234'],
    ]) {
      expect(parseJobInput('company.officers', { company_number: given })).toEqual({
        company_number: number,
      });
    }
  });

  it('refuses a missing, malformed or non-string company number, naming the field', () => {
    for (const input of [
      {},
      { company_number: '' },
      { company_number: 'ABC-123' },
      { company_number: '0779 892A' },
      { company_number: 'SC 571 6531' },
      { company_number: '1234 56789' },
      { company_number: 7798925.5 },
      { company_number: ['07798925'] },
    ]) {
      expect(() => parseJobInput('company.profile', input)).toThrow(BadRequestException);
      expect(() => parseJobInput('company.profile', input)).toThrow(/company_number/);
    }
  });

  it('refuses unknown fields by name', () => {
    expect(() => parseJobInput('company.profile', { company_number: '07798925', domain: 'x.com' })).toThrow(
      /'domain'/,
    );
  });
});

describe('parseJobInput (person names)', () => {
  it('reads a full name written "Surname, Forenames" in natural order, and keeps others as given', () => {
    expect(
      parseJobInput('person.email', { full_name: ' WHITE,  Andrew ', domain: 'zenith-engineering.co.uk' }),
    ).toEqual({ full_name: 'Andrew WHITE', domain: 'zenith-engineering.co.uk' });
    expect(parseJobInput('person.email', { full_name: 'Jane Doe, PhD', company_name: 'Acme' })).toEqual({
      full_name: 'Jane Doe, PhD',
      company_name: 'Acme',
    });
    // First and last names, and company names, are never reordered.
    expect(
      parseJobInput('person.email', {
        first_name: 'Andrew',
        last_name: 'White',
        company_name: 'Smith, Jones',
      }),
    ).toEqual({ first_name: 'Andrew', last_name: 'White', company_name: 'Smith, Jones' });
  });

  it('refuses a name with no letter or digit, naming the field', () => {
    for (const [field, input] of [
      ['full_name', { full_name: ',', domain: 'example.com' }],
      ['full_name', { full_name: ' , ', domain: 'example.com' }],
      ['first_name', { first_name: '-', last_name: 'White', domain: 'example.com' }],
      ['last_name', { first_name: 'Andrew', last_name: '...', domain: 'example.com' }],
      ['company_name', { full_name: 'Andrew White', company_name: '&' }],
    ] as const) {
      expect(() => parseJobInput('person.email', input)).toThrow(
        new RegExp(`^input\\.${field} ".+" is not a name: it holds no letter or digit$`),
      );
    }
  });

  it('refuses a name holding an invisible or control character, naming it, and makes wide spaces plain', () => {
    for (const [field, input, code] of [
      ['company_name', { company_name: '\u200b' }, 'U+200B'],
      ['first_name', { first_name: 'A\u200bb', last_name: 'X', domain: 'acme.com' }, 'U+200B'],
      ['last_name', { first_name: 'Ann', last_name: 'Lee\u0007', domain: 'acme.com' }, 'U+0007'],
      ['full_name', { full_name: '\u202eAnna Lee', domain: 'acme.com' }, 'U+202E'],
      ['company_name', { company_name: 'Acme\u00ad Ltd' }, 'U+00AD'],
    ] as const) {
      expect(() =>
        parseJobInput(field === 'company_name' ? 'company.domain' : 'person.email', input),
      ).toThrow(
        new RegExp(
          `^input\\.${field} ".+" holds an invisible or control character \\(${code.replace('+', '\\+')}\\)`,
        ),
      );
    }
    expect(
      parseJobInput('person.email', {
        first_name: 'Jean\u00a0Pierre',
        last_name: 'Dupont',
        domain: 'acme.com',
      }),
    ).toMatchObject({ first_name: 'Jean Pierre' });
  });

  it('reads a name composed or decomposed, or in full-width letters, as the letters it shows', () => {
    const composed = { full_name: 'Jos\u00e9 Garc\u00eda', company_name: 'Caf\u00e9 Ltd' };
    expect(
      parseJobInput('person.email', { full_name: 'Jose\u0301 Garci\u0301a', company_name: 'Cafe\u0301 Ltd' }),
    ).toEqual(composed);
    expect(
      parseJobInput('person.email', {
        full_name: '\uff2a\uff4f\uff53\u00e9\u3000\uff27\uff41\uff52\uff43\u00ed\uff41',
        company_name: '\uff23\uff41\uff46\u00e9 Ltd',
      }),
    ).toEqual(composed);
    expect(parseJobInput('email.verify', { email: 'MAILTO:Jose\u0301@Acme.com' })).toEqual({
      email: 'jos\u00e9@acme.com',
    });
  });

  it('keeps the symbols a name is written with, folding only its letters and digits', () => {
    // NFKC spells symbols out as letters: `™` as `TM`, `№` as `No`, `²` as `2`. A company written
    // "Acme™ Corp" is stored and looked up as written, not as "AcmeTM Corp".
    expect(
      parseJobInput('person.email', { full_name: 'Jos\u00e9 Garc\u00eda', company_name: 'Acme\u2122 Corp' }),
    ).toEqual({ full_name: 'Jos\u00e9 Garc\u00eda', company_name: 'Acme\u2122 Corp' });
    expect(parseJobInput('company.domain', { company_name: '\u2116 1 Widgets\u00b2 Ltd' })).toEqual({
      company_name: '\u2116 1 Widgets\u00b2 Ltd',
    });
    // Letters and digits in compatibility forms are still the ones they show.
    expect(
      parseJobInput('company.domain', { company_name: '\uff33\uff2f\uff2e\uff39 \ufb01nance \uff11' }),
    ).toEqual({
      company_name: 'SONY finance 1',
    });
  });

  it('takes names of any script, and names holding digits', () => {
    expect(parseJobInput('person.email', { full_name: '李小龙', company_name: '3M' })).toEqual({
      full_name: '李小龙',
      company_name: '3M',
    });
  });
});

describe('parseJobOptions (max_age_days)', () => {
  it('takes a whole number of days from 0 to 3650', () => {
    for (const days of [0, 7, 3650]) {
      expect(parseJobOptions({ max_age_days: days })).toEqual({ max_age_days: days });
    }
    expect(parseJobOptions({ verify: true })).toEqual({ verify: true });
  });

  it('refuses anything else with a 400 naming the option', () => {
    for (const days of [-1, 3651, 1.5, '7', null, true, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => parseJobOptions({ max_age_days: days })).toThrow(BadRequestException);
      expect(() => parseJobOptions({ max_age_days: days })).toThrow(
        'options.max_age_days must be a whole number from 0 to 3650',
      );
    }
  });
});

describe('parseJobInput (phone)', () => {
  it('reads a number without a country code as a UK number', () => {
    expect(parseJobInput('enrich', { phone: '020 7946 0018' }).phone).toBe('+442079460018');
    expect(parseJobInput('enrich', { phone: '+1 415 555 0133' }).phone).toBe('+14155550133');
  });

  it('accepts a number with an extension and looks the person up by the number alone', () => {
    expect(parseJobInput('enrich', { phone: '+44 20 7946 0958 ext. 123' }).phone).toBe('+442079460958');
    expect(parseJobInput('enrich', { phone: '020 7946 0958 x123' }).phone).toBe('+442079460958');
  });

  it('tells a caller whose national number is not a UK one to write its country code', () => {
    expect(() => parseJobInput('enrich', { phone: '(415) 555-0133' })).toThrow(
      'input.phone "(415) 555-0133" is not a phone number: one without + is read as a UK number; write another country’s with its code, as +1 415 555 0133',
    );
    expect(() => parseJobInput('enrich', { phone: '+1 555' })).toThrow(
      /^input\.phone "\+1 555" is not a phone number$/,
    );
  });
});
