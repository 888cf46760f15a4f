import { Controller, Get, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ProviderCallPipeline } from '../simulation/provider-call-pipeline';
import type { SimulatedAnswer } from '../simulation/simulated-provider';
import { ROCKETREACH_PREFIX, rocketreach } from './rocketreach.provider';
import { RocketReachSimulation } from './rocketreach.simulation';

type Params = Record<string, unknown>;

/** The key the caller authenticated with (the legacy account echoes it). */
function apiKeyOf(request: Request): string {
  const header = request.headers['api-key'];
  const key = Array.isArray(header) ? header[0] : header;
  return key ?? (typeof request.query.api_key === 'string' ? request.query.api_key : '');
}

function bodyOf(request: Request): Params {
  return (request.body ?? {}) as Params;
}

/**
 * RocketReach's ten endpoints and the Universal variants under `/rocketreach/api/v2`. Every path is
 * served with and without a trailing slash: the OpenAPI writes some with one, the SDK strips it.
 */
@Controller(ROCKETREACH_PREFIX)
export class RocketReachController {
  constructor(
    private readonly pipeline: ProviderCallPipeline,
    private readonly simulation: RocketReachSimulation,
  ) {}

  @Get(['account', 'account/'])
  account(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.serve('GET /account/', req, res, () => this.simulation.account(apiKeyOf(req)));
  }

  @Post(['account/key', 'account/key/'])
  createKey(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.serve('POST /account/key/', req, res, () => this.simulation.createKey());
  }

  @Get(['person/lookup', 'person/lookup/'])
  lookup(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.serve('GET /person/lookup', req, res, () => this.simulation.lookup(req.query, 'person'), 1);
  }

  @Get(['person/checkStatus', 'person/checkStatus/'])
  checkStatus(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.serve('GET /person/checkStatus', req, res, () =>
      this.simulation.checkStatus(req.query.ids, false),
    );
  }

  @Post(['person/search', 'person/search/'])
  personSearch(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.serve('POST /person/search', req, res, () =>
      this.simulation.personSearch(bodyOf(req), false),
    );
  }

  @Get(['company/lookup', 'company/lookup/'])
  companyLookup(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.serve('GET /company/lookup/', req, res, () => this.simulation.companyLookup(req.query), 1);
  }

  @Post(['searchCompany', 'searchCompany/'])
  companySearch(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.serve('POST /searchCompany', req, res, () =>
      this.simulation.companySearch(bodyOf(req), false),
    );
  }

  @Get(['profile-company/lookup', 'profile-company/lookup/'])
  profileCompany(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.serve(
      'GET /profile-company/lookup',
      req,
      res,
      () => this.simulation.lookup(req.query, 'profile-company'),
      1,
    );
  }

  @Post(['bulkLookup', 'bulkLookup/'])
  bulkLookup(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.serve('POST /bulkLookup', req, res, () => this.simulation.bulkLookup(bodyOf(req), false), 1);
  }

  @Get(['universal/account', 'universal/account/'])
  universalAccount(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.serve('GET /universal/account/', req, res, () =>
      this.simulation.universalAccount(apiKeyOf(req)),
    );
  }

  @Get(['universal/person/lookup', 'universal/person/lookup/'])
  universalLookup(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.serve(
      'GET /universal/person/lookup',
      req,
      res,
      () => this.simulation.lookup(req.query, 'universal'),
      this.simulation.universalLookupCost(req.query),
    );
  }

  @Post(['universal/person/search', 'universal/person/search/'])
  universalPersonSearch(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.serve(
      'POST /universal/person/search',
      req,
      res,
      () => this.simulation.personSearch(bodyOf(req), true),
      1,
    );
  }

  @Post(['universal/person/bulk_lookup', 'universal/person/bulk_lookup/'])
  universalBulkLookup(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.serve(
      'POST /universal/person/bulk_lookup',
      req,
      res,
      () => this.simulation.bulkLookup(bodyOf(req), true),
      1,
    );
  }

  @Get(['universal/person/check_status', 'universal/person/check_status/'])
  universalCheckStatus(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.serve('GET /universal/person/check_status', req, res, () =>
      this.simulation.checkStatus(req.query.ids, true),
    );
  }

  @Post(['universal/company/search', 'universal/company/search/'])
  universalCompanySearch(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.serve(
      'POST /universal/company/search',
      req,
      res,
      () => this.simulation.companySearch(bodyOf(req), true),
      2,
    );
  }

  @Get(['universal/company/lookup', 'universal/company/lookup/'])
  universalCompanyLookup(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.serve(
      'GET /universal/company/lookup',
      req,
      res,
      () => this.simulation.companyLookup(req.query),
      1,
    );
  }

  private serve(
    endpoint: string,
    req: Request,
    res: Response,
    answer: () => SimulatedAnswer,
    cost = 0,
  ): Promise<void> {
    return this.pipeline.serve(rocketreach, endpoint, req, res, answer, cost);
  }
}
