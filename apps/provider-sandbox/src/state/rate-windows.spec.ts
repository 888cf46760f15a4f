import { FixedRateWindows } from './rate-windows';

const LIMIT = { limit: 3, window_seconds: 60 };
const T0 = 1_700_000_000_000;

describe('FixedRateWindows', () => {
  it('allows `limit` calls per window and counts down what remains', () => {
    const windows = new FixedRateWindows();
    const decisions = [0, 1, 2].map((i) => windows.take('k', LIMIT, T0 + i * 1000));
    expect(decisions.map((d) => d.allowed)).toEqual([true, true, true]);
    expect(decisions.map((d) => d.window.remaining)).toEqual([2, 1, 0]);
  });

  it('refuses further calls in the window, never reporting a negative remainder', () => {
    const windows = new FixedRateWindows();
    for (let i = 0; i < 3; i++) {
      windows.take('k', LIMIT, T0);
    }
    const fourth = windows.take('k', LIMIT, T0 + 59_999);
    const fifth = windows.take('k', LIMIT, T0 + 59_999);
    expect(fourth.allowed).toBe(false);
    expect(fifth.allowed).toBe(false);
    expect(fifth.window.remaining).toBe(0);
  });

  it('reports the window end in Unix seconds, fixed from the window’s first call', () => {
    const windows = new FixedRateWindows();
    const first = windows.take('k', LIMIT, T0);
    const later = windows.take('k', LIMIT, T0 + 30_000);
    expect(first.window.resetsAt).toBe(T0 / 1000 + 60);
    expect(later.window.resetsAt).toBe(first.window.resetsAt);
  });

  it('opens a fresh window once the old one has ended', () => {
    const windows = new FixedRateWindows();
    for (let i = 0; i < 4; i++) {
      windows.take('k', LIMIT, T0);
    }
    const next = windows.take('k', LIMIT, T0 + 60_000);
    expect(next.allowed).toBe(true);
    expect(next.window.remaining).toBe(2);
    expect(next.window.resetsAt).toBe(T0 / 1000 + 120);
  });

  it('counts each key separately', () => {
    const windows = new FixedRateWindows();
    for (let i = 0; i < 4; i++) {
      windows.take('a', LIMIT, T0);
    }
    expect(windows.take('b', LIMIT, T0).allowed).toBe(true);
  });

  it('counts a call in every window it falls under, allowing it only when all have room', () => {
    const windows = new FixedRateWindows();
    const global = { key: 'k', limit: { limit: 10, window_seconds: 1 } };
    const search = { key: 'k\nsearch', limit: { limit: 2, window_seconds: 60 } };
    const first = windows.takeAll([global, search], T0);
    expect(first).toEqual({
      allowed: true,
      // The window with the fewest calls left.
      window: { limit: 2, remaining: 1, resetsAt: T0 / 1000 + 60, windowSeconds: 60 },
    });
    windows.takeAll([global, search], T0 + 10);
    const third = windows.takeAll([global, search], T0 + 20);
    expect(third).toEqual({
      allowed: false,
      window: { limit: 2, remaining: 0, resetsAt: T0 / 1000 + 60, windowSeconds: 60 },
    });
    // The refused call counted in the global window too; another budget of the key is untouched.
    expect(windows.peek('k', global.limit, T0 + 30).remaining).toBe(7);
    expect(windows.takeAll([global, { key: 'k\nlookup', limit: LIMIT }], T0 + 30).allowed).toBe(true);
  });

  it('names the refusing window that ends last as the one to wait for', () => {
    const windows = new FixedRateWindows();
    const second = { key: 's', limit: { limit: 1, window_seconds: 1 } };
    const hour = { key: 'h', limit: { limit: 1, window_seconds: 3600 } };
    windows.takeAll([second, hour], T0);
    expect(windows.takeAll([second, hour], T0 + 10).window.windowSeconds).toBe(3600);
    expect(() => windows.takeAll([], T0)).toThrow('at least one window');
  });

  it('peeks at a window without counting, and shows a fresh one when none is open', () => {
    const windows = new FixedRateWindows();
    expect(windows.peek('k', LIMIT, T0)).toEqual({
      limit: 3,
      remaining: 3,
      resetsAt: T0 / 1000 + 60,
      windowSeconds: 60,
    });
    windows.take('k', LIMIT, T0);
    expect(windows.peek('k', LIMIT, T0 + 1000).remaining).toBe(2);
    expect(windows.peek('k', LIMIT, T0 + 1000).remaining).toBe(2);
    expect(windows.peek('k', LIMIT, T0 + 60_000).remaining).toBe(3);
  });

  it('forgets every window on clear()', () => {
    const windows = new FixedRateWindows();
    for (let i = 0; i < 4; i++) {
      windows.take('k', LIMIT, T0);
    }
    windows.clear();
    expect(windows.take('k', LIMIT, T0).allowed).toBe(true);
  });
});
