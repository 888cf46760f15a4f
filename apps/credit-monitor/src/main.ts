import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import {
  CoreConfig,
  CreditMonitorConfig,
  loadConfigs,
  platformCredentialGaps,
  PipelineConfig,
  ProvidersConfig,
} from '@sluice/config';
import { closeOnSignals, runApp } from '@sluice/platform';
import { CreditMonitorModule } from './credit-monitor.module';

runApp({ name: 'credit-monitor', portSetting: 'CREDIT_MONITOR_PORT' }, async () => {
  const [core, monitor, providers, pipeline] = loadConfigs([
    CoreConfig,
    CreditMonitorConfig,
    ProvidersConfig,
    PipelineConfig,
  ]);
  const app = await NestFactory.create(CreditMonitorModule.forRoot(core, monitor, providers, pipeline), {
    bufferLogs: true,
  });
  app.useLogger(app.get(Logger));
  for (const { provider, problem } of platformCredentialGaps(providers)) {
    app.get(Logger).warn({
      msg: `no platform credentials for ${provider}: only workspaces' own credentials call it`,
      provider,
      problem,
    });
  }
  closeOnSignals(app, core.shutdownTimeoutMs);
  await app.listen(monitor.port, monitor.host);
});
