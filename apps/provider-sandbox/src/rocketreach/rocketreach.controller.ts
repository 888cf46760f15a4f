import { Controller, Get, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ProviderCallPipeline } from '../simulation/provider-call-pipeline';
import { ROCKETREACH_PREFIX, rocketreach } from './rocketreach.provider';
import { RocketReachSimulation } from './rocketreach.simulation';

/**
 * RocketReach's ten endpoints and the Universal variants under `/rocketreach/api/v2`. Paths are
 * served with and without a trailing slash, as RocketReach accepts both.
 */
@Controller(ROCKETREACH_PREFIX)
export class RocketReachController {
  constructor(
    private readonly pipeline: ProviderCallPipeline,
    private readonly simulation: RocketReachSimulation,
  ) {}

  @Get(['account', 'account/'])
  account(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.pipeline.serve(rocketreach, 'GET /account/', req, res, () => this.simulation.account());
  }

  @Post(['account/key', 'account/key/'])
  createKey(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.pipeline.serve(rocketreach, 'POST /account/key/', req, res, () =>
      this.simulation.createKey(),
    );
  }

  @Get(['person/lookup', 'person/lookup/'])
  lookup(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.pipeline.serve(
      rocketreach,
      'GET /person/lookup',
      req,
      res,
      () => this.simulation.lookup(req.query),
      1,
    );
  }

  @Get(['person/checkStatus', 'person/checkStatus/'])
  checkStatus(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.pipeline.serve(rocketreach, 'GET /person/checkStatus', req, res, () =>
      this.simulation.checkStatus(req),
    );
  }

  @Post(['person/search', 'person/search/'])
  personSearch(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.pipeline.serve(rocketreach, 'POST /person/search', req, res, () =>
      this.simulation.personSearch((req.body ?? {}) as Record<string, unknown>),
    );
  }

  @Get(['company/lookup', 'company/lookup/'])
  companyLookup(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.pipeline.serve(
      rocketreach,
      'GET /company/lookup/',
      req,
      res,
      () => this.simulation.companyLookup(req.query),
      1,
    );
  }

  @Post(['searchCompany', 'searchCompany/'])
  companySearch(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.pipeline.serve(rocketreach, 'POST /searchCompany', req, res, () =>
      this.simulation.companySearch((req.body ?? {}) as Record<string, unknown>),
    );
  }

  @Get(['profile-company/lookup', 'profile-company/lookup/'])
  profileCompany(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.pipeline.serve(
      rocketreach,
      'GET /profile-company/lookup',
      req,
      res,
      () => this.simulation.lookup(req.query, true),
      1,
    );
  }

  @Post(['bulkLookup', 'bulkLookup/'])
  bulkLookup(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.pipeline.serve(rocketreach, 'POST /bulkLookup', req, res, () =>
      this.simulation.bulkLookup((req.body ?? {}) as Record<string, unknown>),
    );
  }

  @Get(['universal/account', 'universal/account/'])
  universalAccount(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.pipeline.serve(rocketreach, 'GET /universal/account/', req, res, () =>
      this.simulation.universalAccount(),
    );
  }

  @Get(['universal/person/lookup', 'universal/person/lookup/'])
  universalLookup(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.pipeline.serve(
      rocketreach,
      'GET /universal/person/lookup',
      req,
      res,
      () => this.simulation.lookup(req.query),
      1,
    );
  }
}
