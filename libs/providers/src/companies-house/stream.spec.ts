import { parseStreamLine } from './stream';

describe('parseStreamLine', () => {
  it('skips keep-alive blank lines', () => {
    expect(parseStreamLine('')).toBeNull();
    expect(parseStreamLine('   \r')).toBeNull();
  });

  it('reads the documented envelope, publishing time as UTC', () => {
    const line = JSON.stringify({
      resource_kind: 'company-profile',
      resource_uri: '/company/SC571653',
      resource_id: 'SC571653',
      data: { company_number: 'SC571653', company_status: 'active' },
      event: {
        timepoint: 47695461,
        published_at: '2022-08-02T15:21:06',
        type: 'changed',
        fields_changed: ['company_status'],
      },
    });
    expect(parseStreamLine(line)).toEqual({
      resourceKind: 'company-profile',
      resourceId: 'SC571653',
      resourceUri: '/company/SC571653',
      data: { company_number: 'SC571653', company_status: 'active' },
      event: {
        timepoint: 47695461,
        publishedAt: '2022-08-02T15:21:06Z',
        type: 'changed',
        fieldsChanged: ['company_status'],
      },
    });
  });

  it('refuses a line that is not an event', () => {
    expect(() => parseStreamLine('{"hello": 1}')).toThrow(/not a stream event/);
    expect(() => parseStreamLine('<html>')).toThrow(/not a stream event/);
  });
});
