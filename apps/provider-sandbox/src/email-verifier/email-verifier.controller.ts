import { Controller, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ProviderCallPipeline } from '../simulation/provider-call-pipeline';
import { EMAIL_VERIFIER_PREFIX, emailVerifier } from './email-verifier.provider';
import { EmailVerifierSimulation } from './email-verifier.simulation';

/** Reacher's path under `/email-verifier`. */
@Controller(EMAIL_VERIFIER_PREFIX)
export class EmailVerifierController {
  constructor(
    private readonly pipeline: ProviderCallPipeline,
    private readonly simulation: EmailVerifierSimulation,
  ) {}

  @Post('v0/check_email')
  checkEmail(@Req() request: Request, @Res() response: Response): Promise<void> {
    return this.pipeline.serve(
      emailVerifier,
      'POST /v0/check_email',
      request,
      response,
      () => this.simulation.checkEmail(request),
      1,
    );
  }
}
