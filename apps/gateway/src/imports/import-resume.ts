import { createHash, type Hash } from 'node:crypto';
import type { ImportRecord, ImportResumeSettings } from '@sluice/db';
import type { ImportSettings } from './import-settings';

/** The settings stored on an import, which a resume of it must repeat (its type is a column). */
export function resumeSettingsOf(settings: ImportSettings): ImportResumeSettings {
  return {
    mapping: settings.mapping,
    options: { ...settings.options },
    priority: settings.priority,
    callback_url: settings.callbackUrl,
  };
}

/** JSON with object keys sorted at every depth: equal values, equal text. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) {
    return `[${value.map(canonical).join(',')}]`;
  }
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, inner]) => inner !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, inner]) => `${JSON.stringify(key)}:${canonical(inner)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/**
 * Why an upload cannot resume `origin`, or null when it can: `origin` must have failed for a reason
 * other than its content, not have been resumed already, and have been given the same type and
 * settings (each difference named). `resumedBy` is the import that already resumed it, if any.
 */
export function resumeRefusal(
  origin: Pick<ImportRecord, 'id' | 'status' | 'resumable' | 'type' | 'settings' | 'error'>,
  resumedBy: string | null,
  settings: ImportSettings,
): string | null {
  if (origin.status !== 'failed') {
    return `Import ${origin.id} is ${origin.status}; only a failed import can be resumed.`;
  }
  if (resumedBy !== null) {
    return `Import ${origin.id} was already resumed by import ${resumedBy}; resume that one if it failed too.`;
  }
  if (!origin.resumable) {
    return `Import ${origin.id} was refused for its content, so it cannot be resumed: ${origin.error ?? 'no reason recorded'} Mend the file and import it again.`;
  }
  const given = resumeSettingsOf(settings);
  const stored: ImportResumeSettings = {
    mapping: origin.settings.mapping ?? null,
    options: origin.settings.options ?? {},
    priority: origin.settings.priority ?? 'bulk',
    callback_url: origin.settings.callback_url ?? null,
  };
  const differ = [
    ...(origin.type === settings.type ? [] : ['type']),
    ...(Object.keys(stored) as (keyof ImportResumeSettings)[]).filter(
      (name) => canonical(stored[name]) !== canonical(given[name]),
    ),
  ];
  if (differ.length > 0) {
    return `Import ${origin.id} ran with another ${differ.join(', ')} (type ${origin.type}, mapping ${canonical(stored.mapping)}); resume it with the same settings.`;
  }
  return null;
}

/**
 * SHA-256 of an import's header and data rows as parsed (cells, not bytes: a multipart or a raw
 * upload of the same file agree), read at any row count. An import stores it with its committed
 * rows; a resume computes it over the rows it skips and compares, so that another file is refused.
 */
export class RowDigest {
  private readonly hash: Hash = createHash('sha256');

  add(cells: readonly string[]): void {
    this.hash.update(`${JSON.stringify(cells)}\n`);
  }

  /** The digest of everything added so far; more can still be added. */
  current(): string {
    return this.hash.copy().digest('hex');
  }
}
