import { phoneCountryOf } from '../normalize/contact';
import { normalizeCountry } from '../normalize/country';
import type { RequestInput } from '../plan/request-types';
import type { Firmographics, FoundPhone, Person } from '../records/person';
import type { ProviderStats } from './select-providers';

/** What a segment is about: the company's industry or the person's (or company's) country. */
export const SEGMENT_KINDS = ['industry', 'country'] as const;
export type SegmentKind = (typeof SEGMENT_KINDS)[number];

/**
 * A segment as the measured ordering keys it: `industry:<value>` or `country:<value>`, the value
 * trimmed, its spaces collapsed and lower-cased (the call log's query folds it the same way), or
 * null when there is no value. A country is its ISO code (see `normalizeCountry`), as adapters
 * write it: `GB`, `United Kingdom` and `England` are one segment, and so is the country of a number.
 * Industries are compared as providers wrote them.
 */
export function segmentKey(kind: SegmentKind, value: unknown): string | null {
  if (typeof value !== 'string') {
    return null;
  }
  const text = kind === 'country' ? (normalizeCountry(value) ?? '') : value;
  const folded = text.trim().replace(/\s+/g, ' ').toLowerCase();
  return folded ? `${kind}:${folded}` : null;
}

/** Accepted answers of a request's own completed goals, as far as they tell its segment. */
export interface SegmentAnswers {
  /** The profile goal's person. */
  person?: Person | null;
  /** The firmographics goal's company. */
  firmographics?: Firmographics | null;
  /** The phone goal's numbers. */
  phones?: readonly FoundPhone[] | null;
}

/**
 * The segments of a request known before its next goal runs, industry first: the industry of the
 * company its firmographics found; the country its firmographics or the person's profile gave, else
 * that of a number its phone goal found, else that of the caller's phone number (an E.164 number
 * names its country). Empty when nothing tells.
 */
export function requestSegments(input: RequestInput, answers: SegmentAnswers = {}): string[] {
  const industry = segmentKey('industry', answers.firmographics?.industry);
  const phone = input.phone?.startsWith('+') ? phoneCountryOf(input.phone) : null;
  const country =
    segmentKey('country', answers.firmographics?.location?.country) ??
    segmentKey('country', answers.person?.location?.country) ??
    segmentKey('country', answers.phones?.find((found) => found.country)?.country) ??
    segmentKey('country', phone);
  return [industry, country].filter((segment): segment is string => segment !== null);
}

/**
 * The call log's figures for the measured ordering: per provider and operation, and per provider,
 * operation and segment (only segments with enough calls are loaded).
 */
export interface ProviderStatsTable {
  byOperation: ReadonlyMap<string, ProviderStats>;
  bySegment: ReadonlyMap<string, ProviderStats>;
}

/** The key of a provider's figures for an operation, and optionally a segment, in a {@link ProviderStatsTable}. */
export function statsKey(provider: string, operation: string, segment?: string): string {
  return segment === undefined ? `${provider}|${operation}` : `${provider}|${operation}|${segment}`;
}

/** Which figures a candidate is priced with, see {@link chooseStats}. */
export interface StatsChoice {
  stats: ProviderStats | null;
  /** `segment`: the request's segment's; `operation`: all the operation's calls; `none`: the prior alone. */
  basis: 'segment' | 'operation' | 'none';
  segment: string | null;
}

/**
 * The figures a provider is priced with for an operation: those of the request's first segment
 * (in the order of {@link requestSegments}, industry before country) where the provider has at
 * least `minSegmentCalls` calls for that operation; else the provider's figures for the operation
 * over every segment; else none, and the prior of `expectedCostPerSuccess` alone decides. Each
 * provider is judged on the most specific figures it has enough of, so two candidates of one goal
 * may be priced from different bases.
 */
export function chooseStats(
  table: ProviderStatsTable,
  provider: string,
  operation: string,
  segments: readonly string[],
  minSegmentCalls: number,
): StatsChoice {
  for (const segment of segments) {
    const stats = table.bySegment.get(statsKey(provider, operation, segment));
    if (stats && stats.calls >= minSegmentCalls) {
      return { stats, basis: 'segment', segment };
    }
  }
  const stats = table.byOperation.get(statsKey(provider, operation));
  return stats ? { stats, basis: 'operation', segment: null } : { stats: null, basis: 'none', segment: null };
}
