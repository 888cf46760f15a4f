/**
 * Apollo's `request_id` is a signed 64-bit integer sent as a JSON number (provider-apis.md §4):
 * `JSON.parse` rounds it (1039995589705121900 becomes 1039995589705121800). It is read from the
 * raw text instead, as a string of digits, and used as such for polling and webhook correlation.
 */
export function requestIdFromText(text: string): string | null {
  const match = /"request_id"\s*:\s*"?(-?\d+)"?/.exec(text);
  return match ? match[1] : null;
}
