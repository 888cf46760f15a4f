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

  it('forgets every window on clear()', () => {
    const windows = new FixedRateWindows();
    for (let i = 0; i < 4; i++) {
      windows.take('k', LIMIT, T0);
    }
    windows.clear();
    expect(windows.take('k', LIMIT, T0).allowed).toBe(true);
  });
});
