import { eventIdOf, isTokenProvider, MAX_EVENT_ID_LENGTH } from './event-id';

describe('eventIdOf', () => {
  it('uses each provider’s own id, which its retries repeat', () => {
    expect(eventIdOf('snov', '{"data":[],"meta":{"task_hash":"abc123"}}', {})).toBe('abc123');
    // A notice while the task ran and its completion are two events, each repeated by its retries.
    const running = eventIdOf('snov', '{"status":"in_progress","meta":{"task_hash":"abc123"}}', {});
    const completed = eventIdOf('snov', '{"status":"completed","data":[],"meta":{"task_hash":"abc123"}}', {});
    expect([running, completed]).toEqual(['abc123:in_progress', 'abc123:completed']);
    expect(eventIdOf('nimbus-lookup', '{"id":"lk_42","state":"done"}', {})).toBe('lk_42');
    expect(eventIdOf('rocketreach', '{"id":7,"status":"complete"}', { 'rr-request-id': 'r-1' })).toBe(
      'r-1:7:complete',
    );
  });

  it('reads Apollo’s 64-bit request_id from the raw text, where JSON.parse would round it', () => {
    const raw = '{"request_id": 9007199254740993, "people": []}';
    expect(eventIdOf('apollo', raw, {})).toBe('9007199254740993');
    expect(String((JSON.parse(raw) as { request_id: number }).request_id)).not.toBe('9007199254740993');
  });

  it('falls back to a hash of the body, the same for the same bytes', () => {
    const id = eventIdOf('snov', '{"unexpected":true}', {});
    expect(id).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(eventIdOf('snov', '{"unexpected":true}', {})).toBe(id);
    expect(eventIdOf('snov', '{"unexpected":false}', {})).not.toBe(id);
    expect(eventIdOf('nimbus-lookup', 'not json', {})).toMatch(/^sha256:/);
  });

  it('keeps an id longer than a unique index can hold as its hash, the same for the same id', () => {
    const long = 'x'.repeat(6000);
    const id = eventIdOf('nimbus-lookup', JSON.stringify({ id: long }), {});
    expect(id).toMatch(/^id-sha256:[0-9a-f]{64}$/);
    expect(eventIdOf('nimbus-lookup', JSON.stringify({ id: long, state: 'done' }), {})).toBe(id);
    expect(eventIdOf('nimbus-lookup', JSON.stringify({ id: `${long}y` }), {})).not.toBe(id);
    expect(eventIdOf('apollo', `{"request_id": ${'9'.repeat(5000)}}`, {})).toMatch(/^id-sha256:/);
    const atLimit = 'z'.repeat(MAX_EVENT_ID_LENGTH);
    expect(eventIdOf('nimbus-lookup', JSON.stringify({ id: atLimit }), {})).toBe(atLimit);
  });

  it('knows which providers prove themselves by the URL token', () => {
    expect(isTokenProvider('snov')).toBe(true);
    expect(isTokenProvider('rocketreach')).toBe(false);
  });
});
