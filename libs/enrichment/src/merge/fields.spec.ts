import type { Firmographics, FoundEmail, FoundPhone, Person } from '../records/person';
import {
  emailConfidence,
  emailFields,
  ENRICH_FIELDS,
  firmographicsFields,
  personConfidence,
  personFields,
  phoneFields,
} from './fields';

const UK_MOBILE = '+447400123456';
const UK_LANDLINE = '+442079460958';
const FR_MOBILE = '+33612345678';
const US_NUMBER = '+14155552671';
const UK_TOLL_FREE = '+448001111111';

function person(overrides: Partial<Person> = {}): Person {
  return {
    firstName: 'Jane',
    lastName: 'Doe',
    fullName: 'Jane Doe',
    title: 'CTO',
    seniority: 'c_suite',
    department: 'engineering',
    linkedinUrl: 'https://www.linkedin.com/in/jane-doe',
    companyName: 'Acme Ltd',
    companyDomain: 'acme.co.uk',
    location: { locality: 'Leeds', region: 'West Yorkshire', country: 'GB' },
    emails: [],
    phones: [],
    ...overrides,
  };
}

function firm(overrides: Partial<Firmographics> = {}): Firmographics {
  return {
    name: 'Acme Ltd',
    domain: 'acme.co.uk',
    industry: 'Software',
    employees: 250,
    revenueUsd: 12_000_000,
    technologies: ['React', 'AWS'],
    linkedinUrl: 'https://www.linkedin.com/company/acme',
    phone: UK_LANDLINE,
    location: { locality: 'Leeds', region: null, postalCode: 'LS1 4AP', country: 'GB' },
    ...overrides,
  };
}

const mail = (email: string, kind: FoundEmail['kind'], verdict: FoundEmail['verdict']): FoundEmail => ({
  email,
  kind,
  verdict,
  confidence: null,
});
const tel = (number: string, kind: FoundPhone['kind']): FoundPhone => ({
  number,
  extension: null,
  kind,
  country: null,
});

describe('ENRICH_FIELDS', () => {
  it('is the fixed list of API fields, each once', () => {
    expect(ENRICH_FIELDS).toEqual([
      'first_name',
      'last_name',
      'full_name',
      'title',
      'seniority',
      'department',
      'company_name',
      'company_domain',
      'industry',
      'company_size',
      'company_revenue',
      'technologies',
      'location',
      'city',
      'state',
      'country',
      'zip_code',
      'linkedin_url',
      'phone',
      'phone_extension',
      'mobile_phone',
      'business_email',
      'personal_email',
      'email_status',
    ]);
    expect(new Set(ENRICH_FIELDS).size).toBe(ENRICH_FIELDS.length);
  });

  it('names every field the mappers produce', () => {
    const produced = [
      ...Object.keys(personFields(person())),
      ...Object.keys(firmographicsFields(firm())),
      ...Object.keys(emailFields(mail('jane@acme.co.uk', 'work', 'valid'))),
      ...Object.keys(emailFields(mail('jane@gmail.com', 'personal', 'valid'))),
      ...Object.keys(phoneFields([])),
    ];
    for (const field of produced) {
      expect(ENRICH_FIELDS).toContain(field);
    }
  });
});

describe('personFields', () => {
  it('maps a person onto API field names', () => {
    expect(personFields(person())).toEqual({
      first_name: 'Jane',
      last_name: 'Doe',
      full_name: 'Jane Doe',
      title: 'CTO',
      seniority: 'c_suite',
      department: 'engineering',
      company_name: 'Acme Ltd',
      company_domain: 'acme.co.uk',
      linkedin_url: 'https://www.linkedin.com/in/jane-doe',
      location: 'Leeds, West Yorkshire, GB',
      city: 'Leeds',
      state: 'West Yorkshire',
      country: 'GB',
      business_email: null,
      personal_email: null,
      email_status: null,
      phone: null,
      phone_extension: null,
      mobile_phone: null,
    });
  });

  it('takes the first work e-mail as business_email with its verdict, and the first personal one', () => {
    const fields = personFields(
      person({
        emails: [
          mail('jane@gmail.com', 'personal', 'valid'),
          mail('jane@acme.co.uk', 'work', 'catch_all'),
          mail('j.doe@acme.co.uk', 'work', 'valid'),
          mail('jane.doe@yahoo.com', 'personal', 'invalid'),
        ],
      }),
    );
    expect(fields).toMatchObject({
      business_email: 'jane@acme.co.uk',
      email_status: 'catch_all',
      personal_email: 'jane@gmail.com',
    });
  });

  it('gives no email_status when there is no work e-mail', () => {
    const fields = personFields(person({ emails: [mail('jane@gmail.com', 'personal', 'valid')] }));
    expect(fields).toMatchObject({
      business_email: null,
      email_status: null,
      personal_email: 'jane@gmail.com',
    });
  });

  it('joins only the location parts it has, and gives nulls for no location', () => {
    expect(
      personFields(person({ location: { locality: null, region: 'Bavaria', country: 'DE' } })),
    ).toMatchObject({
      location: 'Bavaria, DE',
      city: null,
      state: 'Bavaria',
      country: 'DE',
    });
    expect(
      personFields(person({ location: { locality: ' ', region: null, country: null } })).location,
    ).toBeNull();
    expect(personFields(person({ location: null }))).toMatchObject({
      location: null,
      city: null,
      state: null,
      country: null,
    });
  });

  it('gives the ISO code for a country stored as its provider named it', () => {
    const stored = { locality: 'Leeds', region: null, country: 'United Kingdom' };
    expect(personFields(person({ location: stored }))).toMatchObject({
      location: 'Leeds, GB',
      country: 'GB',
    });
  });

  it('maps its phones like phoneFields', () => {
    const phones = [tel(UK_LANDLINE, 'office'), tel(UK_MOBILE, 'mobile')];
    expect(personFields(person({ phones }))).toMatchObject({ phone: UK_LANDLINE, mobile_phone: UK_MOBILE });
  });
});

describe('emailFields', () => {
  it('maps a work e-mail to business_email and a personal one to personal_email, with the verdict', () => {
    expect(emailFields(mail('jane@acme.co.uk', 'work', 'valid'))).toEqual({
      business_email: 'jane@acme.co.uk',
      email_status: 'valid',
    });
    expect(emailFields(mail('jane@gmail.com', 'personal', 'risky'))).toEqual({
      personal_email: 'jane@gmail.com',
      email_status: 'risky',
    });
    expect(emailFields(mail('jane@acme.co.uk', 'work', null))).toEqual({
      business_email: 'jane@acme.co.uk',
      email_status: null,
    });
  });
});

describe('emailConfidence and personConfidence', () => {
  it('give the confidence the provider gave an address under the field the address fills', () => {
    expect(emailConfidence({ ...mail('jane@acme.co.uk', 'work', 'valid'), confidence: 0.9 })).toEqual({
      business_email: 0.9,
    });
    expect(emailConfidence({ ...mail('jane@gmail.com', 'personal', null), confidence: 0.4 })).toEqual({
      personal_email: 0.4,
    });
    expect(emailConfidence(mail('jane@acme.co.uk', 'work', 'valid'))).toEqual({});
  });

  it('give a profile the confidence of the addresses personFields picks, and none it did not give', () => {
    const emails: FoundEmail[] = [
      { ...mail('jane@acme.co.uk', 'work', 'valid'), confidence: 0.95 },
      { ...mail('j.doe@acme.co.uk', 'work', 'risky'), confidence: 0.3 },
      mail('jane@gmail.com', 'personal', null),
    ];
    expect(personConfidence(person({ emails }))).toEqual({ business_email: 0.95 });
    expect(personConfidence(person())).toEqual({});
  });
});

describe('phoneFields', () => {
  it('gives the first number of any kind as phone and the first mobile as mobile_phone', () => {
    expect(
      phoneFields([tel(UK_LANDLINE, 'office'), tel(UK_MOBILE, 'mobile'), tel(FR_MOBILE, 'mobile')]),
    ).toEqual({
      phone: UK_LANDLINE,
      phone_extension: null,
      mobile_phone: UK_MOBILE,
    });
  });

  it('gives the extension of phone beside it (E.164 has none)', () => {
    expect(
      phoneFields([{ ...tel(UK_LANDLINE, 'direct'), extension: '123' }, tel(UK_MOBILE, 'mobile')]),
    ).toEqual({ phone: UK_LANDLINE, phone_extension: '123', mobile_phone: UK_MOBILE });
    // A phone stored before extensions were kept has none.
    const stored = { number: UK_LANDLINE, kind: 'direct', country: 'GB' } as unknown as FoundPhone;
    expect(phoneFields([stored]).phone_extension).toBeNull();
  });

  it('gives nulls for no phones', () => {
    expect(phoneFields([])).toEqual({ phone: null, phone_extension: null, mobile_phone: null });
  });

  it('never gives a landline as mobile_phone, even one the provider called mobile', () => {
    expect(phoneFields([tel(UK_LANDLINE, 'mobile'), tel(UK_TOLL_FREE, 'mobile')])).toEqual({
      phone: UK_LANDLINE,
      phone_extension: null,
      mobile_phone: null,
    });
  });

  it('counts a number the plan calls mobile, whatever the provider called it', () => {
    expect(phoneFields([tel(UK_MOBILE, 'direct')]).mobile_phone).toBe(UK_MOBILE);
    expect(phoneFields([tel(FR_MOBILE, 'unknown')]).mobile_phone).toBe(FR_MOBILE);
  });

  it('trusts the provider calling a number mobile when the plan cannot tell', () => {
    expect(phoneFields([tel(US_NUMBER, 'mobile')]).mobile_phone).toBe(US_NUMBER);
    expect(phoneFields([tel(US_NUMBER, 'unknown')]).mobile_phone).toBeNull();
  });
});

describe('firmographicsFields', () => {
  it('maps firmographics onto API field names, head count as company_size, head office postcode as zip_code', () => {
    expect(firmographicsFields(firm())).toEqual({
      company_name: 'Acme Ltd',
      company_domain: 'acme.co.uk',
      industry: 'Software',
      company_size: 250,
      company_revenue: 12_000_000,
      technologies: ['React', 'AWS'],
      zip_code: 'LS1 4AP',
    });
  });

  it('reads firmographics stored before their postcode was kept as not knowing it', () => {
    expect(
      firmographicsFields(firm({ location: { locality: 'Leeds', region: null, country: 'GB' } })).zip_code,
    ).toBeNull();
  });

  it("answers none of the person's fields with the company's LinkedIn page, switchboard or head office", () => {
    const fields = firmographicsFields(firm());
    for (const field of ['linkedin_url', 'phone', 'mobile_phone', 'location', 'city', 'state', 'country']) {
      expect(fields).not.toHaveProperty(field);
    }
  });

  it('keeps unknowns unknown', () => {
    const fields = firmographicsFields(
      firm({
        name: null,
        domain: null,
        industry: null,
        employees: null,
        revenueUsd: null,
        technologies: [],
        linkedinUrl: null,
        phone: null,
        location: null,
      }),
    );
    expect(fields).toEqual({
      company_name: null,
      company_domain: null,
      industry: null,
      company_size: null,
      company_revenue: null,
      technologies: [],
      zip_code: null,
    });
  });
});
