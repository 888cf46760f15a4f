import { isRecord } from '../json';
import type { SnovDomainSearchResult, SnovEmailFinderResult } from './types';

/**
 * What Snov.io POSTs to a task's `webhook_url`. Its reference does not show the body; it is taken
 * to mirror the result endpoint (provider-apis.md §2), and Snov.io signs nothing, so a webhook is
 * only a hint: the receiver confirms by fetching the result with our own token.
 */
export type SnovWebhook =
  | { kind: 'email_finder'; taskHash: string; status: string; result: SnovEmailFinderResult }
  | { kind: 'domain_search'; taskHash: string; status: string; result: SnovDomainSearchResult };

export class SnovWebhookError extends Error {
  override readonly name = 'SnovWebhookError';
}

/** Recognises a Snov.io webhook body, or says what is wrong with it. */
export function parseSnovWebhook(body: unknown): SnovWebhook {
  if (!isRecord(body)) {
    throw new SnovWebhookError('a Snov.io webhook body must be a JSON object');
  }
  const meta = body.meta;
  if (!isRecord(meta) || typeof meta.task_hash !== 'string' || meta.task_hash === '') {
    throw new SnovWebhookError('a Snov.io webhook body needs meta.task_hash');
  }
  if (typeof body.status !== 'string') {
    throw new SnovWebhookError('a Snov.io webhook body needs a status');
  }
  if (
    Array.isArray(meta.rows) ||
    (Array.isArray(body.data) && body.data.some((row) => isRecord(row) && 'people' in row))
  ) {
    return {
      kind: 'email_finder',
      taskHash: meta.task_hash,
      status: body.status,
      result: body as unknown as SnovEmailFinderResult,
    };
  }
  if (typeof meta.domain === 'string' || isRecord(body.data)) {
    return {
      kind: 'domain_search',
      taskHash: meta.task_hash,
      status: body.status,
      result: body as unknown as SnovDomainSearchResult,
    };
  }
  throw new SnovWebhookError(
    'not a Snov.io e-mail finder or domain search result (no meta.rows or meta.domain)',
  );
}
