export * from './client';
export * from './descriptor';
export * from './domain-discovery';
export * from './types';
