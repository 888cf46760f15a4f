import { Init1795347031841 } from './1795347031841-Init';
import { Pipeline1795380857754 } from './1795380857754-Pipeline';

/** Every migration, in order. Listed explicitly (no glob) so that compiled and test runs agree. */
export const MIGRATIONS: (new () => object)[] = [Init1795347031841, Pipeline1795380857754];
