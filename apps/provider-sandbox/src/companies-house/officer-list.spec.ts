import { generateWorld } from '../world/generate-world';
import type { WorldCompany } from '../world/world-types';
import { officersInServingOrder, renderOfficerList } from './officer-list';

describe('renderOfficerList', () => {
  const world = generateWorld(20261122, 500);
  const withMany = world.companies.find(
    (c) => c.officers.length >= 7 && c.officers.some((o) => o.resigned_on),
  );
  const company = withMany as WorldCompany;

  it('has a company with many officers, some resigned, to page through', () => {
    expect(withMany).toBeDefined();
  });

  it('answers the officer-list envelope with counts over the whole list', () => {
    const list = renderOfficerList(company, { itemsPerPage: 35, startIndex: 0 });
    const active = company.officers.filter((o) => o.resigned_on === null).length;
    expect(list).toMatchObject({
      kind: 'officer-list',
      items_per_page: 35,
      start_index: 0,
      total_results: company.officers.length,
      active_count: active,
      resigned_count: company.officers.length - active,
      inactive_count: 0,
      links: { self: `/company/${company.company_number}/officers` },
    });
    expect(list.etag).toMatch(/^[0-9a-f]{40}$/);
    expect(list.items).toHaveLength(company.officers.length);
  });

  it('pages by start_index and items_per_page, totals unchanged on every page', () => {
    const all = renderOfficerList(company, { itemsPerPage: 100, startIndex: 0 }).items;
    const first = renderOfficerList(company, { itemsPerPage: 3, startIndex: 0 });
    const second = renderOfficerList(company, { itemsPerPage: 3, startIndex: 3 });
    const beyond = renderOfficerList(company, { itemsPerPage: 3, startIndex: all.length });
    expect(first.items).toEqual(all.slice(0, 3));
    expect(second.items).toEqual(all.slice(3, 6));
    expect(beyond.items).toEqual([]);
    for (const page of [first, second, beyond]) {
      expect(page.total_results).toBe(all.length);
      expect(page.items_per_page).toBe(3);
    }
    expect(second.start_index).toBe(3);
    expect(first.etag).toBe(second.etag);
  });

  it('lists officers in office first, then resigned ones, latest change first', () => {
    const ordered = officersInServingOrder(company.officers);
    const firstResigned = ordered.findIndex((o) => o.resigned_on !== null);
    expect(ordered.slice(firstResigned).every((o) => o.resigned_on !== null)).toBe(true);
    for (let i = 1; i < firstResigned; i++) {
      expect(ordered[i - 1].appointed_on >= ordered[i].appointed_on).toBe(true);
    }
  });

  it('renders officers as the API does: no resigned_on while in office, no day of birth, links', () => {
    const list = renderOfficerList(company, { itemsPerPage: 100, startIndex: 0 });
    for (const item of list.items) {
      expect(item.name).toMatch(/, |LIMITED$/);
      expect(item.appointed_on).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(item.links.self).toMatch(
        new RegExp(`^/company/${company.company_number}/appointments/[\\w-]{27}$`),
      );
      expect(item.links.officer.appointments).toMatch(/^\/officers\/[\w-]{27}\/appointments$/);
      if (item.date_of_birth) {
        expect(Object.keys(item.date_of_birth).sort()).toEqual(['month', 'year']);
      }
    }
    const inOffice = list.items.filter((item) => !('resigned_on' in item));
    expect(inOffice.length).toBe(list.active_count);
  });

  it('gives corporate officers identification and no date of birth', () => {
    const corporate = world.companies
      .flatMap((c) => c.officers.map((officer) => ({ company: c, officer })))
      .find(({ officer }) => officer.kind === 'corporate');
    expect(corporate).toBeDefined();
    const item = renderOfficerList(corporate!.company, { itemsPerPage: 100, startIndex: 0 }).items.find(
      (i) => i.name === corporate!.officer.name,
    );
    expect(item?.officer_role).toBe('corporate-secretary');
    expect(item?.identification?.registration_number).toMatch(/^\d{8}$/);
    expect(item?.date_of_birth).toBeUndefined();
  });
});
