import { GatewayConfig } from '@sluice/config';
import { ApiKeyCache, type KnownKey } from './api-key-cache';

const key = (id: string, workspace = 'w1'): KnownKey => ({
  id,
  workspace_id: workspace,
  scopes: ['enrich'],
  tier: 'standard',
  rate_limits: null,
});

function cache(ms = 5_000): ApiKeyCache {
  return new ApiKeyCache(Object.assign(new GatewayConfig(), { apiKeyCacheMs: ms }));
}

describe('ApiKeyCache', () => {
  afterEach(() => jest.useRealTimers());

  it('looks a key up once for any number of concurrent requests, then serves it until it expires', async () => {
    jest.useFakeTimers({ now: 0 });
    const keys = cache();
    let lookups = 0;
    const lookUp = async (): Promise<KnownKey> => {
      lookups += 1;
      await Promise.resolve();
      return key('k1');
    };
    const found = await Promise.all(Array.from({ length: 100 }, () => keys.resolve('h1', lookUp)));
    expect(found.every((k) => k?.id === 'k1')).toBe(true);
    expect(lookups).toBe(1);
    jest.setSystemTime(4_999);
    await keys.resolve('h1', lookUp);
    expect(lookups).toBe(1);
    jest.setSystemTime(5_000);
    await keys.resolve('h1', lookUp);
    expect(lookups).toBe(2);
  });

  it('never remembers an unknown key, nor anything with a zero lifetime', async () => {
    const keys = cache();
    let lookups = 0;
    const missing = (): Promise<null> => {
      lookups += 1;
      return Promise.resolve(null);
    };
    await keys.resolve('nope', missing);
    await keys.resolve('nope', missing);
    expect(lookups).toBe(2);
    const none = cache(0);
    await none.resolve('h1', () => Promise.resolve(key('k1')));
    expect(none.get('h1')).toBeNull();
  });

  it('forgets a revoked key and every key of a workspace whose limits changed', async () => {
    const keys = cache();
    await keys.resolve('a', () => Promise.resolve(key('ka', 'w1')));
    await keys.resolve('b', () => Promise.resolve(key('kb', 'w1')));
    await keys.resolve('c', () => Promise.resolve(key('kc', 'w2')));
    keys.forget({ keyId: 'ka' });
    expect(keys.get('a')).toBeNull();
    expect(keys.get('b')?.id).toBe('kb');
    keys.forget({ workspaceId: 'w1' });
    expect(keys.get('b')).toBeNull();
    expect(keys.get('c')?.id).toBe('kc');
  });
});
