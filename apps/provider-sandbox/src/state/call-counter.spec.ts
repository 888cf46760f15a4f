import { CallCounter } from './call-counter';

describe('CallCounter', () => {
  it('counts calls in total and per endpoint, listing only endpoints called', () => {
    const counter = new CallCounter();
    counter.record('GET /b');
    counter.record('GET /a');
    counter.record('GET /b');
    expect(counter.snapshot()).toEqual({ total: 3, by_endpoint: { 'GET /a': 1, 'GET /b': 2 } });
  });

  it('hands out a snapshot that later calls do not change', () => {
    const counter = new CallCounter();
    counter.record('GET /a');
    const snapshot = counter.snapshot();
    counter.record('GET /a');
    expect(snapshot).toEqual({ total: 1, by_endpoint: { 'GET /a': 1 } });
  });
});
