import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { COVERAGE } from './contacts';
import { generateWorld } from './generate-world';

describe('the people side of the world', () => {
  const world = generateWorld(20261122, 600);
  const { contacts } = world;

  it('is the same for the same seed, and different for another', () => {
    const again = generateWorld(20261122, 600).contacts;
    expect(again.people).toEqual(contacts.people);
    expect(generateWorld(7, 600).contacts.people[0]).not.toEqual(contacts.people[0]);
  });

  it('leaves the register unchanged', () => {
    const before = JSON.stringify(generateWorld(20261122, 600).companies);
    void world.contacts.people.length;
    expect(JSON.stringify(world.companies)).toBe(before);
  });

  it('turns each current individual officer into a person and adds staff to active companies', () => {
    const company = world.companies.find((c) => c.company_status === 'active' && c.officers.length > 1)!;
    const people = contacts.people.filter((p) => p.company_number === company.company_number);
    const officers = company.officers.filter((o) => o.kind === 'individual' && !o.resigned_on);
    expect(people.filter((p) => p.officer_id !== null)).toHaveLength(officers.length);
    expect(people.some((p) => p.officer_id === null)).toBe(true);
    for (const person of people) {
      expect(person.work_email.endsWith(`@${company.domain}`)).toBe(true);
    }
  });

  it('issues UK numbers in E.164 from ranges in service, and unique work e-mails', () => {
    const phones = contacts.people.flatMap((p) => [p.mobile_phone, p.direct_phone]).filter((p) => p !== null);
    expect(phones.length).toBeGreaterThan(100);
    for (const phone of phones) {
      expect(parsePhoneNumberFromString(phone)?.isValid()).toBe(true);
      expect(parsePhoneNumberFromString(phone)?.country).toBe('GB');
    }
    const emails = contacts.people.map((p) => p.work_email);
    expect(new Set(emails).size).toBe(emails.length);
    const mobiles = contacts.people.map((p) => p.mobile_phone).filter((p) => p !== null);
    expect(mobiles.every((m) => parsePhoneNumberFromString(m)?.getType() === 'MOBILE')).toBe(true);
  });

  it('finds people by e-mail, LinkedIn URL, phone and name at a domain or company', () => {
    const person = contacts.people.find((p) => p.mobile_phone)!;
    const company = contacts.companyOf(person);
    expect(contacts.byEmailAddress(person.work_email.toUpperCase())).toBe(person);
    expect(contacts.byLinkedinUrl(person.linkedin_url.replace('https://www.', 'http://uk.'))).toBe(person);
    expect(contacts.byPhoneNumber(person.mobile_phone!)).toBe(person);
    expect(contacts.byNameAt(person.first_name, person.last_name, `www.${company.domain}`)).toBe(person);
    expect(contacts.byNameAt(person.first_name.toUpperCase(), person.last_name, company.company_name)).toBe(
      person,
    );
    expect(contacts.byNameAt('Nobody', 'Atall', company.domain)).toBeUndefined();
  });

  it('gives each provider its own share of the facts, within a few points of its coverage', () => {
    const active = contacts.people.filter((p) => contacts.companyOf(p).company_status === 'active');
    for (const [provider, facts] of Object.entries(COVERAGE)) {
      if (facts.work_email !== undefined) {
        const share = active.filter((p) => contacts.knows(provider, 'work_email', p)).length / active.length;
        expect(Math.abs(share - facts.work_email)).toBeLessThan(0.06);
      }
      if (facts.phone !== undefined) {
        const share = active.filter((p) => contacts.knows(provider, 'phone', p)).length / active.length;
        expect(Math.abs(share - facts.phone)).toBeLessThan(0.06);
      }
    }
    // Overlapping, not identical: some people are known to Snov.io and not to Apollo.
    expect(
      active.some(
        (p) => contacts.knows('snov', 'work_email', p) && !contacts.knows('apollo', 'work_email', p),
      ),
    ).toBe(true);
  });

  it('knows the deliverability of every address, and calls unknown addresses invalid', () => {
    const truths = new Set(contacts.people.map((p) => contacts.emailTruthOf(p.work_email)));
    expect(truths).toEqual(new Set(['valid', 'invalid', 'risky', 'unknown', 'catch_all']));
    const plain = world.companies.find((c) => !contacts.firmographicsOf(c).catch_all)!;
    expect(contacts.emailTruthOf(`zz.nobody@${plain.domain}`)).toBe('invalid');
  });

  it('keeps work and personal e-mails, LinkedIn URLs and phones unique in a world of 3,000 companies', () => {
    // Collisions grow with the world: what is unique among 600 companies need not be among 3,000.
    const big = generateWorld(1, 3000).contacts.people;
    expect(big.length).toBeGreaterThan(3000);
    const unique = (values: (string | null)[]) => {
      const present = values.filter((v) => v !== null);
      return new Set(present).size === present.length;
    };
    expect(unique(big.flatMap((p) => [p.work_email, p.personal_email]))).toBe(true);
    expect(unique(big.map((p) => p.linkedin_url))).toBe(true);
    expect(unique(big.flatMap((p) => [p.mobile_phone, p.direct_phone]))).toBe(true);
  });
});
