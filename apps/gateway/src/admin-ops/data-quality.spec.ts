import { parseDataQualityQuery } from './data-quality';

describe('parseDataQualityQuery', () => {
  const now = new Date('2026-12-02T10:00:00Z');

  it('defaults to the last 30 days of every workspace, without segments', () => {
    expect(parseDataQualityQuery({}, now)).toEqual({
      from: new Date('2026-11-02T10:00:00Z'),
      to: now,
      workspaceId: null,
      segment: null,
    });
  });

  it('reads the window, the workspace and the segment', () => {
    const id = '3d6f0a1b-2c3d-4e5f-8a9b-0c1d2e3f4a5b';
    expect(
      parseDataQualityQuery(
        { from: '2026-11-01', to: '2026-12-01', workspace_id: id, segment: 'country' },
        now,
      ),
    ).toEqual({
      from: new Date('2026-11-01'),
      to: new Date('2026-12-01'),
      workspaceId: id,
      segment: 'country',
    });
  });

  it.each([
    [{ segment: 'colour' }, /segment must be one of: industry, country/],
    [{ from: 'soon' }, /from must be an ISO 8601/],
    [{ from: '2026-12-01', to: '2026-11-01' }, /from must be before to/],
    [{ workspace_id: '42' }, /workspace_id must be a UUID/],
    [{ colour: 'red' }, /Unknown query parameter\(s\) colour/],
  ])('refuses %p by name', (query, problem) => {
    expect(() => parseDataQualityQuery(query as Record<string, unknown>, now)).toThrow(problem);
  });
});
