export * from './free-port';
export * from './redis';
export * from './postgres';
