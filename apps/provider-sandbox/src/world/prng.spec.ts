import { SeededRandom, deriveSeed } from './prng';

describe('SeededRandom', () => {
  const draw = (seed: number, n: number): number[] => {
    const random = new SeededRandom(seed);
    return Array.from({ length: n }, () => random.next());
  };

  it('gives the same sequence for the same seed', () => {
    expect(draw(42, 20)).toEqual(draw(42, 20));
  });

  it('gives a different sequence for a different seed', () => {
    expect(draw(42, 20)).not.toEqual(draw(43, 20));
  });

  it('stays in [0, 1) and spreads over the whole range', () => {
    const values = draw(7, 10_000);
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(1);
    const mean = values.reduce((sum, v) => sum + v, 0) / values.length;
    expect(mean).toBeGreaterThan(0.48);
    expect(mean).toBeLessThan(0.52);
  });

  it('int() returns both bounds and nothing outside them', () => {
    const random = new SeededRandom(1);
    const seen = new Set(Array.from({ length: 2_000 }, () => random.int(3, 6)));
    expect([...seen].sort()).toEqual([3, 4, 5, 6]);
  });

  it('weighted() never picks a zero-weight choice and favours heavy ones', () => {
    const random = new SeededRandom(9);
    const picks = Array.from({ length: 2_000 }, () =>
      random.weighted<string>([
        ['heavy', 9],
        ['light', 1],
        ['never', 0],
      ]),
    );
    expect(picks).not.toContain('never');
    expect(picks.filter((p) => p === 'heavy').length).toBeGreaterThan(
      picks.filter((p) => p === 'light').length * 5,
    );
  });

  it('pick() refuses an empty list instead of returning undefined', () => {
    expect(() => new SeededRandom(1).pick([])).toThrow('empty list');
  });
});

describe('deriveSeed', () => {
  it('derives different, stable seeds for different labels', () => {
    expect(deriveSeed(1, 'errors:a')).toBe(deriveSeed(1, 'errors:a'));
    expect(deriveSeed(1, 'errors:a')).not.toBe(deriveSeed(1, 'errors:b'));
    expect(deriveSeed(1, 'errors:a')).not.toBe(deriveSeed(2, 'errors:a'));
  });
});
