export * from './astra-dialer';
export * from './nimbus-lookup';
export * from './orion-connect';
export * from './phone-provider';
