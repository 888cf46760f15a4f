import {
  BadRequestException,
  HttpException,
  Injectable,
  Logger,
  NotFoundException,
  PayloadTooLargeException,
} from '@nestjs/common';
import { SUPPRESSED_MESSAGE, SuppressionCheck } from '../persons/suppression-check';
import { InjectDataSource } from '@nestjs/typeorm';
import { GatewayConfig } from '@sluice/config';
import { ImportRecord, type ImportRowError } from '@sluice/db';
import { CsvError, parse } from 'csv-parse';
import { DataSource } from 'typeorm';
import type { Caller } from '../auth/request-context';
import { Quotas } from '../credits/quotas.service';
import { JobsService, type NewJob } from '../jobs/jobs.service';
import { type CsvUpload, UploadBrokenError } from './csv-upload';
import { ImportCancellation } from './import-cancellation';
import { jobOfRow, refusalMessage } from './import-rows';
import { type ColumnMap, type ImportSettings, resolveColumns } from './import-settings';
import { toImportView, type ImportView } from './import-view';

/** Longest CSV row accepted: bounds what one row (or an unclosed quote) can make the parser hold. */
const MAX_ROW_BYTES = 64 * 1024;

interface ParsedRow {
  record: string[];
  info: { lines: number };
}

/** How far an import has got; only counts and the first errors, never the rows themselves. */
interface Progress {
  total: number;
  accepted: number;
  rejected: number;
  errors: ImportRowError[];
}

function csvProblem(error: CsvError): string {
  const line = typeof error.lines === 'number' ? ` (line ${error.lines})` : '';
  if (error.code === 'CSV_MAX_RECORD_SIZE') {
    return `A row is longer than ${MAX_ROW_BYTES} bytes${line}: an unclosed quote?`;
  }
  return `The file is not valid CSV${line}: ${error.message}`;
}

/**
 * Runs a CSV import as its file streams in: the header is matched to input fields, each row is
 * checked as `POST /v1/jobs` checks a job (a bad row is recorded with its line, never fatal), and
 * valid rows are enqueued a chunk at a time. While a chunk is written nothing more is read, so the
 * upload is held back by TCP itself and memory stays that of one chunk, whatever the file's size.
 */
@Injectable()
export class ImportsService {
  private readonly logger = new Logger(ImportsService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly jobs: JobsService,
    private readonly quotas: Quotas,
    private readonly cancellation: ImportCancellation,
    private readonly config: GatewayConfig,
    private readonly suppression: SuppressionCheck,
  ) {}

  async run(
    caller: Caller,
    upload: CsvUpload,
    settings: ImportSettings,
    correlationId: string,
  ): Promise<ImportView> {
    const parser = parse({
      bom: true,
      skip_empty_lines: true,
      skip_records_with_empty_values: true,
      relax_column_count: true,
      max_record_size: MAX_ROW_BYTES,
      info: true,
    });
    upload.file.on('error', (error) => parser.destroy(error));
    upload.file.pipe(parser);
    const rows = parser[Symbol.asyncIterator]() as AsyncIterator<ParsedRow>;
    const stop = (): void => {
      upload.discard();
      parser.destroy();
    };

    // Everything about the file as a whole is checked before anything is written.
    let columns: ColumnMap;
    try {
      const header = await rows.next();
      if (header.done) {
        throw new BadRequestException(
          'The file is empty; its first line must be a header naming the columns.',
        );
      }
      columns = resolveColumns(header.value.record, settings);
    } catch (error) {
      stop();
      throw error instanceof CsvError ? new BadRequestException(csvProblem(error)) : error;
    }
    const room = await this.quotas.roomCheck(caller.workspaceId);
    const imports = this.dataSource.getRepository(ImportRecord);
    const record = await imports.save(
      imports.create({
        workspaceId: caller.workspaceId,
        apiKeyId: caller.apiKeyId,
        type: settings.type,
        status: 'running',
      }),
    );

    const progress: Progress = { total: 0, accepted: 0, rejected: 0, errors: [] };
    let chunk: NewJob[] = [];
    let chunkLines: number[] = [];
    let errorsWritten = 0;
    const save = async (): Promise<void> => {
      await imports.update(
        { id: record.id, workspaceId: caller.workspaceId },
        {
          rowsTotal: progress.total,
          rowsAccepted: progress.accepted,
          rowsRejected: progress.rejected,
          ...(progress.errors.length > errorsWritten ? { errors: progress.errors } : {}),
        },
      );
      errorsWritten = progress.errors.length;
    };
    const flush = async (): Promise<void> => {
      if (chunk.length === 0) {
        return;
      }
      // Rows naming an erased person are refused (row error `suppressed`), one query per chunk.
      const flags = await this.suppression.suppressed(
        caller.workspaceId,
        chunk.map((job) => job.input as Record<string, unknown>),
      );
      flags.forEach((refused, i) => {
        if (refused) {
          reject({ line: chunkLines[i], message: SUPPRESSED_MESSAGE });
        }
      });
      const allowed = chunk.filter((_, i) => !flags[i]);
      chunk = [];
      chunkLines = [];
      if (allowed.length > 0) {
        await this.jobs.createMany(caller, allowed, correlationId);
        progress.accepted += allowed.length;
      }
      await save();
    };
    const reject = (error: ImportRowError): void => {
      progress.rejected += 1;
      if (progress.errors.length < this.config.importMaxErrors) {
        progress.errors.push(error);
      }
    };

    try {
      for (let next = await rows.next(); !next.done; next = await rows.next()) {
        progress.total += 1;
        if (progress.total > this.config.importMaxRows) {
          progress.total -= 1; // the rows counted are the rows read in full
          throw new BadRequestException(
            `The file has more than ${this.config.importMaxRows} data rows, the most one import may hold (IMPORT_MAX_ROWS); split it.`,
          );
        }
        // The parser counts the line a row ends on; a quoted cell may span lines, so step back.
        const line =
          next.value.info.lines -
          next.value.record.reduce((breaks, value) => breaks + (value.match(/\n/g)?.length ?? 0), 0);
        const outcome = jobOfRow(next.value.record, line, columns, settings, record.id);
        if ('error' in outcome) {
          reject(outcome.error);
          continue;
        }
        try {
          room?.(outcome.job.type, outcome.job.input, outcome.job.options);
        } catch (error) {
          const message = refusalMessage(error);
          if (message === null) {
            throw error;
          }
          reject({ line, message });
          continue;
        }
        chunk.push(outcome.job);
        chunkLines.push(line);
        if (chunk.length >= this.config.importChunkSize) {
          await flush();
        }
      }
      await flush();
      await upload.finished();
    } catch (error) {
      stop();
      throw await this.fail(caller, record, progress, error);
    }
    await imports.update(
      { id: record.id, workspaceId: caller.workspaceId },
      {
        status: 'completed',
        rowsTotal: progress.total,
        rowsAccepted: progress.accepted,
        rowsRejected: progress.rejected,
        errors: progress.errors,
        completedAt: () => 'now()',
      },
    );
    return this.get(caller, record.id);
  }

  /**
   * Marks an import failed and says why. A refusal (the file broke a rule part-way) cancels the jobs
   * the import had queued, so a refused upload runs nothing; when the upload itself broke off, the
   * rows accepted so far stay queued, as the answer and the import's `error` say.
   */
  private async fail(
    caller: Caller,
    record: ImportRecord,
    progress: Progress,
    error: unknown,
  ): Promise<unknown> {
    const refused =
      error instanceof CsvError ||
      (error instanceof HttpException && error.getStatus() >= 400 && error.getStatus() < 500);
    let reason: string;
    if (refused) {
      const problem = error instanceof CsvError ? csvProblem(error) : (refusalMessage(error) ?? '');
      const cancelled = await this.cancellation
        .cancelJobs(caller.workspaceId, record.id, `cancelled: the import was refused (${problem})`)
        .catch((cause: unknown) => {
          this.logger.error({ msg: 'import jobs not cancelled', importId: record.id, error: String(cause) });
          return null;
        });
      reason =
        cancelled === null
          ? `${problem} The jobs it had queued could not all be cancelled; cancel them through GET /v1/jobs?import_id=${record.id}.`
          : `${problem} Nothing of this import will run: the ${cancelled} job(s) it had queued were cancelled.`;
    } else if (error instanceof UploadBrokenError) {
      reason = `${error.message} The ${progress.accepted} row(s) accepted before stay queued (GET /v1/jobs?import_id=${record.id}); the rest of the file was not read.`;
    } else {
      reason = `The import stopped: ${error instanceof Error ? error.message : String(error)}. The ${progress.accepted} row(s) accepted before stay queued (GET /v1/jobs?import_id=${record.id}).`;
    }
    await this.dataSource
      .getRepository(ImportRecord)
      .update(
        { id: record.id, workspaceId: caller.workspaceId },
        {
          status: 'failed',
          error: reason,
          rowsTotal: progress.total,
          rowsAccepted: progress.accepted,
          rowsRejected: progress.rejected,
          errors: progress.errors,
          completedAt: () => 'now()',
        },
      )
      .catch((cause: unknown) =>
        this.logger.error({ msg: 'import not marked failed', importId: record.id, error: String(cause) }),
      );
    if (!refused && !(error instanceof UploadBrokenError)) {
      return error; // PostgreSQL or Redis went away: the 503 it maps to tells the caller to retry
    }
    const view = await this.get(caller, record.id).catch(() => null);
    const status = error instanceof PayloadTooLargeException ? 413 : 400;
    return new HttpException({ statusCode: status, message: reason, import: view }, status);
  }

  /** The caller's import; another workspace's is indistinguishable from a missing one (404). */
  async get(caller: Caller, id: string): Promise<ImportView> {
    const record = await this.dataSource
      .getRepository(ImportRecord)
      .findOneBy({ id, workspaceId: caller.workspaceId });
    if (!record) {
      throw new NotFoundException(`No import ${id} in this workspace.`);
    }
    return toImportView(record);
  }
}
