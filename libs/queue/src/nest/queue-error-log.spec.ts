import type { ModuleRef } from '@nestjs/core';
import { Redis } from 'ioredis';
import { QueueErrorLog } from './queue-error-log';

describe('QueueErrorLog.forceClose', () => {
  it('closes the watched clients still open, names them, and leaves those already closed out', () => {
    const errors = new QueueErrorLog({} as ModuleRef, []);
    // Never connected (lazyConnect): no server is needed to tell open from closed.
    const open = new Redis({ lazyConnect: true });
    const closed = new Redis({ lazyConnect: true });
    closed.disconnect();
    errors.watch('pipeline redis', open);
    errors.watch('pipeline events reader', closed);

    expect(errors.forceClose()).toEqual(['pipeline redis']);
    expect(open.status).toBe('end');
    expect(errors.forceClose()).toEqual([]);
  });
});
