import { Module } from '@nestjs/common';
import { SnovController } from './snov.controller';
import { SnovSimulation } from './snov.simulation';

@Module({
  controllers: [SnovController],
  providers: [SnovSimulation],
})
export class SnovModule {}
