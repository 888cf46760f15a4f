export * from './client';
export * from './descriptor';
export * from './mapper';
export * from './request-id';
export * from './types';
