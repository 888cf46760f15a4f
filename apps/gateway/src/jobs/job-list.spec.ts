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
