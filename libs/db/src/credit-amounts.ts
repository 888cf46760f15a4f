/**
 * A credit figure as the database keeps it: every credit column is `numeric(12,4)`. Sums and
 * quotients of amounts read back as JavaScript numbers carry float noise (0.1 + 0.2), which an
 * answer should not show beside the ledger's own figures.
 */
export function roundCredits(credits: number): number {
  return Math.round(credits * 10_000) / 10_000;
}
