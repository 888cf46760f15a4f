import { BadRequestException, Controller, Headers, HttpCode, Param, Post, Req } from '@nestjs/common';
import type { Request } from 'express';
import { type IntakeAnswer, WebhookIntake } from './webhook-intake.service';

type RawRequest = Request & { rawBody?: Buffer };

function rawBodyOf(request: RawRequest): Buffer {
  if (!request.rawBody || request.rawBody.length === 0) {
    throw new BadRequestException('A callback needs a JSON body (Content-Type: application/json).');
  }
  return request.rawBody;
}

/** Provider callbacks. Answers 202 once the event is stored; the work happens in the worker. */
@Controller('webhooks')
export class WebhooksController {
  constructor(private readonly intake: WebhookIntake) {}

  @Post('rocketreach')
  @HttpCode(202)
  rocketreach(
    @Req() request: RawRequest,
    @Headers() headers: Record<string, string | string[] | undefined>,
  ): Promise<IntakeAnswer> {
    return this.intake.rocketreach(rawBodyOf(request), headers);
  }

  @Post(':provider/:token')
  @HttpCode(202)
  byToken(
    @Param('provider') provider: string,
    @Param('token') token: string,
    @Req() request: RawRequest,
    @Headers() headers: Record<string, string | string[] | undefined>,
  ): Promise<IntakeAnswer> {
    return this.intake.byToken(provider, token, rawBodyOf(request), headers);
  }
}
