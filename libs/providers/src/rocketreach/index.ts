export * from './adapter';
export * from './classify';
export * from './client';
export * from './descriptor';
export * from './mapper';
export * from './rate-limits';
export * from './types';
export * from './webhook';
