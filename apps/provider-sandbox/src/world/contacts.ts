import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { SeededRandom, deriveSeed } from './prng';
import { FEMALE_FORENAMES, MALE_FORENAMES, SURNAMES } from './vocabulary';
import type { WorldCompany } from './world-types';

/**
 * The people side of the world: who works where, their e-mails and phones, company firmographics,
 * and which provider knows what. Built from the companies, each company from its own seeded stream
 * (`contacts:<company number>`), so the companies stay byte-identical and adding people never
 * reshuffles the register.
 */

export type Seniority = 'c_suite' | 'vp' | 'director' | 'manager' | 'senior' | 'entry';
export type EmailTruth = 'valid' | 'invalid' | 'catch_all' | 'risky' | 'unknown';

export interface WorldPerson {
  person_id: string;
  company_number: string;
  first_name: string;
  last_name: string;
  full_name: string;
  title: string;
  seniority: Seniority;
  department: string;
  work_email: string;
  personal_email: string | null;
  /** E.164. */
  mobile_phone: string | null;
  /** E.164. */
  direct_phone: string | null;
  linkedin_url: string;
  city: string;
  country: string;
  /** Companies House officer id when the person is an officer. */
  officer_id: string | null;
}

export interface WorldFirmographics {
  industry: string;
  employees: number;
  size_band: string;
  revenue_usd: number;
  technologies: string[];
  linkedin_url: string;
  /** E.164 switchboard. */
  phone: string;
  /** The mail server accepts every address, so verifiers cannot tell. */
  catch_all: boolean;
}

/** Facts a provider may or may not hold. */
export type Fact = 'work_email' | 'personal_email' | 'phone' | 'domain';

/**
 * Share of the world each provider knows, per fact. Overlapping but different, so that the order
 * of a waterfall changes hit rates and spend.
 */
export const COVERAGE: Readonly<Record<string, Partial<Record<Fact, number>>>> = {
  snov: { work_email: 0.6, domain: 0.7 },
  rocketreach: { work_email: 0.55, personal_email: 0.3, phone: 0.4, domain: 0.6 },
  apollo: { work_email: 0.5, phone: 0.35, domain: 0.65 },
  serper: { domain: 0.85 },
  'orion-connect': { phone: 0.45 },
  'astra-dialer': { phone: 0.35 },
  'nimbus-lookup': { phone: 0.3 },
};

/** Paid providers rarely know the people of a closed company. */
const CLOSED_COMPANY_COVERAGE_FACTOR = 0.2;

const INDUSTRY_BY_SIC_DIVISION: readonly (readonly [number, number, string])[] = [
  [1, 3, 'Agriculture'],
  [10, 33, 'Manufacturing'],
  [41, 43, 'Construction'],
  [45, 47, 'Retail'],
  [49, 53, 'Logistics'],
  [55, 56, 'Hospitality'],
  [58, 63, 'Information Technology'],
  [64, 66, 'Financial Services'],
  [68, 68, 'Real Estate'],
  [69, 69, 'Legal and Accounting'],
  [70, 70, 'Management Consulting'],
  [71, 72, 'Engineering'],
  [73, 74, 'Marketing and Design'],
  [85, 85, 'Education'],
  [86, 88, 'Healthcare'],
];

const TECHNOLOGIES = [
  'Salesforce',
  'HubSpot',
  'Google Workspace',
  'Microsoft 365',
  'Slack',
  'Shopify',
  'WordPress',
  'AWS',
  'Stripe',
  'Zendesk',
  'Xero',
  'Sage',
] as const;

const STAFF_ROLES: readonly (readonly [string, Seniority, string])[] = [
  ['Head of Sales', 'director', 'sales'],
  ['Sales Manager', 'manager', 'sales'],
  ['Account Executive', 'senior', 'sales'],
  ['Marketing Manager', 'manager', 'marketing'],
  ['VP Marketing', 'vp', 'marketing'],
  ['Software Engineer', 'senior', 'engineering'],
  ['Head of Engineering', 'director', 'engineering'],
  ['Finance Manager', 'manager', 'finance'],
  ['Operations Manager', 'manager', 'operations'],
  ['HR Business Partner', 'senior', 'hr'],
  ['Office Administrator', 'entry', 'operations'],
];

const PERSONAL_MAIL_DOMAINS = ['gmail.com', 'outlook.com', 'yahoo.co.uk', 'icloud.com'] as const;
/** UK mobile ranges in service (07[4-5,7-9]x); 070 and 076 are personal numbering and pagers. */
const MOBILE_PREFIXES = ['74', '75', '77', '78', '79'] as const;
/** Geographic area codes with their subscriber-number length (digits after the area code). */
const AREA_CODES: readonly (readonly [string, number])[] = [
  ['203', 7],
  ['207', 7],
  ['208', 7],
  ['161', 7],
  ['121', 7],
  ['113', 7],
  ['131', 7],
  ['141', 7],
  ['117', 7],
];

type EmailPattern = (first: string, last: string) => string;
const EMAIL_PATTERNS: readonly EmailPattern[] = [
  (f, l) => `${f}.${l}`,
  (f, l) => `${f[0]}${l}`,
  (f) => f,
  (f, l) => `${f}${l[0]}`,
  (f, l) => `${f}_${l}`,
];

/** A person's index key by name and company: lower-case `first last@domain`. */
export function nameKey(firstName: string, lastName: string, domainOrCompany: string): string {
  return `${firstName} ${lastName}@${domainOrCompany}`.toLowerCase().replace(/\s+/g, ' ').trim();
}

/** Strips register suffixes so `Acme Ltd` and `ACME LIMITED` meet. */
export function companyNameKey(name: string): string {
  return name
    .toUpperCase()
    .replace(/[^A-Z0-9 ]/g, ' ')
    .replace(/\b(LTD|LIMITED|PLC|LLP)\b/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Whether `provider` knows `fact` about `key`: a fixed coin per (seed, provider, fact, key). */
export function knows(seed: number, provider: string, fact: Fact, key: string, closed: boolean): boolean {
  const share = COVERAGE[provider]?.[fact] ?? 0;
  const effective = closed ? share * CLOSED_COMPANY_COVERAGE_FACTOR : share;
  return deriveSeed(seed, `coverage:${provider}:${fact}:${key}`) / 4294967296 < effective;
}

export function industryOf(company: WorldCompany): string {
  const division = Number(company.sic_codes[0]?.slice(0, 2) ?? '0');
  return (
    INDUSTRY_BY_SIC_DIVISION.find(([from, to]) => division >= from && division <= to)?.[2] ??
    'Professional Services'
  );
}

function sizeBand(employees: number): string {
  const bands: readonly (readonly [number, string])[] = [
    [10, '1-10'],
    [50, '11-50'],
    [200, '51-200'],
    [500, '201-500'],
    [1000, '501-1000'],
  ];
  return bands.find(([max]) => employees <= max)?.[1] ?? '1001-5000';
}

function digits(random: SeededRandom, count: number): string {
  let out = '';
  for (let i = 0; i < count; i++) {
    out += String(random.int(0, 9));
  }
  return out;
}

/**
 * Draws numbers until libphonenumber-js calls one valid (and of the wanted type): not every block
 * of a range is allocated, and clients validate with the same metadata.
 */
function validNumber(draw: () => string, type: 'MOBILE' | 'FIXED_LINE'): string {
  for (;;) {
    const candidate = draw();
    const parsed = parsePhoneNumberFromString(candidate);
    if (parsed?.isValid() && parsed.getType() === type && parsed.country === 'GB') {
      return candidate;
    }
  }
}

export function mobile(random: SeededRandom): string {
  return validNumber(() => `+447${random.pick(MOBILE_PREFIXES).slice(1)}${digits(random, 8)}`, 'MOBILE');
}

export function landline(random: SeededRandom): string {
  return validNumber(() => {
    const [area, length] = random.pick(AREA_CODES);
    // Subscriber numbers never start with 0 or 1.
    return `+44${area}${random.int(2, 9)}${digits(random, length - 1)}`;
  }, 'FIXED_LINE');
}

function slug(text: string): string {
  return text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '');
}

function capitalise(word: string): string {
  return word
    .toLowerCase()
    .replace(/(^|[\s'-])([a-z])/g, (_, sep: string, letter: string) => sep + letter.toUpperCase());
}

function officerTitle(role: string): [string, Seniority, string] {
  if (role === 'secretary') {
    return ['Company Secretary', 'director', 'finance'];
  }
  if (role.startsWith('llp')) {
    return ['Partner', 'c_suite', 'executive'];
  }
  return ['Director', 'c_suite', 'executive'];
}

export interface CompanyContacts {
  firmographics: WorldFirmographics;
  people: WorldPerson[];
  emailTruth: Map<string, EmailTruth>;
}

/** The people and firmographics of one company, from its own stream. */
export function contactsOf(seed: number, company: WorldCompany): CompanyContacts {
  const random = new SeededRandom(deriveSeed(seed, `contacts:${company.company_number}`));
  const employees = Math.max(1, Math.round(Math.exp(random.next() * Math.log(2000))));
  const catchAll = random.chance(0.12);
  const firmographics: WorldFirmographics = {
    industry: industryOf(company),
    employees,
    size_band: sizeBand(employees),
    revenue_usd: Math.round(employees * random.int(60, 180)) * 1000,
    technologies: [
      ...new Set([random.pick(TECHNOLOGIES), random.pick(TECHNOLOGIES), random.pick(TECHNOLOGIES)]),
    ],
    linkedin_url: `https://www.linkedin.com/company/${company.domain.split('.')[0]}`,
    phone: landline(random),
    catch_all: catchAll,
  };
  const pattern = random.pick(EMAIL_PATTERNS);
  const city = company.registered_office_address.locality;
  const emailTruth = new Map<string, EmailTruth>();
  const people: WorldPerson[] = [];
  const usedLocalParts = new Set<string>();

  const addPerson = (
    first: string,
    last: string,
    [title, seniority, department]: readonly [string, Seniority, string],
    officerId: string | null,
  ): void => {
    const f = slug(first);
    const l = slug(last);
    let local = pattern(f, l);
    for (let n = 2; usedLocalParts.has(local); n++) {
      local = `${pattern(f, l)}${n}`;
    }
    usedLocalParts.add(local);
    const workEmail = `${local}@${company.domain}`;
    const personalEmail = random.chance(0.35)
      ? `${f}.${l}${random.int(1, 99)}@${random.pick(PERSONAL_MAIL_DOMAINS)}`
      : null;
    const index = people.length + 1;
    const person: WorldPerson = {
      person_id: `${company.company_number}-${String(index).padStart(3, '0')}`,
      company_number: company.company_number,
      first_name: first,
      last_name: last,
      full_name: `${first} ${last}`,
      title,
      seniority,
      department,
      work_email: workEmail,
      personal_email: personalEmail,
      mobile_phone: random.chance(0.7) ? mobile(random) : null,
      direct_phone: random.chance(0.4) ? landline(random) : null,
      linkedin_url: `https://www.linkedin.com/in/${f}-${l}-${slug(company.company_number)}${index}`,
      city,
      country: 'United Kingdom',
      officer_id: officerId,
    };
    people.push(person);
    emailTruth.set(
      workEmail,
      catchAll
        ? 'catch_all'
        : random.weighted<EmailTruth>([
            ['valid', 84],
            ['invalid', 7],
            ['risky', 5],
            ['unknown', 4],
          ]),
    );
    if (personalEmail) {
      emailTruth.set(personalEmail, random.chance(0.9) ? 'valid' : 'risky');
    }
  };

  for (const officer of company.officers) {
    if (officer.kind !== 'individual' || officer.resigned_on || !officer.forenames || !officer.surname) {
      continue;
    }
    addPerson(
      capitalise(officer.forenames.split(' ')[0]),
      capitalise(officer.surname),
      officerTitle(officer.officer_role),
      officer.officer_id,
    );
  }
  if (company.company_status === 'active') {
    const staff = Math.min(4, Math.max(1, Math.round(Math.log10(employees + 1) * 1.5)));
    for (let i = 0; i < staff; i++) {
      const first = random.chance(0.5) ? random.pick(FEMALE_FORENAMES) : random.pick(MALE_FORENAMES);
      addPerson(first, capitalise(random.pick(SURNAMES)), random.pick(STAFF_ROLES), null);
    }
  }
  return { firmographics, people, emailTruth };
}
