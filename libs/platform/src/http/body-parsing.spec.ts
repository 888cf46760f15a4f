import type { IncomingMessage } from 'node:http';
import {
  jsonBodyProblem,
  MAX_JSON_DEPTH,
  nonJsonBodyProblem,
  parsePlainJson,
  plainJsonLength,
} from './body-parsing';

const jsonDepthExceeds = (value: unknown, limit: number): boolean =>
  jsonBodyProblem(value, limit)?.startsWith('JSON body is nested deeper') === true;

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

describe('NUL characters in a JSON body', () => {
  it('names where a NUL sits, in a value or a key, however deep', () => {
    expect(jsonBodyProblem(JSON.parse('{"last_name":"a\\u0000b"}'), MAX_JSON_DEPTH)).toBe(
      'last_name contains a NUL character (\\u0000), which no text field can hold.',
    );
    expect(
      jsonBodyProblem(JSON.parse('{"records":[{"email":"x"},{"email":"\\u0000"}]}'), MAX_JSON_DEPTH),
    ).toMatch(/^records\[1\]\.email contains a NUL character/);
    expect(jsonBodyProblem(JSON.parse('[{"a":["ok","\\u0000"]}]'), MAX_JSON_DEPTH)).toMatch(
      /^\[0\]\.a\[1\] contains a NUL/,
    );
    expect(jsonBodyProblem(JSON.parse('"\\u0000"'), MAX_JSON_DEPTH)).toMatch(/^the body contains a NUL/);
    expect(jsonBodyProblem(JSON.parse('{"input":{"a\\u0000":1}}'), MAX_JSON_DEPTH)).toMatch(
      /^A key in input contains a NUL/,
    );
  });

  it('lets through text that only spells the escape, and other control characters', () => {
    for (const text of [
      '{"note":"\\\\u0000"}',
      '{"note":"tab\\there"}',
      '{"note":"%00"}',
      '{"note":"\\u0001"}',
    ]) {
      expect(jsonBodyProblem(JSON.parse(text), MAX_JSON_DEPTH)).toBeNull();
    }
  });
});

describe('lone surrogates in a JSON body', () => {
  it('names where half a surrogate pair sits, in a value or a key, and lets whole pairs through', () => {
    expect(jsonBodyProblem(JSON.parse('{"name":"Evil \\ud800 Corp"}'), MAX_JSON_DEPTH)).toBe(
      'name contains an unpaired UTF-16 surrogate (\\ud800), which no text field can hold.',
    );
    expect(jsonBodyProblem(JSON.parse('{"a":["ok","x\\udc00"]}'), MAX_JSON_DEPTH)).toMatch(
      /^a\[1\] contains an unpaired UTF-16 surrogate \(\\udc00\)/,
    );
    expect(jsonBodyProblem(JSON.parse('{"input":{"\\udbff":1}}'), MAX_JSON_DEPTH)).toMatch(
      /^A key in input contains an unpaired UTF-16 surrogate/,
    );
    // Reversed halves are two lone ones.
    expect(jsonBodyProblem(JSON.parse('{"a":"\\udc00\\ud800"}'), MAX_JSON_DEPTH)).toMatch(/\\udc00/);
    for (const whole of ['{"a":"\\ud83d\\ude00"}', '{"a":"😀 Ünïcödé"}', '{"\\ud83d\\ude00":"x"}']) {
      expect(jsonBodyProblem(JSON.parse(whole), MAX_JSON_DEPTH)).toBeNull();
    }
  });
});

describe('plain JSON bodies read ahead of Express', () => {
  const request = (headers: Record<string, string>): IncomingMessage =>
    ({ headers: { 'content-length': '10', ...headers } }) as unknown as IncomingMessage;

  it('takes JSON and +json types in UTF-8 with a length within the limit, and nothing else', () => {
    expect(plainJsonLength(request({ 'content-type': 'application/json' }), 100)).toBe(10);
    expect(plainJsonLength(request({ 'content-type': 'Application/JSON; charset="UTF-8"' }), 100)).toBe(10);
    expect(plainJsonLength(request({ 'content-type': 'application/vnd.api+json' }), 100)).toBe(10);
    expect(
      plainJsonLength(request({ 'content-type': 'application/json', 'content-encoding': 'identity' }), 100),
    ).toBe(10);
    const refused: Record<string, string>[] = [
      {},
      { 'content-type': 'text/plain' },
      { 'content-type': 'application/json; charset=utf-16le' },
      { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
      { 'content-type': 'application/json', 'content-length': '1e3' },
    ];
    for (const headers of refused) {
      expect(plainJsonLength(request(headers), 100)).toBeNull();
    }
    expect(plainJsonLength(request({ 'content-type': 'application/json' }), 9)).toBeNull();
  });

  it('parses with the JSON parser’s rules: strict, an empty body is {}, a BOM is dropped', () => {
    expect(parsePlainJson('')).toEqual({ ok: true, value: {} });
    expect(parsePlainJson('\ufeff {"a":[1]}')).toEqual({ ok: true, value: { a: [1] } });
    const refusal = (text: string): string => {
      const parsed = parsePlainJson(text);
      if (parsed.ok) {
        throw new Error(`${JSON.stringify(text)} was accepted`);
      }
      expect(parsed.status).toBe(400);
      return parsed.message;
    };
    expect(refusal('"text"')).toMatch(/^Malformed JSON body: .*starting with """/);
    expect(refusal('   ')).toMatch(/^Malformed JSON body: /);
    expect(refusal('{"a":')).toMatch(/^Malformed JSON body: /);
    expect(refusal('{"a":"x\\u0000"}')).toContain('a contains a NUL');
    expect(refusal(`${'['.repeat(MAX_JSON_DEPTH + 1)}${']'.repeat(MAX_JSON_DEPTH + 1)}`)).toContain(
      'nested deeper',
    );
  });
});

describe('reserved keys in a JSON body', () => {
  it('refuses __proto__ and constructor at any depth, naming where they sit', () => {
    expect(jsonBodyProblem(JSON.parse('{"__proto__":{"admin":true}}'), MAX_JSON_DEPTH)).toBe(
      'The body uses the reserved key __proto__; no field has that name.',
    );
    expect(
      jsonBodyProblem(
        JSON.parse('{"jobs":[{"type":"company.profile","input":{"constructor":{"a":1}}}]}'),
        MAX_JSON_DEPTH,
      ),
    ).toBe('jobs[0].input uses the reserved key constructor; no field has that name.');
    expect(jsonBodyProblem(JSON.parse('[{"a":{"constructor":"x"}}]'), MAX_JSON_DEPTH)).toMatch(
      /^\[0\]\.a uses the reserved key constructor;/,
    );
  });

  it('lets the words through as values and inside longer keys', () => {
    for (const text of [
      '{"note":"__proto__"}',
      '{"name":"constructor"}',
      '{"constructors":1,"my__proto__":2,"prototype":3}',
    ]) {
      expect(jsonBodyProblem(JSON.parse(text), MAX_JSON_DEPTH)).toBeNull();
    }
  });
});

describe('a body that is not JSON where only JSON is read', () => {
  const request = (url: string, headers: Record<string, string>): IncomingMessage =>
    ({ url, headers }) as unknown as IncomingMessage;
  const except = ['/v1/imports'];

  it('is refused naming the Content-Type it came with, or its absence', () => {
    expect(
      nonJsonBodyProblem(
        request('/v1/jobs', { 'content-type': 'application/x-www-form-urlencoded', 'content-length': '40' }),
        except,
      ),
    ).toMatch(/must be JSON.*came as application\/x-www-form-urlencoded \(curl's -d sends that/);
    expect(
      nonJsonBodyProblem(
        request('/v1/jobs', { 'content-type': 'text/plain', 'content-length': '2' }),
        except,
      ),
    ).toMatch(/came as text\/plain\.$/);
    expect(nonJsonBodyProblem(request('/v1/enrich', { 'transfer-encoding': 'chunked' }), except)).toMatch(
      /came without a Content-Type/,
    );
  });

  it('lets JSON through, bodiless requests, and the paths that read their own bodies', () => {
    const json = { 'content-type': 'application/json; charset=utf-8', 'content-length': '2' };
    expect(nonJsonBodyProblem(request('/v1/jobs', json), except)).toBeNull();
    expect(
      nonJsonBodyProblem(
        request('/v1/jobs', { 'content-type': 'application/merge-patch+json', 'content-length': '2' }),
        except,
      ),
    ).toBeNull();
    expect(nonJsonBodyProblem(request('/v1/jobs/x/cancel', { 'content-length': '0' }), except)).toBeNull();
    expect(nonJsonBodyProblem(request('/v1/jobs/x/cancel', {}), except)).toBeNull();
    const csv = { 'content-type': 'text/csv', 'content-length': '20' };
    expect(nonJsonBodyProblem(request('/v1/imports?reference=a', csv), except)).toBeNull();
    expect(nonJsonBodyProblem(request('/v1/imports/resume', csv), except)).toBeNull();
    expect(nonJsonBodyProblem(request('/v1/importsx', csv), except)).toMatch(/must be JSON/);
  });
});
