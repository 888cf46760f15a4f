import { Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ProviderCallPipeline } from '../simulation/provider-call-pipeline';
import { SNOV_PREFIX, snov, snovError } from './snov.provider';
import { SnovSimulation } from './snov.simulation';

/** Snov.io's real paths (v1 and v2) under `/snov`. */
@Controller(SNOV_PREFIX)
export class SnovController {
  constructor(
    private readonly pipeline: ProviderCallPipeline,
    private readonly simulation: SnovSimulation,
  ) {}

  @Post('v1/oauth/access_token')
  token(@Req() request: Request, @Res() response: Response): Promise<void> {
    return this.pipeline.serve(snov, 'POST /v1/oauth/access_token', request, response, () =>
      this.simulation.token(),
    );
  }

  @Get('v1/get-balance')
  balance(@Req() request: Request, @Res() response: Response): Promise<void> {
    return this.pipeline.serve(snov, 'GET /v1/get-balance', request, response, () =>
      this.simulation.balance(),
    );
  }

  @Post('v2/domain-search/start')
  startDomainSearch(@Req() request: Request, @Res() response: Response): Promise<void> {
    return this.pipeline.serve(snov, 'POST /v2/domain-search/start', request, response, () =>
      this.simulation.startDomainSearch(request),
    );
  }

  @Get('v2/domain-search/result/:task_hash')
  domainSearchResult(
    @Param('task_hash') taskHash: string,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    return this.pipeline.serve(snov, 'GET /v2/domain-search/result/{task_hash}', request, response, () =>
      this.simulation.domainSearchStatus(taskHash, request),
    );
  }

  @Post('v2/emails-by-domain-by-name/start')
  startEmailFinder(@Req() request: Request, @Res() response: Response): Promise<void> {
    return this.pipeline.serve(snov, 'POST /v2/emails-by-domain-by-name/start', request, response, () =>
      this.simulation.startEmailFinder(request),
    );
  }

  @Get('v2/emails-by-domain-by-name/result')
  emailFinderResult(
    @Query('task_hash') taskHash: unknown,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    return this.pipeline.serve(snov, 'GET /v2/emails-by-domain-by-name/result', request, response, () =>
      typeof taskHash === 'string' && taskHash !== ''
        ? this.simulation.emailFinderStatus(taskHash)
        : snovError(400, 'task_hash is required'),
    );
  }
}
