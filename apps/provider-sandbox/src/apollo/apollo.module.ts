import { Module } from '@nestjs/common';
import { ApolloController } from './apollo.controller';
import { ApolloSimulation } from './apollo.simulation';

@Module({ controllers: [ApolloController], providers: [ApolloSimulation] })
export class ApolloModule {}
