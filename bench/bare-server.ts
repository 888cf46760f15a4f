/*
 * The enrich benchmark's baseline: the gateway's HTTP stack (NestJS on Express, the same JSON body
 * parsing) with one POST endpoint that answers a constant — what serving from a cache costs at the
 * least, with no authentication, validation, Redis or logging.
 */
import 'reflect-metadata';
import { Body, Controller, HttpCode, Module, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { useJsonBodies } from '@sluice/platform';

const ANSWER = {
  job_id: '00000000-0000-4000-8000-000000000000',
  status: 'completed',
  cached: true,
  data: { business_email: 'ada@acme.com', title: 'CTO', industry: 'Software' },
  sources: { business_email: 'snov', title: 'apollo', industry: 'rocketreach' },
  confidence: { business_email: 0.9, title: 0.7, industry: 0.7 },
  attribution: ['Powered by RocketReach'],
  sandbox: true,
};

@Controller()
class BareController {
  @Post('bare')
  @HttpCode(200)
  bare(@Body() _body: unknown): typeof ANSWER {
    return ANSWER;
  }
}

@Module({ controllers: [BareController] })
class BareModule {}

async function main(): Promise<void> {
  const app = await NestFactory.create(BareModule, { bodyParser: false, logger: ['error'] });
  useJsonBodies(app, 1_000_000);
  await app.listen(Number(process.env.BARE_PORT), '127.0.0.1');
  process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
}

void main();
