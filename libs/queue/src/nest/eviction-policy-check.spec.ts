import { evictionPolicyOf } from './eviction-policy-check';

describe('evictionPolicyOf', () => {
  it("reads the policy from INFO memory's text, and null when it is not there", () => {
    const info =
      '# Memory\r\nused_memory:1030120\r\nmaxmemory:0\r\nmaxmemory_policy:allkeys-lru\r\nallocator_frag_ratio:1.00\r\n';
    expect(evictionPolicyOf(info)).toBe('allkeys-lru');
    expect(evictionPolicyOf('# Memory\nmaxmemory_policy:noeviction\n')).toBe('noeviction');
    expect(evictionPolicyOf('# Memory\r\nused_memory:1\r\n')).toBeNull();
    expect(evictionPolicyOf('maxmemory_policy:\r\n')).toBeNull();
  });
});
