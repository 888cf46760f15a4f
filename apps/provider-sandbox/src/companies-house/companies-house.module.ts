import { Module } from '@nestjs/common';
import { CompaniesHouseController } from './companies-house.controller';
import { CompaniesHouseSimulation } from './companies-house.simulation';

@Module({
  controllers: [CompaniesHouseController],
  providers: [CompaniesHouseSimulation],
})
export class CompaniesHouseModule {}
