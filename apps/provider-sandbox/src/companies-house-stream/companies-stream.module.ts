import { Module } from '@nestjs/common';
import { CompaniesStreamController } from './companies-stream.controller';

/** The stream's routes; its `StreamHub` lives in the sandbox core so that `/_sandbox/reset` reaches it. */
@Module({ controllers: [CompaniesStreamController] })
export class CompaniesStreamModule {}
