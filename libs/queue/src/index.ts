export * from './names';
export * from './payloads';
export * from './job-options';
export * from './connection';
export * from './nest/queue-root.module';
export * from './nest/queue-error-log';
export * from './guards';
export * from './signals';
