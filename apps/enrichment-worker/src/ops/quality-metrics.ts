import { GOALS } from '@sluice/enrichment';

/** E.164: what a normalised, dialable number looks like (the same test as GET /v1/admin/data-quality). */
const E164 = /^\+[1-9]\d{6,14}$/;

export interface QualityObservations {
  /** The verdict of an e-mail verification step, if the output is one. */
  verdict: string | null;
  /** The phones found, by kind and validity. */
  phones: { kind: string; valid: boolean }[];
}

/**
 * What a completed step's output says about data quality: a verification verdict (only a
 * verification step's: a finder's own verdict on the address it found is no verification), phones
 * found. `operation` is the step's.
 */
export function qualityOf(
  output: Record<string, unknown> | null | undefined,
  operation: string,
): QualityObservations {
  const verdict =
    operation === GOALS.verify.operation && typeof output?.verdict === 'string' ? output.verdict : null;
  const phones = Array.isArray(output?.phones)
    ? (output.phones as unknown[])
        .filter((phone): phone is Record<string, unknown> => typeof phone === 'object' && phone !== null)
        .map((phone) => ({
          kind: typeof phone.kind === 'string' ? phone.kind : 'unknown',
          valid: typeof phone.number === 'string' && E164.test(phone.number),
        }))
    : [];
  return { verdict, phones };
}
