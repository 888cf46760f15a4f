import { eventIdOf, isTokenProvider } from './event-id';

describe('eventIdOf', () => {
  it('uses each provider’s own id, which its retries repeat', () => {
    expect(eventIdOf('snov', '{"data":[],"meta":{"task_hash":"abc123"}}', {})).toBe('abc123');
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

  it('knows which providers prove themselves by the URL token', () => {
    expect(isTokenProvider('snov')).toBe(true);
    expect(isTokenProvider('rocketreach')).toBe(false);
  });
});
