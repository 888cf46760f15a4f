import { Controller, Get, Param, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ProviderCallPipeline } from '../simulation/provider-call-pipeline';
import { COMPANIES_HOUSE_PREFIX, companiesHouse } from './companies-house.provider';
import { CompaniesHouseSimulation } from './companies-house.simulation';

/** Companies House's real paths under `/companies-house`. */
@Controller(COMPANIES_HOUSE_PREFIX)
export class CompaniesHouseController {
  constructor(
    private readonly pipeline: ProviderCallPipeline,
    private readonly simulation: CompaniesHouseSimulation,
  ) {}

  @Get('company/:company_number')
  profile(
    @Param('company_number') companyNumber: string,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    return this.pipeline.serve(companiesHouse, 'GET /company/{company_number}', request, response, () =>
      this.simulation.profile(companyNumber),
    );
  }

  @Get('company/:company_number/officers')
  officers(
    @Param('company_number') companyNumber: string,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    return this.pipeline.serve(
      companiesHouse,
      'GET /company/{company_number}/officers',
      request,
      response,
      () => this.simulation.officers(companyNumber, request.query),
    );
  }

  @Get('search/companies')
  search(@Req() request: Request, @Res() response: Response): Promise<void> {
    return this.pipeline.serve(companiesHouse, 'GET /search/companies', request, response, () =>
      this.simulation.search(request.query),
    );
  }
}
