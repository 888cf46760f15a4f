export * from './dependency-errors';
export * from './logger';
export * from './bootstrap';
export * from './http/exception-filter';
export * from './http/body-parsing';
export * from './health/redis.health';
export * from './metrics/metrics';
