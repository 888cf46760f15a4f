export * from './client';
export * from './descriptor';
export * from './mapper';
export * from './rate-limit';
export * from './types';
export * from './adapter';
export * from './officers';
export * from './stream';
