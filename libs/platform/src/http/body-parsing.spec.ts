import { jsonDepthExceeds, MAX_JSON_DEPTH } from './body-parsing';

const nested = (depth: number, kind: 'object' | 'array'): unknown =>
  JSON.parse(
    kind === 'object'
      ? `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`
      : `${'['.repeat(depth)}1${']'.repeat(depth)}`,
  );

describe('JSON nesting limit', () => {
  it('lets bodies nested up to the limit through, objects and arrays alike', () => {
    for (const kind of ['object', 'array'] as const) {
      expect(jsonDepthExceeds(nested(MAX_JSON_DEPTH, kind), MAX_JSON_DEPTH)).toBe(false);
      expect(jsonDepthExceeds(nested(MAX_JSON_DEPTH + 1, kind), MAX_JSON_DEPTH)).toBe(true);
    }
  });

  it('finds the deep branch among shallow ones, and treats scalars and empty bodies as flat', () => {
    expect(jsonDepthExceeds({ a: 1, b: [1, 2], c: { d: nested(40, 'array') } }, MAX_JSON_DEPTH)).toBe(true);
    expect(jsonDepthExceeds({ a: 1, b: [1, 2], c: { d: 'x' } }, MAX_JSON_DEPTH)).toBe(false);
    for (const flat of [undefined, null, 1, 'text', {}, []]) {
      expect(jsonDepthExceeds(flat, MAX_JSON_DEPTH)).toBe(false);
    }
  });

  it('walks a body nested far deeper than the stack allows without overflowing', () => {
    expect(jsonDepthExceeds(nested(200_000, 'array'), MAX_JSON_DEPTH)).toBe(true);
  });
});
