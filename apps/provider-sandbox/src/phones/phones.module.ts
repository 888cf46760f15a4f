import { Module } from '@nestjs/common';
import { AstraDialerController, NimbusLookupController, OrionConnectController } from './phones.controllers';
import { PhonesSimulation } from './phones.simulation';

@Module({
  controllers: [OrionConnectController, AstraDialerController, NimbusLookupController],
  providers: [PhonesSimulation],
})
export class PhonesModule {}
