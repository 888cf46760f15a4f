import { cacheKeyOf, GOALS } from '@sluice/enrichment';
import { Orchestrator } from './orchestrator';
import type { GoalInput } from './provider-invoker';

describe('Orchestrator.cacheInput: one person named two ways is one question', () => {
  const keyOf = (person: GoalInput['person']): string =>
    cacheKeyOf(
      'snov',
      GOALS.email.operation,
      Orchestrator.prototype.cacheInput.call(null, GOALS.email, { person }),
    );

  it('gives first_name + last_name and the same full_name the same key (calls in flight coalesce)', () => {
    expect(keyOf({ firstName: 'Emily', lastName: 'Bennett', domain: 'fairhavenenergy.co.uk' })).toBe(
      keyOf({ fullName: 'Emily Bennett', domain: 'fairhavenenergy.co.uk' }),
    );
  });

  it('keeps other people and other companies apart', () => {
    const emily = keyOf({ firstName: 'Emily', lastName: 'Bennett', domain: 'fairhavenenergy.co.uk' });
    expect(keyOf({ fullName: 'Emma Bennett', domain: 'fairhavenenergy.co.uk' })).not.toBe(emily);
    expect(keyOf({ firstName: 'Emily', lastName: 'Bennett', domain: 'example.com' })).not.toBe(emily);
    expect(keyOf({ firstName: 'Emily', domain: 'fairhavenenergy.co.uk' })).not.toBe(emily);
  });
});
