import { Module } from '@nestjs/common';
import { CompaniesStreamController } from './companies-stream.controller';
import { StreamHub } from './stream-hub';

@Module({ controllers: [CompaniesStreamController], providers: [StreamHub], exports: [StreamHub] })
export class CompaniesStreamModule {}
