import { Module } from '@nestjs/common';
import { RocketReachController } from './rocketreach.controller';
import { RocketReachSimulation } from './rocketreach.simulation';

@Module({ controllers: [RocketReachController], providers: [RocketReachSimulation] })
export class RocketReachModule {}
