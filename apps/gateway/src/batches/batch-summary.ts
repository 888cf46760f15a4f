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

/**
 * The white space JavaScript's `trim()` removes, as a PostgreSQL regular expression class:
 * `[[:space:]]` alone depends on the database's locale (under C.UTF-8 a no-break space stays).
 */
const SPACE = '[[:space:]\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff]';

/**
 * SQL of the distribution of one field of the jobs' answers (`$3` names it; `latest` is the query of
 * the batch's current jobs, as `l`). Industries and departments are free text each provider spells
 * its own way ("Software", "software ", "SOFTWARE"), so values that differ only in case or in white
 * space around them are counted as one, shown under their most frequent spelling (trimmed; of
 * spellings as frequent, the first in byte order, capitals first). Seniority is one of a fixed set
 * of lower-case values, which this leaves as they are. At most {@link TOP_VALUES}, most frequent
 * first.
 */
export function distributionSql(latest: string): string {
  return `WITH l AS (${latest}),
       answered AS (
         SELECT regexp_replace(l.result->'data'->>$3, '^${SPACE}+|${SPACE}+$', '', 'g') AS spelling
           FROM l WHERE jsonb_typeof(l.result->'data'->$3) IN ('string', 'number', 'boolean')),
       spellings AS (
         SELECT lower(spelling) AS grouped, spelling, count(*) AS n FROM answered GROUP BY 1, 2)
     SELECT (array_agg(spelling ORDER BY n DESC, spelling COLLATE "C"))[1] AS value, sum(n)::int AS count
       FROM spellings
      GROUP BY grouped
      ORDER BY count DESC, value LIMIT ${TOP_VALUES}`;
}
