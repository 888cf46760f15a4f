/**
 * Lines of a private server's log worth reading after a failed test run. Tests cause many errors
 * on purpose (refused inserts, terminated sessions, servers stopped mid-query), so a whole log
 * hides what matters; these are the kinds of lines that explain a stall or a lost connection.
 */

/**
 * PostgreSQL: crashes and restarts, fatal errors, statements over 5 s, lock waits, checkpoint
 * pressure. Not the sessions terminated by an administrator command: every suite's teardown drops
 * its database WITH (FORCE), and some tests terminate sessions themselves.
 */
export const POSTGRES_NOTABLE =
  /PANIC|FATAL: {2}(?!terminating connection due to administrator command)|duration: \d|still waiting for|acquired \S+ on .* after|terminated by signal|database system (is|was)|checkpoints are occurring/;

/** Redis (run with `--loglevel warning`): its warnings, marked `#`. */
export const REDIS_NOTABLE = /^\d+:[A-Z] .* # /;

/** The last `max` notable lines of `log`, under a heading that says how many there were. */
export function serverLogExcerpt(name: string, log: string, notable: RegExp, max = 80): string {
  const lines = log.split('\n').filter((line) => notable.test(line));
  const shown = lines.slice(-max);
  const heading = `=== ${name} log: ${lines.length} notable line(s)${shown.length < lines.length ? `, the last ${shown.length}` : ''} ===`;
  return [heading, ...shown].join('\n');
}
