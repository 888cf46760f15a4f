import { BadRequestException } from '@nestjs/common';
import { encodeKeysetCursor } from '../keyset-cursor';
import { AUDIT_ACTIONS } from './audit-actions';
import { parseAuditQuery, withoutSecrets } from './audit-query';

describe('withoutSecrets', () => {
  it('drops members whose names look like secrets, at any depth, and keeps the rest', () => {
    expect(
      withoutSecrets({
        name: 'crm',
        api_key: 'slk_x',
        webhook_secret: 'whsec',
        nested: { token: 't', password: 'p', fingerprint: 'f', list: [{ client_secret: 's', id: 1 }] },
        apiKeyId: 'kept: an id, not a key',
      }),
    ).toEqual({
      name: 'crm',
      nested: { fingerprint: 'f', list: [{ id: 1 }] },
      apiKeyId: 'kept: an id, not a key',
    });
  });
});

describe('parseAuditQuery', () => {
  const id = '3d6f0a1b-2c3d-4e5f-8a9b-0c1d2e3f4a5b';

  it('reads the filters, with a default limit', () => {
    expect(
      parseAuditQuery(
        { workspace_id: id, action: 'job.read', from: '2026-12-01', to: '2026-12-02T00:00:00Z' },
        { admin: true },
      ),
    ).toEqual({
      workspaceId: id,
      action: 'job.read',
      from: new Date('2026-12-01'),
      to: new Date('2026-12-02T00:00:00Z'),
      limit: 50,
      after: null,
    });
  });

  it('round-trips a cursor', () => {
    const cursor = encodeKeysetCursor('2026-12-02 10:00:02.123456+00', id);
    expect(parseAuditQuery({ cursor, limit: '10' }, { admin: false }).after).toEqual({
      at: '2026-12-02 10:00:02.123456+00',
      id,
    });
  });

  it.each([true, false])(
    'refuses an action nothing records (admin: %p), naming it and the known ones',
    (admin) => {
      const refuse = () => parseAuditQuery({ action: 'no.such' }, { admin });
      expect(refuse).toThrow(BadRequestException);
      expect(refuse).toThrow(
        `action 'no.such' is not an audited action; actions: ${AUDIT_ACTIONS.join(', ')}.`,
      );
    },
  );

  it('takes every audited action as a filter', () => {
    for (const action of AUDIT_ACTIONS) {
      expect(parseAuditQuery({ action }, { admin: false }).action).toBe(action);
    }
  });

  it.each([
    [{ workspace_id: id }, false, /Unknown query parameter\(s\) workspace_id/],
    [{ limit: '201' }, true, /limit must be a whole number from 1 to 200/],
    [{ limit: '1.5' }, true, /limit must be/],
    [{ from: 'tomorrow' }, true, /from must be an ISO 8601/],
    // Date.parse rolls 31 February over into March: a day the month lacks is refused, not moved.
    [{ from: '2026-02-31' }, true, /from must be an ISO 8601/],
    [{ to: '2026-04-31T00:00:00Z' }, true, /to must be an ISO 8601/],
    [{ cursor: encodeKeysetCursor('2026-02-31 10:00:00+00', id) }, true, /cursor is not a next_cursor/],
    [{ from: '2026-12-02', to: '2026-12-01' }, true, /from must be before to/],
    [{ action: 'Job Read' }, true, /action must be an action name/],
    [{ cursor: 'eyJ4IjoxfQ' }, true, /cursor is not a next_cursor/],
    [{ action: ['a', 'b'] }, true, /action must be given once/],
  ])('refuses %p by name', (query, admin, problem) => {
    expect(() => parseAuditQuery(query as Record<string, unknown>, { admin })).toThrow(BadRequestException);
    expect(() => parseAuditQuery(query as Record<string, unknown>, { admin })).toThrow(problem);
  });
});
