/*
 * The enrich benchmark's baseline: the gateway's HTTP stack (NestJS on Express, the same JSON body
 * parsing) with one POST endpoint that answers a constant — what serving from a cache costs at the
 * least, with no authentication, validation, Redis or logging.
 */
import 'reflect-metadata';
import { Body, Controller, HttpCode, Module, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { useJsonBodies } from '@sluice/platform';
import { ANSWER } from './baseline-answer';

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
