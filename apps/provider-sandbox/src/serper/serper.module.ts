import { Module } from '@nestjs/common';
import { SerperController } from './serper.controller';
import { SerperSimulation } from './serper.simulation';

@Module({ controllers: [SerperController], providers: [SerperSimulation] })
export class SerperModule {}
