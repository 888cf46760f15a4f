export * from './client';
export * from './descriptor';
export * from './mapper';
export * from './types';
export * from './webhook';
