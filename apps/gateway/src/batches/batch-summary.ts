import { COMPANY_SIZE_BUCKETS } from './batch-input';

/**
 * SQL CASE turning a record's `company_size` (a head count, JSON number) into its bucket label,
 * built from {@link COMPANY_SIZE_BUCKETS} so the SQL and the unit-tested table never disagree.
 * `size` is a numeric SQL expression; the labels are constants of this file, not input.
 */
export function companySizeBucketSql(size: string): string {
  const branches = COMPANY_SIZE_BUCKETS.map((bucket) =>
    bucket.max === null
      ? `WHEN floor(${size}) >= ${bucket.min} THEN '${bucket.label}'`
      : `WHEN floor(${size}) BETWEEN ${bucket.min} AND ${bucket.max} THEN '${bucket.label}'`,
  );
  return `CASE ${branches.join(' ')} END`;
}

/** Fields whose values are summarised as distributions, when the batch asked for them. */
export const DISTRIBUTED_FIELDS = {
  industry: 'top_industries',
  seniority: 'seniority',
  department: 'departments',
} as const;

/** How many values a distribution shows (the most frequent first). */
export const TOP_VALUES = 10;
