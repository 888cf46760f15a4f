import { Injectable } from '@nestjs/common';
import type { SimulatedReply } from '../simulation/simulated-provider';
import { World } from '../world/generate-world';
import { chError } from './companies-house-errors';
import { renderCompanyProfile } from './company-profile';
import { SEARCH_PAGING, searchCompanies } from './company-search';
import { OFFICERS_PAGING, renderOfficerList } from './officer-list';
import { queryString } from '../http/query-string';
import { parsePaging } from './paging';

/** The answers of the Companies House endpoints, rendered from the world. */
@Injectable()
export class CompaniesHouseSimulation {
  constructor(private readonly world: World) {}

  profile(companyNumber: string): SimulatedReply {
    const company = this.world.findCompany(companyNumber);
    if (!company) {
      return chError(404, 'company-profile-not-found');
    }
    return { status: 200, body: renderCompanyProfile(company) };
  }

  officers(companyNumber: string, query: Record<string, unknown>): SimulatedReply {
    const company = this.world.findCompany(companyNumber);
    if (!company) {
      return chError(404, 'company-officers-not-found');
    }
    const paging = parsePaging(query, OFFICERS_PAGING);
    if ('problem' in paging) {
      return chError(400, paging.problem);
    }
    return { status: 200, body: renderOfficerList(company, paging.paging) };
  }

  search(query: Record<string, unknown>): SimulatedReply {
    const q = queryString(query.q);
    if (q === undefined || q.trim() === '') {
      return chError(400, 'q parameter is required');
    }
    const paging = parsePaging(query, SEARCH_PAGING);
    if ('problem' in paging) {
      return chError(400, paging.problem);
    }
    return { status: 200, body: searchCompanies(this.world.companies, q, paging.paging) };
  }
}
