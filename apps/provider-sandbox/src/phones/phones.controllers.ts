import { Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ProviderCallPipeline } from '../simulation/provider-call-pipeline';
import { astraDialer, nimbusLookup, orionConnect } from './phone-providers';
import { PhonesSimulation } from './phones.simulation';

@Controller('phone/orion-connect')
export class OrionConnectController {
  constructor(
    private readonly pipeline: ProviderCallPipeline,
    private readonly simulation: PhonesSimulation,
  ) {}

  @Post('v1/phones/lookup')
  lookup(@Req() request: Request, @Res() response: Response): Promise<void> {
    return this.pipeline.serve(
      orionConnect,
      'POST /v1/phones/lookup',
      request,
      response,
      () => this.simulation.orionLookup(request),
      1,
    );
  }
}

@Controller('phone/astra-dialer')
export class AstraDialerController {
  constructor(
    private readonly pipeline: ProviderCallPipeline,
    private readonly simulation: PhonesSimulation,
  ) {}

  @Get('api/find-phone')
  find(@Req() request: Request, @Res() response: Response): Promise<void> {
    return this.pipeline.serve(
      astraDialer,
      'GET /api/find-phone',
      request,
      response,
      () => this.simulation.astraFind(request),
      1,
    );
  }
}

@Controller('phone/nimbus-lookup')
export class NimbusLookupController {
  constructor(
    private readonly pipeline: ProviderCallPipeline,
    private readonly simulation: PhonesSimulation,
  ) {}

  @Post('lookups')
  start(@Req() request: Request, @Res() response: Response): Promise<void> {
    return this.pipeline.serve(
      nimbusLookup,
      'POST /lookups',
      request,
      response,
      () => this.simulation.nimbusStart(request),
      1,
    );
  }

  @Get('lookups/:id')
  status(@Param('id') id: string, @Req() request: Request, @Res() response: Response): Promise<void> {
    return this.pipeline.serve(nimbusLookup, 'GET /lookups/{id}', request, response, () =>
      this.simulation.nimbusStatus(id),
    );
  }
}
