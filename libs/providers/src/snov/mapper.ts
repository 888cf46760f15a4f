import {
  normalizeDomain,
  normalizeEmail,
  normalizePhone,
  type FoundEmail,
  type Firmographics,
} from '@sluice/enrichment';
import type { CreditBalance } from '../port';
import type {
  SnovBalanceResponse,
  SnovDomainSearchData,
  SnovDomainSearchResult,
  SnovEmailFinderResult,
  SnovFoundEmail,
} from './types';

const DAY_MS = 86_400_000;

/** Snov.io sizes are bands (`51-200`); the firmographic keeps the band's upper bound. */
function employeesOf(size: string | null | undefined): number | null {
  const match = size ? /(\d[\d,]*)\s*(?:-\s*(\d[\d,]*)|\+)?/.exec(size) : null;
  if (!match) {
    return null;
  }
  return Number((match[2] ?? match[1]).replace(/,/g, ''));
}

/** An e-mail Snov.io found: `valid` SMTP checks are valid; `unknown` keeps its reason (a catch-all server is its own verdict). */
export function mapSnovEmail(found: SnovFoundEmail): FoundEmail | null {
  const email = normalizeEmail(found.email);
  if (!email) {
    return null;
  }
  const verdict =
    found.smtp_status === 'valid'
      ? 'valid'
      : found.unknown_status_reason === 'catchall'
        ? 'catch_all'
        : found.unknown_status_reason === 'banned'
          ? 'risky'
          : 'unknown';
  return {
    email,
    kind: found.is_webmail ? 'personal' : 'work',
    verdict,
    confidence: verdict === 'valid' ? 0.9 : 0.5,
  };
}

/** Per row of an e-mail finder task, in request order: the e-mails found (empty when none). */
export function mapEmailFinderResult(result: SnovEmailFinderResult): FoundEmail[][] {
  return (result.data ?? []).map((row) =>
    (row.result ?? []).map(mapSnovEmail).filter((email): email is FoundEmail => email !== null),
  );
}

function isDomainData(data: SnovDomainSearchResult['data']): data is SnovDomainSearchData {
  return typeof data === 'object' && data !== null && !Array.isArray(data);
}

/** The company a domain search describes, or `null` when it found nothing. */
export function mapDomainSearchResult(result: SnovDomainSearchResult): Firmographics | null {
  if (!isDomainData(result.data)) {
    return null;
  }
  const data = result.data;
  const phone = data.hq_phone ? normalizePhone(`+${data.hq_phone.replace(/^\+/, '')}`) : null;
  return {
    name: data.company_name ?? null,
    domain: normalizeDomain(data.website ?? result.meta.domain ?? '') ?? null,
    industry: data.industry ?? null,
    employees: employeesOf(data.size),
    revenueUsd: null,
    technologies: [],
    linkedinUrl: null,
    phone,
    location: data.city ? { locality: data.city, region: null, country: null } : null,
  };
}

/** Snov.io's balance is a decimal string; the renewal is counted in days from now. */
export function mapBalance(response: SnovBalanceResponse, now: Date): CreditBalance {
  const remaining = Number(response.data.balance);
  const resetsIn = response.data.limit_resets_in;
  return {
    remaining: Number.isFinite(remaining) ? remaining : 0,
    limit: null,
    renewsAt: typeof resetsIn === 'number' ? new Date(now.getTime() + resetsIn * DAY_MS) : null,
    details: {
      unique_recipients_used: response.data.unique_recipients_used ?? 0,
      ...(typeof response.data.expires_in === 'number' ? { expires_in_days: response.data.expires_in } : {}),
    },
  };
}
