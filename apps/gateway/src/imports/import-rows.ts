import { messagesOf } from '../http-errors';
import { HttpException } from '@nestjs/common';
import type { ImportRowError } from '@sluice/db';
import type { RequestInput } from '@sluice/enrichment';
import { assertOptionsReachable, parseJobInput } from '../jobs/job-input';
import type { NewJob } from '../jobs/jobs.service';
import { cellTextProblem } from './cell-text';
import type { ColumnMap, ImportSettings } from './import-settings';

/** The message of a refusal thrown by the job checks (a Nest HTTP exception), else null. */
export function refusalMessage(error: unknown): string | null {
  if (!(error instanceof HttpException)) {
    return null;
  }
  return messagesOf(error).join('; ');
}

/**
 * One CSV row as a job, checked exactly as `POST /v1/jobs` checks a job's input (the same parsing,
 * normalisation and identifier rules, and for `enrich` that its identifiers reach the fields asked
 * for), or why not, with the column at fault when one is. Empty cells are absent fields. A cell
 * whose text is not what the spreadsheet showed (UTF-8 read in another encoding and saved again, or
 * a formula) is refused with its column before anything is looked up: it would be paid for as it is.
 */
export function jobOfRow(
  cells: readonly string[],
  line: number,
  columns: ColumnMap,
  settings: ImportSettings,
  importId: string,
): { job: NewJob } | { error: ImportRowError } {
  if (cells.length !== columns.width) {
    return {
      error: {
        line,
        message: `The row has ${cells.length} field(s); the header has ${columns.width}.`,
      },
    };
  }
  const input: Record<string, unknown> = {};
  for (const { index, column, field } of columns.fields) {
    const value = cells[index] ?? '';
    if (value.trim() !== '') {
      const problem = cellTextProblem(field, value);
      if (problem !== null) {
        return { error: { line, column, message: problem } };
      }
      input[field] = value;
    }
  }
  let parsed: RequestInput;
  try {
    parsed = parseJobInput(settings.type, input);
    assertOptionsReachable(parsed, settings.options);
  } catch (error) {
    const message = refusalMessage(error);
    if (message === null) {
      throw error;
    }
    const field = /^input\.(\w+)/.exec(message)?.[1];
    const column = columns.fields.find((entry) => entry.field === field)?.column;
    return { error: column === undefined ? { line, message } : { line, column, message } };
  }
  return {
    job: {
      type: settings.type,
      input: parsed,
      priority: settings.priority,
      callbackUrl: settings.callbackUrl,
      maxCredits: null,
      options: settings.options,
      importId,
    },
  };
}
