export * from './entities';
export * from './data-source';
export * from './migrations';
export * from './unit-of-work';
export * from './nest/database.module';
export * from './usage';
export * from './batch-runs';
export * from './errors';
