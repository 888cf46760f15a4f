import type { Firmographics, FoundEmail } from '@sluice/enrichment';
import { isRecord } from '../json';
import { mapDomainSearchResult, mapEmailFinderResult } from './mapper';
import type { SnovDomainSearchResult, SnovEmailFinderResult } from './types';

/**
 * Where a Snov.io task stands. Its reference spells "in progress" two ways (`in progress`,
 * `in_progress`), so anything but `completed` and `not_enough_credits` counts as still running.
 */
export type SnovTaskState = 'completed' | 'in_progress' | 'not_enough_credits';

export function snovTaskState(status: string): SnovTaskState {
  return status === 'completed' || status === 'not_enough_credits' ? status : 'in_progress';
}

/**
 * What Snov.io POSTs to a task's `webhook_url`. Its reference does not show the body; it is taken
 * to mirror the result endpoint (provider-apis.md §2), and Snov.io signs nothing, so a webhook is
 * only a hint: the receiver confirms by fetching the result with our own token.
 */
export type SnovWebhook =
  | {
      kind: 'email_finder';
      taskHash: string;
      state: SnovTaskState;
      /** Per row, in request order: who was searched (`people`) and the e-mails found. */
      rows: { people: string; emails: FoundEmail[] }[];
      /** What Snov.io charges for this result: 1 credit per e-mail returned. */
      credits: number;
      result: SnovEmailFinderResult;
    }
  | {
      kind: 'domain_search';
      taskHash: string;
      state: SnovTaskState;
      /** `null` while running or when the search found nothing (then nothing is charged). */
      company: Firmographics | null;
      /** What Snov.io charges for this result: 1 credit when it found the company. */
      credits: number;
      result: SnovDomainSearchResult;
    };

export class SnovWebhookError extends Error {
  override readonly name = 'SnovWebhookError';
}

function refuse(problem: string): never {
  throw new SnovWebhookError(`${problem}; answer 400 and fetch the task result with its task_hash instead`);
}

function checkFinderRows(data: unknown): void {
  if (!Array.isArray(data)) {
    refuse('a Snov.io e-mail finder webhook needs data as a list of rows');
  }
  data.forEach((row: unknown, index) => {
    if (!isRecord(row) || typeof row.people !== 'string' || !Array.isArray(row.result)) {
      refuse(`a Snov.io e-mail finder webhook needs data[${index}] with people and a result list`);
    }
    row.result.forEach((found: unknown, at) => {
      if (!isRecord(found) || typeof found.email !== 'string' || typeof found.smtp_status !== 'string') {
        refuse(
          `a Snov.io e-mail finder webhook needs data[${index}].result[${at}] with email and smtp_status`,
        );
      }
    });
  });
}

function checkDomainData(data: unknown): void {
  if (Array.isArray(data)) {
    return;
  }
  if (!isRecord(data)) {
    refuse('a Snov.io domain search webhook needs data as an object or an empty list');
  }
  // `founded` is left out: a year may come as a number as well as a string, and nothing reads it.
  for (const key of ['company_name', 'city', 'website', 'hq_phone', 'industry', 'size']) {
    const value = data[key];
    if (value !== undefined && value !== null && typeof value !== 'string') {
      refuse(`a Snov.io domain search webhook needs data.${key} as text`);
    }
  }
}

/** Recognises a Snov.io webhook body and reads it into canonical records, or says what is wrong. */
export function parseSnovWebhook(body: unknown): SnovWebhook {
  if (!isRecord(body)) {
    refuse('a Snov.io webhook body must be a JSON object');
  }
  const meta = body.meta;
  if (!isRecord(meta) || typeof meta.task_hash !== 'string' || meta.task_hash === '') {
    refuse('a Snov.io webhook body needs meta.task_hash');
  }
  if (typeof body.status !== 'string') {
    refuse('a Snov.io webhook body needs a status');
  }
  const taskHash = meta.task_hash;
  const state = snovTaskState(body.status);
  const isFinder =
    Array.isArray(meta.rows) ||
    (Array.isArray(body.data) && body.data.some((row) => isRecord(row) && 'people' in row));
  if (isFinder) {
    checkFinderRows(body.data);
    const result = body as unknown as SnovEmailFinderResult;
    const emails = state === 'completed' ? mapEmailFinderResult(result) : [];
    return {
      kind: 'email_finder',
      taskHash,
      state,
      rows: result.data.map((row, index) => ({ people: row.people, emails: emails[index] ?? [] })),
      credits: state === 'completed' ? result.data.reduce((sum, row) => sum + row.result.length, 0) : 0,
      result,
    };
  }
  if (typeof meta.domain === 'string' || isRecord(body.data)) {
    checkDomainData(body.data);
    const result = body as unknown as SnovDomainSearchResult;
    const company = state === 'completed' ? mapDomainSearchResult(result) : null;
    return { kind: 'domain_search', taskHash, state, company, credits: company ? 1 : 0, result };
  }
  refuse('not a Snov.io e-mail finder or domain search result (no meta.rows or meta.domain)');
}
