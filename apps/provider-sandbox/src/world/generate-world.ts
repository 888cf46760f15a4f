import { ContactsIndex } from './contacts-index';
import { CompanyNumberIssuer, firstDateOf, type NumberSeries } from './company-numbers';
import { WORLD_AS_OF, addDays, addYears, fromDayNumber, toDayNumber, yearOf } from './dates';
import { SeededRandom, deriveSeed } from './prng';
import {
  BUILDING_NAMES,
  CITIES,
  FEMALE_FORENAMES,
  MALE_FORENAMES,
  NAME_STEMS,
  NATIONALITIES,
  NORTHERN_IRISH_STEMS,
  SCOTTISH_STEMS,
  STREETS,
  SURNAMES,
  TRADES,
  type Trade,
} from './vocabulary';
import type {
  CompanyStatus,
  CompanyStatusDetail,
  CompanyType,
  Jurisdiction,
  OfficerRole,
  WorldAddress,
  WorldCompany,
  WorldOfficer,
} from './world-types';

/**
 * The share of each status in a world. Roughly the register's mix, with more strike-off proposals
 * and dissolutions than real life so that even a small world exercises the "skip before spending
 * credits" paths.
 */
const STATUS_MIX: readonly (readonly [readonly [CompanyStatus, CompanyStatusDetail | null], number])[] = [
  [['active', null], 70],
  [['active', 'active-proposal-to-strike-off'], 10],
  [['dissolved', null], 14],
  [['liquidation', null], 3.5],
  [['administration', null], 2.5],
];

const SERIES_MIX: readonly (readonly [NumberSeries, number])[] = [
  ['england-wales', 80],
  ['scotland', 8],
  ['northern-ireland', 5],
  ['llp', 7],
];

const OFFICER_COUNT_MIX: readonly (readonly [number, number])[] = [
  [1, 18],
  [2, 22],
  [3, 16],
  [4, 12],
  [5, 9],
  [6, 7],
  [7, 5],
  [8, 4],
  [9, 3],
  [10, 2],
  [11, 1],
  [12, 1],
];

const LTD_ACCOUNTS_MIX: readonly (readonly [string, number])[] = [
  ['micro-entity', 40],
  ['total-exemption-full', 20],
  ['small', 15],
  ['unaudited-abridged', 10],
  ['full', 8],
  ['dormant', 4],
  ['group', 3],
];

const ACCOUNTING_REFERENCE_DATES: readonly (readonly [{ day: number; month: number }, number])[] = [
  [{ day: 31, month: 12 }, 45],
  [{ day: 31, month: 3 }, 30],
  [{ day: 30, month: 6 }, 10],
  [{ day: 30, month: 9 }, 10],
  [{ day: 30, month: 4 }, 5],
];

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-';
const POSTCODE_LETTERS = 'ABDEFGHJLNPQRSTUWXYZ';

interface Uniqueness {
  numbers: CompanyNumberIssuer;
  /** Names without their LTD/LIMITED/PLC/LLP ending: the register treats those as the same name. */
  nameStems: Set<string>;
  domains: Set<string>;
}

/** An immutable, generated world: same seed and size, same companies, byte for byte. */
export class World {
  private readonly byNumber: ReadonlyMap<string, WorldCompany>;

  constructor(
    readonly seed: number,
    readonly companies: readonly WorldCompany[],
  ) {
    this.byNumber = new Map(companies.map((company) => [company.company_number, company]));
  }

  get size(): number {
    return this.companies.length;
  }

  private contactsIndex: ContactsIndex | null = null;

  /** The people side of the world, built on first use (the register-only suites never pay for it). */
  get contacts(): ContactsIndex {
    this.contactsIndex ??= new ContactsIndex(this.seed, this.companies);
    return this.contactsIndex;
  }

  /** Looks a company up by number; letter prefixes match in any case (`sc123456`). */
  findCompany(companyNumber: string): WorldCompany | undefined {
    return this.byNumber.get(companyNumber.toUpperCase());
  }
}

export function generateWorld(seed: number, size: number): World {
  if (!Number.isInteger(size) || size < 1) {
    throw new Error(`world size must be a whole number of at least 1 (got ${size})`);
  }
  const random = new SeededRandom(deriveSeed(seed, 'world'));
  const uniqueness: Uniqueness = {
    numbers: new CompanyNumberIssuer(random),
    nameStems: new Set(),
    domains: new Set(),
  };
  const companies: WorldCompany[] = [];
  for (let i = 0; i < size; i++) {
    companies.push(generateCompany(random, uniqueness));
  }
  return new World(seed, companies);
}

function generateCompany(random: SeededRandom, unique: Uniqueness): WorldCompany {
  const series = random.weighted(SERIES_MIX);
  const jurisdiction: Jurisdiction = series === 'llp' ? 'england-wales' : series;
  const type: CompanyType = series === 'llp' ? 'llp' : random.chance(0.03) ? 'plc' : 'ltd';
  const [status, statusDetail] = random.weighted(STATUS_MIX);

  // Every company is at least two years old, so each has filed accounts and a confirmation
  // statement; strike-off candidates are older still, so their filings can be a year overdue.
  const earliest = firstDateOf(series) > '1985-01-01' ? firstDateOf(series) : '1985-01-01';
  const latest = statusDetail ? addYears(WORLD_AS_OF, -3) : addYears(WORLD_AS_OF, -2);
  const span = toDayNumber(latest) - toDayNumber(earliest);
  // sqrt skews towards recent years: most companies on the register are young.
  const dateOfCreation = fromDayNumber(toDayNumber(earliest) + Math.floor(span * Math.sqrt(random.next())));
  const dateOfCessation =
    status === 'dissolved'
      ? randomDateBetween(random, addYears(dateOfCreation, 2), addDays(WORLD_AS_OF, -1))
      : null;

  const companyNumber = unique.numbers.issue(series, dateOfCreation);
  const trade = random.pick(type === 'llp' ? TRADES.filter((t) => t.llp) : TRADES);
  const nameStem = uniqueNameStem(random, unique, jurisdiction, trade);
  const suffix = type === 'llp' ? 'LLP' : type === 'plc' ? 'PLC' : random.chance(0.6) ? 'LTD' : 'LIMITED';
  const domain = uniqueDomain(random, unique, nameStem, trade);
  const address = randomAddress(random, jurisdiction, nameStem);

  const sicCount = random.weighted<number>([
    [1, 70],
    [2, 20],
    [3, 10],
  ]);
  const sicCodes = pickDistinct(random, trade.sic, Math.min(sicCount, trade.sic.length)).sort();

  const insolvent = status === 'liquidation' || status === 'administration';
  const pastInsolvency = status === 'dissolved' && random.chance(0.2);
  const end = dateOfCessation ?? WORLD_AS_OF;

  return {
    company_number: companyNumber,
    company_name: `${nameStem} ${suffix}`,
    type,
    jurisdiction,
    company_status: status,
    company_status_detail: statusDetail,
    date_of_creation: dateOfCreation,
    date_of_cessation: dateOfCessation,
    sic_codes: sicCodes,
    registered_office_address: address,
    domain,
    accounting_reference_date: random.weighted(ACCOUNTING_REFERENCE_DATES),
    accounts_type:
      type === 'plc'
        ? random.pick(['full', 'group'])
        : type === 'llp'
          ? random.pick(['full', 'small', 'total-exemption-full'])
          : random.weighted(LTD_ACCOUNTS_MIX),
    filings_overdue: statusDetail !== null || (status === 'active' && random.chance(0.03)),
    has_charges: random.chance(type === 'plc' ? 0.6 : 0.25),
    has_insolvency_history: insolvent || pastInsolvency,
    has_been_liquidated: status === 'liquidation' || pastInsolvency,
    undeliverable_registered_office_address: statusDetail !== null && random.chance(0.2),
    psc_statements_only: random.chance(0.1),
    officers: generateOfficers(random, {
      companyNumber,
      type,
      jurisdiction,
      trade,
      nameStem,
      address,
      from: dateOfCreation,
      to: end,
    }),
  };
}

function uniqueNameStem(
  random: SeededRandom,
  unique: Uniqueness,
  jurisdiction: Jurisdiction,
  trade: Trade,
): string {
  const stems: readonly string[] =
    jurisdiction === 'scotland'
      ? [...NAME_STEMS, ...SCOTTISH_STEMS]
      : jurisdiction === 'northern-ireland'
        ? [...NAME_STEMS, ...NORTHERN_IRISH_STEMS]
        : NAME_STEMS;
  let candidate = '';
  for (let attempt = 0; attempt < 12; attempt++) {
    candidate = `${random.pick(stems)} ${random.pick(trade.words)}`;
    if (!unique.nameStems.has(candidate)) {
      unique.nameStems.add(candidate);
      return candidate;
    }
  }
  // A crowded world (large sizes): tell namesakes apart the way real registrations do.
  for (let n = 2; ; n++) {
    const numbered = `${candidate} ${n}`;
    if (!unique.nameStems.has(numbered)) {
      unique.nameStems.add(numbered);
      return numbered;
    }
  }
}

function uniqueDomain(random: SeededRandom, unique: Uniqueness, nameStem: string, trade: Trade): string {
  const words = nameStem
    .toLowerCase()
    .replace(/[^a-z0-9 ]/g, '')
    .split(' ')
    .filter(Boolean);
  const slug = words.join(random.chance(0.5) ? '-' : '');
  const software = trade.words.includes('SOFTWARE');
  const tld = random.weighted<string>([
    ['co.uk', 55],
    ['com', 25],
    ['uk', 12],
    [software ? 'io' : 'co.uk', 8],
  ]);
  for (const candidate of [`${slug}.${tld}`, `${slug}.co.uk`, `${slug}.com`, `${slug}-uk.com`]) {
    if (!unique.domains.has(candidate)) {
      unique.domains.add(candidate);
      return candidate;
    }
  }
  for (let n = 2; ; n++) {
    const numbered = `${slug}${n}.co.uk`;
    if (!unique.domains.has(numbered)) {
      unique.domains.add(numbered);
      return numbered;
    }
  }
}

function randomAddress(random: SeededRandom, jurisdiction: Jurisdiction, nameStem?: string): WorldAddress {
  const city = random.pick(CITIES[jurisdiction]);
  const street = random.pick(STREETS);
  const letters = [...POSTCODE_LETTERS];
  const postcode = `${random.pick(city.postcodeAreas)} ${random.int(1, 9)}${random.pick(letters)}${random.pick(letters)}`;
  let premises: string | undefined;
  let line1: string;
  let line2: string | undefined;
  const style = random.next();
  if (style < 0.55) {
    line1 = `${random.int(1, 250)} ${street}`;
  } else if (style < 0.8) {
    premises = random.pick([
      `Unit ${random.int(1, 40)}`,
      `Suite ${random.int(1, 12)}`,
      `Floor ${random.int(1, 9)}`,
    ]);
    line1 = `${random.int(1, 250)} ${street}`;
  } else {
    const building = (nameStem ?? random.pick(NAME_STEMS)).split(' ')[0];
    premises = `${capitalise(building)} ${random.pick(BUILDING_NAMES)}`;
    line1 = street;
    if (random.chance(0.4)) {
      line2 = `${capitalise(random.pick(NAME_STEMS))} Business Park`;
    }
  }
  const region = city.region && random.chance(0.5) ? city.region : undefined;
  const country = random.chance(0.5) ? 'United Kingdom' : city.country;
  // Built in one go so every address lists its members in the same order.
  return {
    ...(premises === undefined ? {} : { premises }),
    address_line_1: line1,
    ...(line2 === undefined ? {} : { address_line_2: line2 }),
    locality: city.locality,
    ...(region === undefined ? {} : { region }),
    postal_code: postcode,
    country,
  };
}

interface OfficerContext {
  companyNumber: string;
  type: CompanyType;
  jurisdiction: Jurisdiction;
  trade: Trade;
  nameStem: string;
  address: WorldAddress;
  /** Appointments happen between these dates. */
  from: string;
  to: string;
}

function generateOfficers(random: SeededRandom, context: OfficerContext): WorldOfficer[] {
  const count = Math.max(context.type === 'llp' ? 2 : 1, random.weighted(OFFICER_COUNT_MIX));
  const officers: WorldOfficer[] = [];
  for (let i = 0; i < count; i++) {
    officers.push(generateOfficer(random, context, i));
  }
  return officers;
}

function roleFor(random: SeededRandom, context: OfficerContext, index: number): OfficerRole {
  if (context.type === 'llp') {
    // An LLP needs at least two designated members.
    return index < 2 || random.chance(0.5) ? 'llp-designated-member' : 'llp-member';
  }
  if (index === 0) {
    return 'director';
  }
  // A plc must have a secretary; private companies often keep one from older days.
  if (index === 1 && (context.type === 'plc' || random.chance(0.25))) {
    return random.chance(0.15) ? 'corporate-secretary' : 'secretary';
  }
  return 'director';
}

function generateOfficer(random: SeededRandom, context: OfficerContext, index: number): WorldOfficer {
  const role = roleFor(random, context, index);
  // The first officer founded the company and is still in office, so no company is left without one.
  const appointedOn = index === 0 ? context.from : randomDateBetween(random, context.from, context.to);
  const canResign = index > 0 && toDayNumber(context.to) - toDayNumber(appointedOn) > 60;
  const resignedOn =
    canResign && random.chance(0.3) ? randomDateBetween(random, addDays(appointedOn, 30), context.to) : null;
  const address = random.chance(0.7) ? { ...context.address } : randomAddress(random, context.jurisdiction);
  const officerId = randomId(random);
  const appointmentId = randomId(random);

  if (role === 'corporate-secretary') {
    return {
      officer_id: officerId,
      appointment_id: appointmentId,
      kind: 'corporate',
      forenames: null,
      surname: null,
      name: `${random.pick(NAME_STEMS)} SECRETARIES LIMITED`,
      officer_role: role,
      appointed_on: appointedOn,
      resigned_on: resignedOn,
      date_of_birth: null,
      nationality: null,
      occupation: null,
      country_of_residence: null,
      address,
      registration_number: String(random.int(1_000_000, 9_999_999)).padStart(8, '0'),
    };
  }

  const names: readonly string[] = random.chance(0.5) ? FEMALE_FORENAMES : MALE_FORENAMES;
  const forenames = random.chance(0.4) ? twoForenames(random, names) : random.pick(names);
  const surnameUpper = random.pick(SURNAMES);
  const ageAtAppointment = random.int(22, 64);
  const birthYear = Math.min(yearOf(appointedOn) - ageAtAppointment, yearOf(WORLD_AS_OF) - 18);
  const nationality = random.weighted(NATIONALITIES);
  const isLlpMember = role === 'llp-member' || role === 'llp-designated-member';
  const isSecretary = role === 'secretary';
  // The register shows no date of birth, occupation or residence for secretaries, and no occupation
  // or nationality for LLP members.
  return {
    officer_id: officerId,
    appointment_id: appointmentId,
    kind: 'individual',
    forenames,
    surname: surnameOf(surnameUpper),
    name: `${surnameUpper}, ${forenames}`,
    officer_role: role,
    appointed_on: appointedOn,
    resigned_on: resignedOn,
    date_of_birth: isSecretary ? null : { month: random.int(1, 12), year: birthYear },
    nationality: isSecretary || isLlpMember ? null : nationality,
    occupation: isSecretary || isLlpMember ? null : random.pick(context.trade.occupations),
    country_of_residence: isSecretary
      ? null
      : residenceOf(random, context.jurisdiction, address, nationality),
    address,
    registration_number: null,
  };
}

function residenceOf(
  random: SeededRandom,
  jurisdiction: Jurisdiction,
  address: WorldAddress,
  nationality: string,
): string {
  if (nationality === 'Irish' && random.chance(0.3)) {
    return 'Ireland';
  }
  if (random.chance(0.3)) {
    return 'United Kingdom';
  }
  if (jurisdiction === 'england-wales') {
    return address.country === 'Wales' ? 'Wales' : 'England';
  }
  return jurisdiction === 'scotland' ? 'Scotland' : 'Northern Ireland';
}

function surnameOf(upper: string): string {
  return upper
    .toLowerCase()
    .replace(/(^|[' -])([a-z])/g, (_match, before: string, letter: string) => before + letter.toUpperCase())
    .replace(/^Mc([a-z])/, (_match, letter: string) => `Mc${letter.toUpperCase()}`)
    .replace(/^Mac([a-z])/, (_match, letter: string) => `Mac${letter.toUpperCase()}`);
}

function capitalise(word: string): string {
  return word.charAt(0) + word.slice(1).toLowerCase();
}

function randomDateBetween(random: SeededRandom, from: string, to: string): string {
  const start = toDayNumber(from);
  const end = Math.max(start, toDayNumber(to));
  return fromDayNumber(random.int(start, end));
}

function randomId(random: SeededRandom): string {
  let id = '';
  for (let i = 0; i < 27; i++) {
    id += ID_ALPHABET[random.int(0, ID_ALPHABET.length - 1)];
  }
  return id;
}

function pickDistinct<T>(random: SeededRandom, items: readonly T[], count: number): T[] {
  const pool = [...items];
  const picked: T[] = [];
  while (picked.length < count && pool.length > 0) {
    picked.push(pool.splice(random.int(0, pool.length - 1), 1)[0]);
  }
  return picked;
}

/**
 * A first and a middle name, never the same one twice ("Siobhan Siobhan"). A second name equal to
 * the first is replaced by the next in the list rather than drawn again, so the draws, and so the
 * rest of the world, stay those of the seed.
 */
function twoForenames(random: SeededRandom, names: readonly string[]): string {
  const first = random.pick(names);
  let second = random.pick(names);
  if (second === first) {
    second = names[(names.indexOf(first) + 1) % names.length] ?? second;
  }
  return `${first} ${second}`;
}
