import { CallCounter, credentialTag } from './call-counter';

describe('CallCounter', () => {
  it('counts calls in total and per endpoint, listing only endpoints called', () => {
    const counter = new CallCounter();
    counter.record('GET /b', 1000);
    counter.record('GET /a', 2000);
    counter.record('GET /b', 3000);
    expect(counter.snapshot()).toEqual({
      total: 3,
      by_endpoint: { 'GET /a': 1, 'GET /b': 2 },
      recent: [1000, 2000, 3000],
      by_credential: {},
      rate_limited: {},
    });
  });

  it('hands out a snapshot that later calls do not change', () => {
    const counter = new CallCounter();
    counter.record('GET /a', 1000);
    const snapshot = counter.snapshot();
    counter.record('GET /a', 2000);
    expect(snapshot).toEqual({
      total: 1,
      by_endpoint: { 'GET /a': 1 },
      recent: [1000],
      by_credential: {},
      rate_limited: {},
    });
  });

  it('counts authenticated calls per credential under a tag that does not show the credential', () => {
    const counter = new CallCounter();
    counter.recordCredential('sandbox-key-one');
    counter.recordCredential('sandbox-key-two');
    counter.recordCredential('sandbox-key-one');
    const tag = credentialTag('sandbox-key-one');
    expect(tag).toMatch(/^[0-9a-f]{12}$/);
    expect(counter.snapshot().by_credential).toEqual({ [tag]: 2, [credentialTag('sandbox-key-two')]: 1 });
    expect(JSON.stringify(counter.snapshot())).not.toContain('sandbox-key');
  });

  it('counts calls refused for the rate limit per endpoint, beside every call counted', () => {
    const counter = new CallCounter();
    counter.record('GET /a', 1000);
    counter.record('GET /b', 2000);
    counter.recordRateLimited('GET /b');
    counter.record('GET /b', 3000);
    counter.recordRateLimited('GET /b');
    expect(counter.snapshot()).toMatchObject({
      total: 3,
      by_endpoint: { 'GET /a': 1, 'GET /b': 2 },
      rate_limited: { 'GET /b': 2 },
    });
  });
});
