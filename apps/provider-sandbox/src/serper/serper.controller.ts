import { Controller, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ProviderCallPipeline } from '../simulation/provider-call-pipeline';
import { SERPER_PREFIX, serper } from './serper.provider';
import { SerperSimulation } from './serper.simulation';

@Controller(SERPER_PREFIX)
export class SerperController {
  constructor(
    private readonly pipeline: ProviderCallPipeline,
    private readonly simulation: SerperSimulation,
  ) {}

  @Post('search')
  search(@Req() request: Request, @Res() response: Response): Promise<void> {
    return this.pipeline.serve(
      serper,
      'POST /search',
      request,
      response,
      () => this.simulation.search(request),
      1,
    );
  }
}
