import { queryString } from '../http/query-string';

export interface Paging {
  itemsPerPage: number;
  startIndex: number;
}

export interface PagingRules {
  defaultItemsPerPage: number;
  /** Larger requests are served this many items, as the real API caps them. */
  maxItemsPerPage: number;
}

export type PagingResult = { paging: Paging } | { problem: string };

function wholeNumber(raw: string): number | null {
  return /^\d{1,9}$/.test(raw.trim()) ? Number(raw.trim()) : null;
}

/** Reads `items_per_page` and `start_index` the way Companies House list endpoints take them. */
export function parsePaging(query: Record<string, unknown>, rules: PagingRules): PagingResult {
  const rawItems = queryString(query.items_per_page);
  const rawStart = queryString(query.start_index);
  let itemsPerPage = rules.defaultItemsPerPage;
  if (rawItems !== undefined && rawItems.trim() !== '') {
    const value = wholeNumber(rawItems);
    if (value === null || value < 1) {
      return { problem: 'items_per_page must be a whole number of at least 1' };
    }
    itemsPerPage = Math.min(value, rules.maxItemsPerPage);
  }
  let startIndex = 0;
  if (rawStart !== undefined && rawStart.trim() !== '') {
    const value = wholeNumber(rawStart);
    if (value === null) {
      return { problem: 'start_index must be a whole number of at least 0' };
    }
    startIndex = value;
  }
  return { paging: { itemsPerPage, startIndex } };
}

/** The items of one page: `start_index` is a zero-based item offset, not a page number. */
export function pageOf<T>(items: readonly T[], paging: Paging): T[] {
  return items.slice(paging.startIndex, paging.startIndex + paging.itemsPerPage);
}

/** One-based number of the page that starts at `start_index`. */
export function pageNumberOf(paging: Paging): number {
  return Math.floor(paging.startIndex / paging.itemsPerPage) + 1;
}
