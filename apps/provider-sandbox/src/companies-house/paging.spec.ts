import { pageNumberOf, pageOf, parsePaging } from './paging';

const RULES = { defaultItemsPerPage: 35, maxItemsPerPage: 100 };
const items = Array.from({ length: 12 }, (_, i) => i);

describe('Companies House paging', () => {
  it('defaults to the first page of the default size', () => {
    expect(parsePaging({}, RULES)).toEqual({ paging: { itemsPerPage: 35, startIndex: 0 } });
    expect(parsePaging({ items_per_page: '', start_index: '' }, RULES)).toEqual({
      paging: { itemsPerPage: 35, startIndex: 0 },
    });
  });

  it('reads items_per_page and start_index, capping the page size at the maximum', () => {
    expect(parsePaging({ items_per_page: '5', start_index: '10' }, RULES)).toEqual({
      paging: { itemsPerPage: 5, startIndex: 10 },
    });
    expect(parsePaging({ items_per_page: '500' }, RULES)).toEqual({
      paging: { itemsPerPage: 100, startIndex: 0 },
    });
  });

  it('takes the first of repeated parameters', () => {
    expect(parsePaging({ items_per_page: ['3', '9'] }, RULES)).toEqual({
      paging: { itemsPerPage: 3, startIndex: 0 },
    });
  });

  it.each([
    [{ items_per_page: '0' }, 'items_per_page'],
    [{ items_per_page: '-1' }, 'items_per_page'],
    [{ items_per_page: 'ten' }, 'items_per_page'],
    [{ items_per_page: '2.5' }, 'items_per_page'],
    [{ start_index: '-5' }, 'start_index'],
    [{ start_index: 'x' }, 'start_index'],
  ])('refuses %p naming %s', (query, field) => {
    const result = parsePaging(query, RULES);
    expect('problem' in result && result.problem).toContain(field);
  });

  it('slices pages by item offset: start_index counts items, not pages', () => {
    expect(pageOf(items, { itemsPerPage: 5, startIndex: 0 })).toEqual([0, 1, 2, 3, 4]);
    expect(pageOf(items, { itemsPerPage: 5, startIndex: 5 })).toEqual([5, 6, 7, 8, 9]);
    expect(pageOf(items, { itemsPerPage: 5, startIndex: 10 })).toEqual([10, 11]);
    expect(pageOf(items, { itemsPerPage: 5, startIndex: 3 })).toEqual([3, 4, 5, 6, 7]);
    expect(pageOf(items, { itemsPerPage: 5, startIndex: 12 })).toEqual([]);
  });

  it('covers every item exactly once when walking the pages', () => {
    const seen: number[] = [];
    for (let start = 0; start < items.length; start += 5) {
      seen.push(...pageOf(items, { itemsPerPage: 5, startIndex: start }));
    }
    expect(seen).toEqual(items);
  });

  it('numbers pages from 1', () => {
    expect(pageNumberOf({ itemsPerPage: 20, startIndex: 0 })).toBe(1);
    expect(pageNumberOf({ itemsPerPage: 20, startIndex: 19 })).toBe(1);
    expect(pageNumberOf({ itemsPerPage: 20, startIndex: 20 })).toBe(2);
    expect(pageNumberOf({ itemsPerPage: 2, startIndex: 7 })).toBe(4);
  });
});
