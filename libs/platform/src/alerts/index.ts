export * from './alert-channels';
