/** The first value of a query parameter (`?a=1&a=2` → `1`), or undefined when absent. */
export function queryString(value: unknown): string | undefined {
  if (typeof value === 'string') {
    return value;
  }
  if (Array.isArray(value) && typeof value[0] === 'string') {
    return value[0];
  }
  return undefined;
}
