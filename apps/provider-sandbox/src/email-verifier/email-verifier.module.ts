import { Module } from '@nestjs/common';
import { EmailVerifierController } from './email-verifier.controller';
import { EmailVerifierSimulation } from './email-verifier.simulation';

@Module({
  controllers: [EmailVerifierController],
  providers: [EmailVerifierSimulation],
})
export class EmailVerifierModule {}
