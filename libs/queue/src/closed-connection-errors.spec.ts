import { EventEmitter } from 'node:events';
import { RedisConnection } from 'bullmq';
import { dropErrorsOfClosedConnections } from './closed-connection-errors';

/** The patched `emit`, called on a stand-in with the state it reads (a connection would connect). */
function emitOn(
  state: { closing: boolean; listener?: (error: Error) => void },
  event: string,
  error: Error,
): boolean {
  const target = Object.assign(new EventEmitter(), { closing: state.closing });
  if (state.listener) {
    target.on(event, state.listener);
  }
  return RedisConnection.prototype.emit.call(target as unknown as RedisConnection, event, error);
}

describe('dropErrorsOfClosedConnections', () => {
  const error = new Error('read ECONNRESET');

  it('drops an error of a closing connection that nothing listens to', () => {
    expect(emitOn({ closing: true }, 'error', error)).toBe(false);
  });

  it('still throws an error of an open connection that nothing listens to', () => {
    expect(() => emitOn({ closing: false }, 'error', error)).toThrow(/read ECONNRESET/);
  });

  it('still delivers an error to a listener, closing or not', () => {
    for (const closing of [true, false]) {
      const seen: Error[] = [];
      expect(emitOn({ closing, listener: (e) => seen.push(e) }, 'error', error)).toBe(true);
      expect(seen).toEqual([error]);
    }
  });

  it('patches once, however often it is applied', () => {
    const patched = RedisConnection.prototype.emit;
    dropErrorsOfClosedConnections();
    expect(RedisConnection.prototype.emit).toBe(patched);
  });
});
