export * from './call-info';
export * from './errors';
export * from './port';
export * from './registry';
export * from './retry-after';
export * from './companies-house';
export * from './http/provider-http';
export * from './http/redaction';
