import { Module } from '@nestjs/common';
import { ProvidersAdminController } from './providers-admin.controller';
import { ResetController } from './reset.controller';
import { WorldAdminController } from './world-admin.controller';

/** The `/_sandbox` surface. No authentication: the sandbox is a local tool, never exposed. */
@Module({
  controllers: [ProvidersAdminController, ResetController, WorldAdminController],
})
export class AdminModule {}
