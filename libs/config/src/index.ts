export * from './setting';
export * from './load-config';
export * from './sections';
export * from './env-example';
export * from './config.module';
export * from './pipeline';
export * from './credit-monitor';
export * from './provider-credentials';
