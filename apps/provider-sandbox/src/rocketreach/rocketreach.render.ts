import type { WorldPerson } from '../world/contacts';
import type { World } from '../world/generate-world';
import type { WorldCompany } from '../world/world-types';
import { rocketreach } from './rocketreach.provider';

/** Profile and company ids are offsets into the world's lists, so an id always names the same record. */
export const ROCKETREACH_ID_OFFSET = 100_000;

/** Which contact data an answer reveals: everything on the legacy model, what was asked for on Universal. */
export interface RocketReachReveal {
  professionalEmail: boolean;
  personalEmail: boolean;
  phone: boolean;
}

export const REVEAL_ALL: RocketReachReveal = Object.freeze({
  professionalEmail: true,
  personalEmail: true,
  phone: true,
});

function smtpValidOf(truth: string): string {
  return truth === 'catch_all' ? 'accept-all' : truth === 'valid' || truth === 'invalid' ? truth : 'unknown';
}

/** The world rendered in RocketReach's profile and company shapes (provider-apis.md §1). */
export class RocketReachRenderer {
  constructor(private readonly world: World) {}

  profileIdOf(person: WorldPerson): number {
    return ROCKETREACH_ID_OFFSET + this.world.contacts.people.indexOf(person);
  }

  personByProfileId(id: number): WorldPerson | undefined {
    return this.world.contacts.people[id - ROCKETREACH_ID_OFFSET];
  }

  companyById(id: number): WorldCompany | undefined {
    return this.world.companies[id - ROCKETREACH_ID_OFFSET];
  }

  /** Whether RocketReach holds any contact data for the person (else a lookup answers 404). */
  knowsAnything(person: WorldPerson): boolean {
    const { contacts } = this.world;
    return (
      contacts.knows(rocketreach.name, 'work_email', person) ||
      contacts.knows(rocketreach.name, 'phone', person) ||
      (person.personal_email !== null && contacts.knows(rocketreach.name, 'personal_email', person))
    );
  }

  profile(
    person: WorldPerson,
    status: string,
    options: { withCompany?: boolean; reveal?: RocketReachReveal } = {},
  ): Record<string, unknown> {
    const reveal = options.reveal ?? REVEAL_ALL;
    const { contacts } = this.world;
    const company = contacts.companyOf(person);
    const emails: Record<string, unknown>[] = [];
    if (reveal.professionalEmail && contacts.knows(rocketreach.name, 'work_email', person)) {
      const truth = contacts.emailTruthOf(person.work_email);
      emails.push({
        email: person.work_email,
        smtp_valid: smtpValidOf(truth),
        // The older flag the docs' own example still shows beside smtp_valid's successor.
        valid: truth === 'valid' ? 'true' : 'false',
        type: 'professional',
        grade: truth === 'valid' ? 'A' : 'B',
        last_validation_check: '2026-11-01',
      });
    }
    if (
      reveal.personalEmail &&
      person.personal_email &&
      contacts.knows(rocketreach.name, 'personal_email', person)
    ) {
      emails.push({
        email: person.personal_email,
        smtp_valid: 'valid',
        valid: 'true',
        type: 'personal',
        grade: 'A-',
        last_validation_check: '2026-11-01',
      });
    }
    const phone = person.mobile_phone ?? person.direct_phone;
    const phones =
      reveal.phone && phone && contacts.knows(rocketreach.name, 'phone', person)
        ? [
            {
              number: phone,
              e164: phone,
              country_code: 'GB',
              extension: null,
              type: phone === person.mobile_phone ? 'mobile' : 'direct dial',
              grade: 'A',
              recommended: true,
              premium: phone === person.mobile_phone,
              last_checked: '2026-11-01',
            },
          ]
        : [];
    const professional = emails.find((e) => e.type === 'professional')?.email ?? null;
    const personal = emails.find((e) => e.type === 'personal')?.email ?? null;
    return {
      id: this.profileIdOf(person),
      status,
      name: person.full_name,
      linkedin_url: person.linkedin_url,
      location: `${person.city}, ${person.country}`,
      city: person.city,
      region: null,
      country: person.country,
      country_code: 'GB',
      current_title: person.title,
      current_employer: company.company_name,
      current_employer_id: this.companyIdOf(company),
      current_employer_domain: company.domain,
      current_employer_website: `https://www.${company.domain}`,
      job_history: [
        {
          start_date: null,
          end_date: 'Present',
          company_name: company.company_name,
          company_id: this.companyIdOf(company),
          department: person.department,
          title: person.title,
          highest_level: person.seniority,
          is_current: true,
        },
      ],
      recommended_email: professional ?? personal,
      recommended_professional_email: professional,
      recommended_personal_email: personal,
      current_work_email: professional,
      current_personal_email: personal,
      emails,
      phones,
      ...(options.withCompany ? { company: this.company(company, { lookup: true }) } : {}),
    };
  }

  /** A search result: who the person is and a teaser of what a lookup would reveal, no contact data. */
  searchProfile(person: WorldPerson): Record<string, unknown> {
    const company = this.world.contacts.companyOf(person);
    return {
      id: this.profileIdOf(person),
      status: 'complete',
      name: person.full_name,
      current_title: person.title,
      current_employer: company.company_name,
      linkedin_url: person.linkedin_url,
      city: person.city,
      country: person.country,
      teaser: {
        emails: [],
        professional_emails: this.world.contacts.knows(rocketreach.name, 'work_email', person)
          ? [company.domain]
          : [],
        personal_emails: [],
        phones: [],
        office_phones: [],
        is_premium_phone_available: this.world.contacts.knows(rocketreach.name, 'phone', person),
        preview: [],
      },
    };
  }

  companyIdOf(company: WorldCompany): number {
    return ROCKETREACH_ID_OFFSET + this.world.companies.indexOf(company);
  }

  /**
   * A company record. `withDomain` false: RocketReach holds the company but not its domain (a
   * search by name for a company whose domain it does not know, per the world's coverage).
   * `lookup`: a lookup's record, which also nests the whole place in `address` (with its postal
   * code, which search results do not carry).
   */
  company(company: WorldCompany, { withDomain = true, lookup = false } = {}): Record<string, unknown> {
    const firm = this.world.contacts.firmographicsOf(company);
    const domain = withDomain ? company.domain : null;
    const office = company.registered_office_address;
    return {
      id: this.companyIdOf(company),
      name: company.company_name,
      domain,
      email_domain: domain,
      website_domain: domain,
      industry: firm.industry,
      num_employees: firm.employees,
      revenue: firm.revenue_usd,
      linkedin_url: firm.linkedin_url,
      phone: firm.phone,
      city: office.locality,
      region: null,
      country_code: 'GB',
      ...(lookup
        ? {
            address: {
              street: office.address_line_1,
              city: office.locality,
              region: null,
              postal_code: office.postal_code,
              country: 'United Kingdom',
              country_code: 'GB',
            },
          }
        : {}),
      techstack: firm.technologies,
    };
  }
}
