import { BadRequestException, Controller, Get, Query } from '@nestjs/common';
import { queryString } from '../http/query-string';
import { World } from '../world/generate-world';
import type { CompanyStatus, CompanyStatusDetail } from '../world/world-types';

export interface WorldCompanyView {
  company_number: string;
  company_name: string;
  company_status: CompanyStatus;
  company_status_detail: CompanyStatusDetail | null;
  domain: string;
}

const DEFAULT_LIMIT = 100;

/** Lets tests and demos pick real companies of the world without guessing numbers. */
@Controller('_sandbox/world')
export class WorldAdminController {
  constructor(private readonly world: World) {}

  @Get('companies')
  companies(@Query('limit') limit: unknown): WorldCompanyView[] {
    return this.world.companies.slice(0, this.limitOf(limit)).map((company) => ({
      company_number: company.company_number,
      company_name: company.company_name,
      company_status: company.company_status,
      company_status_detail: company.company_status_detail,
      domain: company.domain,
    }));
  }

  private limitOf(limit: unknown): number {
    const raw = queryString(limit);
    if (raw === undefined || raw === '') {
      return Math.min(DEFAULT_LIMIT, this.world.size);
    }
    const value = /^\d{1,9}$/.test(raw) ? Number(raw) : Number.NaN;
    if (!(value >= 1 && value <= this.world.size)) {
      throw new BadRequestException({
        message: `limit must be a whole number from 1 to ${this.world.size} (the world size) (got ${JSON.stringify(raw)})`,
      });
    }
    return value;
  }
}
