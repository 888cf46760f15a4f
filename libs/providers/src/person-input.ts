import type { PersonQuery } from '@sluice/enrichment';
import { rocketReachMatchOf } from './rocketreach/adapter';

/**
 * What a provider needs to know of a person before it can look them up (find an e-mail, a phone,
 * a profile). The planner skips a provider whose needs the request cannot meet (reason
 * `insufficient_input`) instead of queueing a step that could only be refused, and each adapter
 * refuses the same inputs before any call, so the two never disagree.
 */
export interface PersonInputRule {
  /** What it needs, for people: "a name and the company domain". */
  needs: string;
  accepts(query: PersonQuery): boolean;
}

/** `first last` from a query, or `null` when the query names nobody. */
export function personName(query: PersonQuery): { first: string; last: string } | null {
  if (query.firstName?.trim() && query.lastName?.trim()) {
    return { first: query.firstName.trim(), last: query.lastName.trim() };
  }
  const parts = query.fullName?.trim().split(/\s+/) ?? [];
  return parts.length >= 2 ? { first: parts[0], last: parts.slice(1).join(' ') } : null;
}

/** First and last name, or a full name of at least two words (what the phone adapters search by). */
export function hasPersonName(query: PersonQuery): boolean {
  return personName(query) !== null;
}

const present = (value: string | undefined): boolean => Boolean(value?.trim());

/** By provider (wire name): the person lookups of every provider that has any. */
export const PERSON_INPUT_RULES: Readonly<Record<string, PersonInputRule>> = Object.freeze({
  snov: {
    needs: 'a name (first_name and last_name, or full_name) and the company domain',
    accepts: (q: PersonQuery) => hasPersonName(q) && present(q.domain),
  },
  // A name alone matches whoever Apollo finds first by that name, and is charged for.
  apollo: {
    needs: 'a LinkedIn URL, an e-mail, or a name with the company domain or name',
    accepts: (q: PersonQuery) =>
      present(q.linkedinUrl) ||
      present(q.email) ||
      (hasPersonName(q) && (present(q.domain) || present(q.companyName))),
  },
  rocketreach: {
    needs: 'a LinkedIn URL, an e-mail, a phone, or a name with the company domain or name',
    accepts: (q: PersonQuery) => rocketReachMatchOf(q) !== null,
  },
  'orion-connect': {
    needs: 'a name with the company domain, a LinkedIn URL or an e-mail',
    accepts: (q: PersonQuery) =>
      hasPersonName(q) && (present(q.domain) || present(q.linkedinUrl) || present(q.email)),
  },
  'astra-dialer': {
    needs: 'a name and the company domain',
    accepts: (q: PersonQuery) => hasPersonName(q) && present(q.domain),
  },
  'nimbus-lookup': {
    needs: 'a name (first_name and last_name, or full_name)',
    accepts: (q: PersonQuery) => hasPersonName(q),
  },
});

/** What `provider` would need and `query` lacks, or null when it can look the person up (or has no rule). */
export function personInputProblem(provider: string, query: PersonQuery): string | null {
  const rule = PERSON_INPUT_RULES[provider];
  return rule && !rule.accepts(query) ? rule.needs : null;
}
