import type { Company, CompanyOfficer, CompanySearchHit } from '@sluice/enrichment';
import { ProviderError } from '../errors';
import type { CapabilityResult, ProviderAdapter } from '../port';
import type { CompaniesHouseClient } from './client';
import { COMPANIES_HOUSE } from './descriptor';
import { mapOfficer } from './officers';

/** Companies House behind the capability port: profile, search and every officer, all free. */
export class CompaniesHouseAdapter implements ProviderAdapter {
  readonly descriptor = COMPANIES_HOUSE;

  constructor(private readonly client: CompaniesHouseClient) {}

  async lookupCompany(query: { companyNumber?: string }): Promise<CapabilityResult<Company>> {
    if (!query.companyNumber) {
      throw new ProviderError({
        provider: COMPANIES_HOUSE.name,
        kind: 'bad_request',
        message: 'Companies House looks a company up by its number; give company_number.',
      });
    }
    try {
      const result = await this.client.getCompanyProfile(query.companyNumber);
      return { ...result, data: { status: 'hit', data: result.data, credits: 0 } };
    } catch (error) {
      if (error instanceof ProviderError && error.kind === 'not_found' && error.call) {
        return {
          data: { status: 'miss', credits: 0, reason: 'not on the register' },
          raw: error.body,
          call: error.call,
          rateLimit: null,
        };
      }
      throw error;
    }
  }

  async searchCompanies(query: {
    name?: string;
    limit?: number;
  }): Promise<CapabilityResult<CompanySearchHit[]>> {
    const result = await this.client.searchCompanies(query.name ?? '', { itemsPerPage: query.limit ?? 20 });
    return {
      ...result,
      data:
        result.data.length > 0
          ? { status: 'hit', data: result.data, credits: 0 }
          : { status: 'miss', credits: 0 },
    };
  }

  /** Every officer, current and resigned, over all pages. */
  async listCompanyOfficers(companyNumber: string): Promise<CapabilityResult<CompanyOfficer[]>> {
    const result = await this.client.listOfficers(companyNumber);
    const officers = result.data.map(mapOfficer);
    return {
      ...result,
      data:
        officers.length > 0 ? { status: 'hit', data: officers, credits: 0 } : { status: 'miss', credits: 0 },
    };
  }
}
