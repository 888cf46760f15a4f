import { parseJobListQuery } from './job-list';

describe('parseJobListQuery import_id', () => {
  it('filters by a CSV import’s id, and refuses one that is not a UUID', () => {
    const id = '0b7e6f1c-2a4d-4e8f-9c1b-3d5a7e9f1b2c';
    expect(parseJobListQuery({ import_id: id })).toMatchObject({ importId: id, limit: 50 });
    expect(parseJobListQuery({})).toMatchObject({ importId: undefined });
    expect(() => parseJobListQuery({ import_id: 'batch-7' })).toThrow(/import_id must be a UUID/);
    expect(() => parseJobListQuery({ import_id: [id, id] })).toThrow(/import_id may be given once/);
  });
});

describe('parseJobListQuery dates and limit', () => {
  it('refuses a created_after not before created_before, which no job could match', () => {
    expect(() =>
      parseJobListQuery({ created_after: '2026-12-10T00:00:00Z', created_before: '2026-12-01T00:00:00Z' }),
    ).toThrow('created_after must be before created_before.');
    expect(() =>
      parseJobListQuery({ created_after: '2026-12-01T00:00:00Z', created_before: '2026-12-01T00:00:00Z' }),
    ).toThrow('created_after must be before created_before.');
    expect(
      parseJobListQuery({ created_after: '2026-12-01T00:00:00Z', created_before: '2026-12-10T00:00:00Z' }),
    ).toMatchObject({ createdAfter: new Date('2026-12-01T00:00:00Z') });
  });

  it('takes a limit written in digits only, as the other lists do', () => {
    expect(parseJobListQuery({ limit: '100' })).toMatchObject({ limit: 100 });
    for (const limit of ['1e2', '0x10', ' 5', '5.0', '']) {
      expect(() => parseJobListQuery({ limit })).toThrow('limit must be a whole number from 1 to 200.');
    }
  });
});
