import constructed from './__fixtures__/officers.response.200.constructed.json';
import { mapOfficer } from './officers';
import type { CompaniesHouseOfficerList } from './types';

describe('mapOfficer', () => {
  const items = (constructed as CompaniesHouseOfficerList).items ?? [];

  it('splits a person officer into first forename and surname, active while not resigned', () => {
    const person = items.find((item) => !item.resigned_on)!;
    const mapped = mapOfficer(person);
    expect(mapped.kind).toBe('individual');
    expect(mapped.active).toBe(true);
    expect(mapped.firstName).toBe(person.name!.split(',')[1].trim().split(' ')[0]);
    expect(mapped.lastName?.toUpperCase()).toBe(person.name!.split(',')[0].trim());
  });

  it('keeps a corporate officer whole and marks a resigned one inactive', () => {
    const corporate = items.find((item) => item.resigned_on)!;
    const mapped = mapOfficer(corporate);
    expect(mapped).toMatchObject({ kind: 'corporate', firstName: null, lastName: null, active: false });
    expect(mapped.resignedOn).toBe(corporate.resigned_on);
  });

  it('reads the officer id from the appointments link', () => {
    expect(
      mapOfficer({
        name: "O'NEILL, Mary",
        officer_role: 'director',
        links: { officer: { appointments: '/officers/AbC123/appointments' } },
      }),
    ).toMatchObject({ officerId: 'AbC123', lastName: "O'Neill", firstName: 'Mary' });
  });

  it('takes the first forename, not a title before or after the forenames', () => {
    const split = (name: string) => {
      const { firstName, lastName } = mapOfficer({ name, officer_role: 'director' });
      return [firstName, lastName];
    };
    expect(split('BRANSON, Sir Richard Charles Nicholas')).toEqual(['Richard', 'Branson']);
    expect(split('SMITH, Dr. Jane Anne')).toEqual(['Jane', 'Smith']);
    expect(split('JONES, Rt Hon David')).toEqual(['David', 'Jones']);
    expect(split('SMITH, Jane, Dr')).toEqual(['Jane', 'Smith']);
    expect(split('HUGHES, Alan, OBE')).toEqual(['Alan', 'Hughes']);
    // A forename that only looks like a title elsewhere is kept; a title alone names nobody.
    expect(split('DEAN, Miles')).toEqual(['Miles', 'Dean']);
    expect(split('SMITH, Dr')).toEqual([null, 'Smith']);
  });
});
