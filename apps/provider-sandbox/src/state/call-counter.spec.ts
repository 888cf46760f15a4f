import { CallCounter } from './call-counter';

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
    });
  });

  it('hands out a snapshot that later calls do not change', () => {
    const counter = new CallCounter();
    counter.record('GET /a', 1000);
    const snapshot = counter.snapshot();
    counter.record('GET /a', 2000);
    expect(snapshot).toEqual({ total: 1, by_endpoint: { 'GET /a': 1 }, recent: [1000] });
  });
});
