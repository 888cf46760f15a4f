import { BadRequestException, Controller, Get, Query } from '@nestjs/common';
import { queryString } from '../http/query-string';
import { World } from '../world/generate-world';
import { COVERAGE, type WorldFirmographics, type WorldPerson } from '../world/contacts';
import type { CompanyStatus, CompanyStatusDetail } from '../world/world-types';

export interface WorldCompanyView {
  company_number: string;
  company_name: string;
  company_status: CompanyStatus;
  company_status_detail: CompanyStatusDetail | null;
  domain: string;
  /** Its registered office's, which Apollo and RocketReach give as its head office's. */
  postal_code: string;
  firmographics: WorldFirmographics;
  /** Providers that can tell this company's domain. */
  domain_known_by: string[];
}

/**
 * A person as a client would ask for them (canonical input names) plus the answer key: what each
 * provider holds, so tests and benchmarks can score hit rates and credit efficiency.
 */
export interface WorldPersonView {
  person_id: string;
  first_name: string;
  last_name: string;
  full_name: string;
  email: string;
  domain: string;
  company_name: string;
  company_number: string;
  linkedin_url: string;
  phone: string | null;
  title: string;
  seniority: string;
  department: string;
  /** Companies House officer id when the person is an officer of their company, else null. */
  officer_id: string | null;
  /** Provider → the e-mail it returns (work e-mail, or personal where only that is known). */
  emails: Record<string, string>;
  /** Provider → the phone it returns. */
  phones: Record<string, string>;
  /** The deliverability of the work e-mail, as a verifier finds it. */
  email_status: string;
}

const DEFAULT_LIMIT = 100;
const PROVIDERS = Object.keys(COVERAGE);

/** Lets tests and demos pick real companies of the world without guessing numbers. */
@Controller('_sandbox/world')
export class WorldAdminController {
  constructor(private readonly world: World) {}

  @Get('companies')
  companies(@Query('limit') limit: unknown, @Query('offset') offset: unknown): WorldCompanyView[] {
    const { contacts } = this.world;
    const start = this.offsetOf(offset, this.world.size);
    return this.world.companies.slice(start, start + this.limitOf(limit, this.world.size)).map((company) => ({
      company_number: company.company_number,
      company_name: company.company_name,
      company_status: company.company_status,
      company_status_detail: company.company_status_detail,
      domain: company.domain,
      postal_code: company.registered_office_address.postal_code,
      firmographics: contacts.firmographicsOf(company),
      domain_known_by: PROVIDERS.filter((provider) => contacts.knows(provider, 'domain', company)),
    }));
  }

  @Get('people')
  people(@Query('limit') limit: unknown, @Query('offset') offset: unknown): WorldPersonView[] {
    const { people } = this.world.contacts;
    const start = this.offsetOf(offset, people.length);
    return people
      .slice(start, start + this.limitOf(limit, people.length))
      .map((person) => this.personView(person));
  }

  private personView(person: WorldPerson): WorldPersonView {
    const { contacts } = this.world;
    const company = contacts.companyOf(person);
    const emails: Record<string, string> = {};
    const phones: Record<string, string> = {};
    for (const provider of PROVIDERS) {
      if (contacts.knows(provider, 'work_email', person)) {
        emails[provider] = person.work_email;
      } else if (person.personal_email && contacts.knows(provider, 'personal_email', person)) {
        emails[provider] = person.personal_email;
      }
      const phone = person.mobile_phone ?? person.direct_phone;
      if (phone && contacts.knows(provider, 'phone', person)) {
        phones[provider] = phone;
      }
    }
    return {
      person_id: person.person_id,
      first_name: person.first_name,
      last_name: person.last_name,
      full_name: person.full_name,
      email: person.work_email,
      domain: company.domain,
      company_name: company.company_name,
      company_number: company.company_number,
      linkedin_url: person.linkedin_url,
      phone: person.mobile_phone ?? person.direct_phone,
      title: person.title,
      seniority: person.seniority,
      department: person.department,
      officer_id: person.officer_id,
      emails,
      phones,
      email_status: contacts.emailTruthOf(person.work_email),
    };
  }

  private limitOf(limit: unknown, max: number): number {
    const raw = queryString(limit);
    if (raw === undefined || raw === '') {
      return Math.min(DEFAULT_LIMIT, max);
    }
    const value = /^\d{1,9}$/.test(raw) ? Number(raw) : Number.NaN;
    if (!(value >= 1 && value <= max)) {
      throw new BadRequestException({
        message: `limit must be a whole number from 1 to ${max} (got ${JSON.stringify(raw)})`,
      });
    }
    return value;
  }

  private offsetOf(offset: unknown, max: number): number {
    const raw = queryString(offset);
    if (raw === undefined || raw === '') {
      return 0;
    }
    const value = /^\d{1,9}$/.test(raw) ? Number(raw) : Number.NaN;
    if (!(value >= 0 && value < max)) {
      throw new BadRequestException({
        message: `offset must be a whole number from 0 to ${max - 1} (got ${JSON.stringify(raw)})`,
      });
    }
    return value;
  }
}
