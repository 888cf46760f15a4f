import {
  companyNameKey,
  contactsOf,
  knows,
  landline,
  mobile,
  nameKey,
  type EmailTruth,
  type Fact,
  type WorldFirmographics,
  type WorldPerson,
} from './contacts';
import { SeededRandom, deriveSeed } from './prng';
import type { WorldCompany } from './world-types';

/**
 * Every person of the world with the lookups providers need (by e-mail, LinkedIn URL, phone, name
 * at a domain or company), and the answer key: which provider knows which fact.
 */
export class ContactsIndex {
  readonly people: readonly WorldPerson[];
  private readonly byId = new Map<string, WorldPerson>();
  private readonly byEmail = new Map<string, WorldPerson>();
  private readonly byLinkedin = new Map<string, WorldPerson>();
  private readonly byPhone = new Map<string, WorldPerson>();
  private readonly byName = new Map<string, WorldPerson>();
  private readonly firmographics = new Map<string, WorldFirmographics>();
  private readonly emailTruth = new Map<string, EmailTruth>();
  private readonly companyByNumber = new Map<string, WorldCompany>();
  private readonly companyByDomain = new Map<string, WorldCompany>();
  private readonly companyByName = new Map<string, WorldCompany>();

  constructor(
    private readonly seed: number,
    companies: readonly WorldCompany[],
  ) {
    const people: WorldPerson[] = [];
    for (const company of companies) {
      const contacts = contactsOf(seed, company);
      this.firmographics.set(company.company_number, contacts.firmographics);
      this.companyByNumber.set(company.company_number, company);
      this.companyByDomain.set(company.domain, company);
      this.companyByName.set(companyNameKey(company.company_name), company);
      for (const person of contacts.people) {
        this.keepOwn(person, contacts.emailTruth);
        people.push(person);
        this.byId.set(person.person_id, person);
        this.byEmail.set(person.work_email, person);
        if (person.personal_email) {
          this.byEmail.set(person.personal_email, person);
        }
        this.byLinkedin.set(person.linkedin_url, person);
        for (const phone of [person.mobile_phone, person.direct_phone]) {
          if (phone) {
            this.byPhone.set(phone, person);
          }
        }
        this.byName.set(nameKey(person.first_name, person.last_name, company.domain), person);
        this.byName.set(
          nameKey(person.first_name, person.last_name, companyNameKey(company.company_name)),
          person,
        );
      }
      for (const [email, truth] of contacts.emailTruth) {
        // An address an earlier company's person holds keeps that person's truth.
        if (!this.emailTruth.has(email)) {
          this.emailTruth.set(email, truth);
        }
      }
    }
    this.people = people;
  }

  /**
   * Each company's people come from a stream of its own, so two of them (of one company or two) can
   * draw the same phone number or personal address, which a reverse lookup could then not tell
   * apart. People do not share them: the first to draw one keeps it, and a later person draws
   * again, from a stream named after them, so the world stays the same for the same seed.
   */
  private keepOwn(person: WorldPerson, truthOfCompany: Map<string, EmailTruth>): void {
    const redraw = (
      field: string,
      taken: Map<string, WorldPerson>,
      draw: (random: SeededRandom) => string,
    ) => {
      for (let attempt = 1; ; attempt++) {
        const value = draw(
          new SeededRandom(deriveSeed(this.seed, `${field}:${person.person_id}:${attempt}`)),
        );
        if (!taken.has(value)) {
          return value;
        }
      }
    };
    // A mobile and a landline come from different ranges, so a person's two numbers never meet.
    if (person.mobile_phone && this.byPhone.has(person.mobile_phone)) {
      person.mobile_phone = redraw('mobile', this.byPhone, mobile);
    }
    if (person.direct_phone && this.byPhone.has(person.direct_phone)) {
      person.direct_phone = redraw('direct', this.byPhone, landline);
    }
    const personal = person.personal_email;
    if (personal && this.byEmail.has(personal)) {
      const [local = '', domain = ''] = personal.split('@');
      const stem = local.replace(/\d+$/, '');
      person.personal_email = redraw(
        'personal',
        this.byEmail,
        (random) => `${stem}${random.int(100, 9999)}@${domain}`,
      );
      truthOfCompany.set(person.personal_email, truthOfCompany.get(personal) ?? 'valid');
    }
  }

  person(id: string): WorldPerson | undefined {
    return this.byId.get(id);
  }

  byEmailAddress(email: string): WorldPerson | undefined {
    return this.byEmail.get(email.trim().toLowerCase());
  }

  byLinkedinUrl(url: string): WorldPerson | undefined {
    const slug = /linkedin\.com\/in\/([^/?#]+)/i.exec(url)?.[1];
    return slug ? this.byLinkedin.get(`https://www.linkedin.com/in/${slug.toLowerCase()}`) : undefined;
  }

  byPhoneNumber(e164: string): WorldPerson | undefined {
    return this.byPhone.get(e164);
  }

  /** By first and last name at a company domain or a company name (any case, register suffixes ignored). */
  byNameAt(firstName: string, lastName: string, domainOrCompany: string): WorldPerson | undefined {
    const where = domainOrCompany.includes('.')
      ? domainOrCompany
          .trim()
          .toLowerCase()
          .replace(/^www\./, '')
      : companyNameKey(domainOrCompany);
    return this.byName.get(nameKey(firstName, lastName, where));
  }

  companyOf(person: WorldPerson): WorldCompany {
    const company = this.companyByNumber.get(person.company_number);
    if (!company) {
      throw new Error(`person ${person.person_id} has no company: the world is inconsistent`);
    }
    return company;
  }

  companyByDomainName(domain: string): WorldCompany | undefined {
    return this.companyByDomain.get(
      domain
        .trim()
        .toLowerCase()
        .replace(/^www\./, ''),
    );
  }

  companyByCompanyName(name: string): WorldCompany | undefined {
    return this.companyByName.get(companyNameKey(name));
  }

  firmographicsOf(company: WorldCompany): WorldFirmographics {
    const found = this.firmographics.get(company.company_number);
    if (!found) {
      throw new Error(`company ${company.company_number} has no firmographics: the world is inconsistent`);
    }
    return found;
  }

  /** The deliverability truth of an address; addresses the world never issued are `invalid`. */
  emailTruthOf(email: string): EmailTruth {
    const address = email.trim().toLowerCase();
    const known = this.emailTruth.get(address);
    if (known) {
      return known;
    }
    const company = this.companyByDomainName(address.slice(address.indexOf('@') + 1));
    return company && this.firmographicsOf(company).catch_all ? 'catch_all' : 'invalid';
  }

  /** Whether `provider` knows `fact` of this person (e-mails, phones) or company (domain). */
  knows(provider: string, fact: Fact, subject: WorldPerson | WorldCompany): boolean {
    const company = 'person_id' in subject ? this.companyOf(subject) : subject;
    const key = 'person_id' in subject ? subject.person_id : subject.company_number;
    return knows(this.seed, provider, fact, key, company.company_status !== 'active');
  }
}
