import { Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ProviderCallPipeline } from '../simulation/provider-call-pipeline';
import { APOLLO_PREFIX, apollo } from './apollo.provider';
import { ApolloSimulation } from './apollo.simulation';

/** Apollo's real paths under `/apollo/api/v1`. */
@Controller(APOLLO_PREFIX)
export class ApolloController {
  constructor(
    private readonly pipeline: ProviderCallPipeline,
    private readonly simulation: ApolloSimulation,
  ) {}

  @Post('people/match')
  match(@Req() request: Request, @Res() response: Response): Promise<void> {
    return this.pipeline.serve(
      apollo,
      'POST /people/match',
      request,
      response,
      () => this.simulation.match(request),
      1,
    );
  }

  @Post('people/bulk_match')
  bulkMatch(@Req() request: Request, @Res() response: Response): Promise<void> {
    return this.pipeline.serve(apollo, 'POST /people/bulk_match', request, response, () =>
      this.simulation.bulkMatch(request),
    );
  }

  @Get('webhook_result/:request_id')
  webhookResult(
    @Param('request_id') id: string,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    return this.pipeline.serve(apollo, 'GET /webhook_result/{request_id}', request, response, () =>
      this.simulation.webhookResult(id),
    );
  }

  @Post('usage_stats/credit_usage_stats')
  creditUsage(@Req() request: Request, @Res() response: Response): Promise<void> {
    return this.pipeline.serve(apollo, 'POST /usage_stats/credit_usage_stats', request, response, () =>
      this.simulation.creditUsage(),
    );
  }
}
