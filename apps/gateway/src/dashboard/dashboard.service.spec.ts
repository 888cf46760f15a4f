import { groupUsage } from './dashboard.service';

describe('groupUsage', () => {
  it('totals calls, hits and credits per group, with the hit rate', () => {
    const rows = [
      { provider: 'apollo', workspace_id: 'a', calls: 4, hits: 3, credits: 3 },
      { provider: 'apollo', workspace_id: 'b', calls: 6, hits: 2, credits: 2.5 },
      { provider: 'snov', workspace_id: 'a', calls: 0, hits: 0, credits: 0 },
    ];
    const byProvider = groupUsage(rows, (row) => row.provider);
    expect(byProvider.get('apollo')).toEqual({ calls: 10, hits: 5, credits: 5.5, hit_rate: 0.5 });
    expect(byProvider.get('snov')).toEqual({ calls: 0, hits: 0, credits: 0, hit_rate: null });
    const byWorkspace = groupUsage(rows, (row) => row.workspace_id);
    expect(byWorkspace.get('a')).toEqual({ calls: 4, hits: 3, credits: 3, hit_rate: 0.75 });
    expect([...byWorkspace.keys()]).toEqual(['a', 'b']);
  });
});
