/**
 * Milliseconds to wait according to an HTTP `Retry-After` header (delay-seconds or an HTTP date),
 * or `null` when the header is absent or unreadable.
 */
export function parseRetryAfterMs(value: string | null, now: number): number | null {
  const trimmed = value?.trim();
  if (!trimmed) {
    return null;
  }
  if (/^\d+$/.test(trimmed)) {
    return Number(trimmed) * 1000;
  }
  // An HTTP date always names its day and month; without letters, Date.parse would accept e.g. "-5".
  const at = /[a-z]/i.test(trimmed) ? Date.parse(trimmed) : Number.NaN;
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}
