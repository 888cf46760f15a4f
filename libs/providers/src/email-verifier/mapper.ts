import type { EmailVerdict } from '@sluice/enrichment';
import type { EmailVerification } from '../port';
import type { ReacherCheckEmailOutput } from './types';

function isCatchAll(output: ReacherCheckEmailOutput): boolean {
  return 'is_catch_all' in output.smtp && output.smtp.is_catch_all;
}

/**
 * Reacher's verdict in Sluice's words: `safe` → valid, `invalid` → invalid, `risky` on a catch-all
 * server → catch_all, other `risky` → risky, `unknown` → unknown. The raw verdict is kept beside it.
 */
export function mapReacherVerdict(output: ReacherCheckEmailOutput): EmailVerification {
  const verdicts: Record<string, EmailVerdict> = { safe: 'valid', invalid: 'invalid', unknown: 'unknown' };
  const verdict: EmailVerdict =
    output.is_reachable === 'risky'
      ? isCatchAll(output)
        ? 'catch_all'
        : 'risky'
      : (verdicts[output.is_reachable] ?? 'unknown');
  return { email: output.input.trim().toLowerCase(), verdict, rawVerdict: output.is_reachable };
}
