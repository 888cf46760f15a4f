import {
  BadRequestException,
  ConflictException,
  HttpException,
  Injectable,
  Logger,
  NotFoundException,
  PayloadTooLargeException,
} from '@nestjs/common';
import { SUPPRESSED_MESSAGE, SuppressionCheck } from '../persons/suppression-check';
import { InjectDataSource } from '@nestjs/typeorm';
import { GatewayConfig } from '@sluice/config';
import { EnrichmentRequest, ImportRecord, isUniqueViolation, type ImportRowError } from '@sluice/db';
import { CsvError } from 'csv-parse';
import { DataSource, In, IsNull } from 'typeorm';
import type { Caller } from '../auth/request-context';
import { Quotas } from '../credits/quotas.service';
import { JobsService, type NewJob } from '../jobs/jobs.service';
import { encodeKeysetCursor } from '../keyset-cursor';
import { type CsvRow, MAX_ROW_BYTES, readableCsvMessage, readCsvRows } from './csv-rows';
import { asBadRequest, type CsvUpload, GatewayClosingError, UploadBrokenError } from './csv-upload';
import { ImportCancellation } from './import-cancellation';
import type { ImportListQuery } from './import-list';
import { resumeRefusal, resumeSettingsOf, RowDigest } from './import-resume';
import { jobOfRow, refusalMessage } from './import-rows';
import { type ColumnMap, type ImportSettings, resolveColumns } from './import-settings';
import { groupProgress, type GroupProgressRow } from '../jobs/job-progress';
import { JobEventsHub } from '../jobs/job-events';
import { toImportView, type ImportJobs, type ImportView } from './import-view';

/** An upload whose header was read (and, for a resume, the rows it skips). */
interface OpenFile {
  upload: CsvUpload;
  rows: AsyncIterator<CsvRow>;
  /** Drops the rest of the upload unread. */
  stop: () => void;
  digest: RowDigest;
  columns: ColumnMap;
  room: Awaited<ReturnType<Quotas['roomCheck']>>;
}

/** How far an import has got; only counts and the first errors, never the rows themselves. */
interface Progress {
  total: number;
  accepted: number;
  rejected: number;
  errors: ImportRowError[];
  /** Data rows of the file with a stored outcome (skipped ones included): where a resume starts. */
  committed: number;
}

function csvProblem(error: CsvError): string {
  const line = typeof error.lines === 'number' ? ` (line ${error.lines})` : '';
  if (error.code === 'CSV_MAX_RECORD_SIZE') {
    return `A row is longer than ${MAX_ROW_BYTES} bytes${line}: an unclosed quote?`;
  }
  return `The file is not valid CSV${line}: ${readableCsvMessage(error.message)}`;
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
    private readonly events: JobEventsHub,
  ) {}

  /**
   * `idempotencyKeyDigest`: the Idempotency-Key the upload was sent under, if any. An upload sent
   * again under the key of an import whose upload broke off (or whose gateway died) resumes that
   * import, as `resume=<id>` would: its kept answer is only for an import that finished, so the
   * retry runs, and it would otherwise queue every row that import had accepted a second time.
   */
  async run(
    caller: Caller,
    upload: CsvUpload,
    settings: ImportSettings,
    correlationId: string,
    idempotencyKeyDigest: string | null = null,
  ): Promise<ImportView> {
    // The import to resume is checked before a byte of the file is read.
    let origin: ImportRecord | null = null;
    try {
      if (settings.resume !== null) {
        origin = await this.resumeOrigin(caller, settings.resume, settings);
      } else if (idempotencyKeyDigest !== null) {
        const last = await this.dataSource.getRepository(ImportRecord).findOne({
          select: { id: true, status: true, resumable: true },
          where: { workspaceId: caller.workspaceId, idempotencyKeyDigest },
          order: { createdAt: 'DESC' },
        });
        if (last?.status === 'failed' && last.resumable) {
          origin = await this.resumeOrigin(caller, last.id, settings);
        }
      }
    } catch (error) {
      upload.discard();
      throw error;
    }
    const csv = readCsvRows(upload.file);
    const { rows } = csv;
    const stop = (): void => {
      upload.discard();
      csv.destroy();
    };

    // The gateway shutting down stops reading the upload (its server's close would wait for the
    // whole file, past the shutdown deadline): the stream fails as an upload that broke off would,
    // between two rows; the rows read whole before stay committed and the import resumable, and
    // the client is answered 503 with the import (see `fail`).
    const closing = this.events.closing;
    const cut = (): void => {
      upload.file.destroy(
        new GatewayClosingError('The gateway is shutting down: it stopped reading the upload.'),
      );
    };
    closing.addEventListener('abort', cut);
    if (closing.aborted) {
      cut();
    }
    try {
      // Everything about the file as a whole is checked before anything is written; a resume also
      // reads past the rows the import it resumes committed, checking they are the same rows.
      const digest = new RowDigest();
      const skipped = origin?.rowsCommitted ?? 0;
      let columns: ColumnMap;
      const imports = this.dataSource.getRepository(ImportRecord);
      let record: ImportRecord;
      let room: Awaited<ReturnType<Quotas['roomCheck']>>;
      try {
        const header = await rows.next();
        if (header.done) {
          throw new BadRequestException(
            'The file is empty; its first line must be a header naming the columns.',
          );
        }
        columns = resolveColumns(header.value.cells, settings);
        digest.add(header.value.cells);
        if (origin) {
          await this.skipCommitted(rows, digest, origin);
        }
        room = await this.quotas.roomCheck(caller.workspaceId);
        record = await imports.save(
          imports.create({
            workspaceId: caller.workspaceId,
            apiKeyId: caller.apiKeyId,
            type: settings.type,
            status: 'running',
            reference: settings.reference,
            settings: resumeSettingsOf(settings),
            resumedFrom: origin?.id ?? null,
            idempotencyKeyDigest,
            rowsSkipped: skipped,
            rowsCommitted: skipped,
            rowsDigest: digest.current(),
          }),
        );
      } catch (error) {
        stop();
        if (isUniqueViolation(error, 'ux_imports_resumed_from')) {
          throw new ConflictException(
            `Import ${origin?.id} was resumed by another upload meanwhile; only one resume of an import runs.`,
          );
        }
        // Nothing is written yet: an upload that broke off is a 400, and nothing is left to mark failed.
        throw error instanceof CsvError ? new BadRequestException(csvProblem(error)) : asBadRequest(error);
      }

      // The row's heartbeat while the upload is open, even when chunks come slowly: the sweep takes a
      // running import left unrefreshed for IMPORT_STALE_AFTER_MS for one whose gateway died.
      const heartbeat = setInterval(
        () =>
          void this.dataSource
            .query(`UPDATE imports SET updated_at = now() WHERE id = $1 AND status = 'running'`, [record.id])
            .catch((error: unknown) =>
              this.logger.warn({
                msg: 'import heartbeat not written',
                importId: record.id,
                error: String(error),
              }),
            ),
        Math.max(1000, Math.floor(this.config.importStaleAfterMs / 3)),
      );
      heartbeat.unref();
      try {
        return await this.readRows(
          caller,
          record,
          { upload, rows, stop, digest, columns, room },
          settings,
          correlationId,
        );
      } finally {
        clearInterval(heartbeat);
      }
    } finally {
      closing.removeEventListener('abort', cut);
    }
  }

  /**
   * The failed import `id` of the caller's workspace that an upload resumes: 404 when it is not the
   * workspace's, 409 naming why it cannot be resumed (refused for its content, resumed already, not
   * failed, other settings).
   */
  private async resumeOrigin(caller: Caller, id: string, settings: ImportSettings): Promise<ImportRecord> {
    const imports = this.dataSource.getRepository(ImportRecord);
    const origin = await imports.findOneBy({ id, workspaceId: caller.workspaceId });
    if (!origin) {
      throw new NotFoundException(`No import ${id} in this workspace to resume.`);
    }
    const resumedBy = await imports.findOne({ select: { id: true }, where: { resumedFrom: id } });
    const refusal = resumeRefusal(origin, resumedBy?.id ?? null, settings);
    if (refusal !== null) {
      throw new ConflictException(refusal);
    }
    // A gateway that died between storing a chunk's jobs and recording them leaves more jobs than
    // the import counts: where to resume is then unknown, and guessing could enqueue rows twice.
    // A row's retries are not rows of their own: first attempts only.
    const stored = await this.dataSource
      .getRepository(EnrichmentRequest)
      .countBy({ importId: id, workspaceId: caller.workspaceId, retryOf: IsNull() });
    if (stored > origin.rowsAccepted) {
      throw new ConflictException(
        `Import ${id} stored ${stored} job(s) but recorded ${origin.rowsAccepted}: its gateway stopped while writing a chunk, so where to resume is unknown. Import the rest of the file as a new import (its jobs: GET /v1/jobs?import_id=${id}).`,
      );
    }
    return origin;
  }

  /** Reads past the rows `origin` committed, enqueuing nothing; they must be the rows it read. */
  private async skipCommitted(
    rows: AsyncIterator<CsvRow>,
    digest: RowDigest,
    origin: ImportRecord,
  ): Promise<void> {
    for (let read = 0; read < origin.rowsCommitted; read += 1) {
      const next = await rows.next();
      if (next.done) {
        throw new ConflictException(
          `The file has ${read} data row(s), but import ${origin.id} had committed ${origin.rowsCommitted}: resume it with the same file.`,
        );
      }
      digest.add(next.value.cells);
    }
    if (origin.rowsDigest !== null && digest.current() !== origin.rowsDigest) {
      throw new ConflictException(
        `The file's header or first ${origin.rowsCommitted} data row(s) differ from those import ${origin.id} read: resume it with the same file.`,
      );
    }
  }

  /** Reads the rest of the file into the import `record`: rows checked, chunks enqueued and counted. */
  private async readRows(
    caller: Caller,
    record: ImportRecord,
    file: OpenFile,
    settings: ImportSettings,
    correlationId: string,
  ): Promise<ImportView> {
    const { upload, rows, stop, digest, columns, room } = file;
    const imports = this.dataSource.getRepository(ImportRecord);
    const skipped = record.rowsSkipped;
    const progress: Progress = { total: 0, accepted: 0, rejected: 0, errors: [], committed: skipped };
    let chunk: NewJob[] = [];
    let chunkLines: number[] = [];
    let errorsWritten = 0;
    // Every row read so far has its outcome in `progress` when a chunk is written: committed.
    const save = async (): Promise<void> => {
      await imports.update(
        { id: record.id, workspaceId: caller.workspaceId },
        {
          rowsTotal: progress.total,
          rowsAccepted: progress.accepted,
          rowsRejected: progress.rejected,
          rowsCommitted: skipped + progress.total,
          rowsDigest: digest.current(),
          ...(progress.errors.length > errorsWritten ? { errors: progress.errors } : {}),
        },
      );
      errorsWritten = progress.errors.length;
      progress.committed = skipped + progress.total;
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
        if (skipped + progress.total > this.config.importMaxRows) {
          progress.total -= 1; // the rows counted are the rows read in full
          throw new BadRequestException(
            `The file has more than ${this.config.importMaxRows} data rows, the most one import may hold (IMPORT_MAX_ROWS); split it.`,
          );
        }
        digest.add(next.value.cells);
        const { line } = next.value;
        const outcome = jobOfRow(next.value.cells, line, columns, settings, record.id);
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
        rowsCommitted: skipped + progress.total,
        rowsDigest: digest.current(),
        errors: progress.errors,
        completedAt: () => 'now()',
      },
    );
    return this.get(caller, record.id);
  }

  /**
   * Marks an import failed and says why. A refusal (the file broke a rule part-way) cancels the jobs
   * the import had queued and not yet finished, so a refused upload runs nothing more; when the
   * upload itself broke off (or PostgreSQL or Redis went away), the rows accepted so far stay queued
   * and the import can be resumed from its last committed row, as the answer and the import's
   * `error` say.
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
      // Jobs queued from the first rows may have run (and been paid for) while the rest arrived.
      const finished =
        cancelled === null
          ? 0
          : await this.cancellation.finishedJobs(caller.workspaceId, record.id).catch(() => 0);
      reason =
        cancelled === null
          ? `${problem} The jobs it had queued could not all be cancelled; cancel them through GET /v1/jobs?import_id=${record.id}.`
          : `${problem} Nothing more of this import will run: the ${cancelled} unfinished job(s) it had queued were cancelled` +
            (finished > 0
              ? `; ${finished} had already finished and keep their results (GET /v1/jobs?import_id=${record.id}).`
              : '.');
    } else {
      const cause =
        error instanceof UploadBrokenError
          ? error.message
          : `The import stopped: ${error instanceof Error ? error.message : String(error)}.`;
      reason = `${cause} The ${progress.accepted} row(s) accepted before stay queued (GET /v1/jobs?import_id=${record.id}). To import the rest, send the same file with resume=${record.id}: its first ${progress.committed} data row(s), already handled, are skipped.`;
    }
    await this.dataSource
      .getRepository(ImportRecord)
      .update(
        { id: record.id, workspaceId: caller.workspaceId },
        {
          status: 'failed',
          error: reason,
          resumable: !refused,
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
    const status =
      error instanceof PayloadTooLargeException ? 413 : error instanceof GatewayClosingError ? 503 : 400;
    return new HttpException({ statusCode: status, message: reason, import: view }, status);
  }

  /** The caller's import; another workspace's is indistinguishable from a missing one (404). */
  async get(caller: Caller, id: string): Promise<ImportView> {
    const imports = this.dataSource.getRepository(ImportRecord);
    const record = await imports.findOneBy({ id, workspaceId: caller.workspaceId });
    if (!record) {
      throw new NotFoundException(`No import ${id} in this workspace.`);
    }
    const resumedBy = await imports.findOne({ select: { id: true }, where: { resumedFrom: id } });
    const jobsOf = await this.jobsOf(caller.workspaceId, [id]);
    return toImportView(record, resumedBy?.id ?? null, jobsOf(id));
  }

  /**
   * The jobs of these imports (of the caller's workspace) counted by status, and the credits their
   * steps spent: one statement over the requests' import index, whatever the page holds. A retried
   * job counts once, as its latest attempt (a job no retry replaced); the credits are every
   * attempt's. Both are set-based (an anti-join on the retries, one join with the steps): a
   * subquery per job, each probing two indexes, took seconds on an import of a few hundred thousand
   * rows, and clients poll this for progress.
   */
  private async jobsOf(
    workspaceId: string,
    ids: readonly string[],
  ): Promise<(importId: string) => ImportJobs> {
    if (ids.length === 0) {
      return groupProgress([]);
    }
    const rows = await this.dataSource.query<GroupProgressRow[]>(
      `SELECT r.import_id AS group_id, r.status, count(*)::int AS count, NULL::numeric AS credits
         FROM enrichment_requests r
        WHERE r.workspace_id = $1 AND r.import_id = ANY($2::uuid[])
          AND NOT EXISTS (SELECT 1 FROM enrichment_requests n WHERE n.retry_of = r.id)
        GROUP BY r.import_id, r.status
       UNION ALL
       SELECT r.import_id, NULL, NULL, sum(s.credits)
         FROM enrichment_requests r JOIN enrichment_steps s ON s.request_id = r.id
        WHERE r.workspace_id = $1 AND r.import_id = ANY($2::uuid[])
        GROUP BY r.import_id`,
      [workspaceId, ids],
    );
    return groupProgress(rows);
  }

  /** The caller's imports, newest first, a page at a time (`GET /v1/imports`). */
  async list(
    caller: Caller,
    query: ImportListQuery,
  ): Promise<{ data: ImportView[]; next_cursor: string | null }> {
    const imports = this.dataSource.getRepository(ImportRecord);
    const builder = imports
      .createQueryBuilder('i')
      // The cursor's position: microseconds, where the entity's Date would keep milliseconds.
      .addSelect('i.created_at::text', 'created_key')
      .where('i.workspace_id = :workspaceId', { workspaceId: caller.workspaceId })
      .orderBy('i.created_at', 'DESC')
      .addOrderBy('i.id', 'DESC')
      .limit(query.limit + 1);
    if (query.reference !== undefined) {
      builder.andWhere('i.reference = :reference', { reference: query.reference });
    }
    if (query.status !== undefined) {
      builder.andWhere('i.status = :status', { status: query.status });
    }
    if (query.after) {
      builder.andWhere('(i.created_at, i.id) < (:afterAt::timestamptz, :afterId::uuid)', {
        afterAt: query.after.at,
        afterId: query.after.id,
      });
    }
    const { entities: rows, raw } = await builder.getRawAndEntities<{ i_id: string; created_key: string }>();
    const page = rows.slice(0, query.limit);
    const resumers =
      page.length === 0
        ? []
        : await imports.find({
            select: { id: true, resumedFrom: true },
            where: { resumedFrom: In(page.map((row) => row.id)) },
          });
    const resumedBy = new Map(resumers.map((row) => [row.resumedFrom, row.id]));
    const jobsOf = await this.jobsOf(
      caller.workspaceId,
      page.map((row) => row.id),
    );
    const last = rows.length > query.limit ? page.at(-1) : undefined;
    // No joins: each raw row is one entity's, found again by its id.
    const lastKey = last && raw.find((row) => row.i_id === last.id)?.created_key;
    return {
      data: page.map((row) => toImportView(row, resumedBy.get(row.id) ?? null, jobsOf(row.id))),
      next_cursor: last && lastKey !== undefined ? encodeKeysetCursor(lastKey, last.id) : null,
    };
  }
}
