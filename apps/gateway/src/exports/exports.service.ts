import { Transform, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BadRequestException, Injectable, Logger, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { GatewayConfig } from '@sluice/config';
import { Batch, ExportRecord, ImportRecord, type ExportFilters, type ExportFormat } from '@sluice/db';
import { stringify } from 'csv-stringify';
import type { Pool, PoolClient } from 'pg';
import QueryStream from 'pg-query-stream';
import { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import type { Caller } from '../auth/request-context';
import { utcDate } from '../http-params';
import type { CreateExportDto } from './create-export.dto';
import { csvRowOf, EXPORT_CSV_COLUMNS, jsonLineOf, type ExportedJob } from './export-rows';

/** Rows fetched from the cursor at a time: what the export holds in memory at most. */
const CURSOR_BATCH = 200;

export interface ExportView {
  id: string;
  url: string;
  format: ExportFormat;
  filters: ExportFilters;
}

/** Saved exports, and their files streamed from PostgreSQL with a cursor. */
@Injectable()
export class ExportsService {
  private readonly logger = new Logger(ExportsService.name);

  /** Downloads streaming from this gateway now. */
  private streaming = 0;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: GatewayConfig,
  ) {}

  async create(caller: Caller, body: CreateExportDto): Promise<ExportView> {
    const after = body.created_after === undefined ? undefined : utcDate(body.created_after);
    const before = body.created_before === undefined ? undefined : utcDate(body.created_before);
    if (after && before && after >= before) {
      throw new BadRequestException('created_after must be earlier than created_before.');
    }
    if (
      body.import_id !== undefined &&
      !(await this.dataSource
        .getRepository(ImportRecord)
        .existsBy({ id: body.import_id, workspaceId: caller.workspaceId }))
    ) {
      throw new NotFoundException(`No import ${body.import_id} in this workspace.`);
    }
    if (
      body.batch_id !== undefined &&
      !(await this.dataSource
        .getRepository(Batch)
        .existsBy({ id: body.batch_id, workspaceId: caller.workspaceId }))
    ) {
      throw new NotFoundException(`No batch ${body.batch_id} in this workspace.`);
    }
    const filters: ExportFilters = {
      ...(body.import_id === undefined ? {} : { import_id: body.import_id }),
      ...(body.batch_id === undefined ? {} : { batch_id: body.batch_id }),
      ...(body.status === undefined ? {} : { status: body.status }),
      ...(body.type === undefined ? {} : { type: body.type }),
      ...(after === undefined ? {} : { created_after: after.toISOString() }),
      ...(before === undefined ? {} : { created_before: before.toISOString() }),
    };
    const exports = this.dataSource.getRepository(ExportRecord);
    const saved = await exports.save(
      exports.create({
        workspaceId: caller.workspaceId,
        apiKeyId: caller.apiKeyId,
        format: body.format,
        filters,
      }),
    );
    return viewOf(saved);
  }

  /** The caller's export; another workspace's is indistinguishable from a missing one (404). */
  async find(caller: Caller, id: string): Promise<ExportRecord> {
    const found = await this.dataSource
      .getRepository(ExportRecord)
      .findOneBy({ id, workspaceId: caller.workspaceId });
    if (!found) {
      throw new NotFoundException(`No export ${id} in this workspace.`);
    }
    return found;
  }

  /**
   * A slot to stream one export, or null when EXPORT_MAX_CONCURRENT downloads already stream from
   * this gateway. A stream holds a pooled connection for as long as its client takes to read, so
   * slow downloads without a bound would take the whole pool and stall every other request.
   * Release the slot when the stream ends, however it ends.
   */
  reserveStream(): (() => void) | null {
    if (this.streaming >= this.config.exportMaxConcurrent) {
      return null;
    }
    this.streaming += 1;
    let released = false;
    return () => {
      if (!released) {
        released = true;
        this.streaming -= 1;
      }
    };
  }

  /**
   * Writes the export's jobs to `out`, oldest first, read through a server-side cursor
   * (pg-query-stream) a batch at a time and written as fast as the client takes them: memory stays
   * one batch whatever the number of jobs. The connection is held for the stream and given back
   * (or dropped, if the stream broke off) at its end.
   */
  async write(caller: Caller, saved: ExportRecord, format: ExportFormat, out: Writable): Promise<void> {
    const pool = (this.dataSource.driver as PostgresDriver).master as Pool;
    const client: PoolClient = await pool.connect();
    let broken = false;
    try {
      const filters = saved.filters;
      const rows = client.query(
        new QueryStream(
          `SELECT r.id, r.type, r.status, r.input, r.result, r.error, r.created_at, r.completed_at,
                  COALESCE((SELECT sum(s.credits) FROM enrichment_steps s
                             WHERE s.request_id = r.id AND s.workspace_id = r.workspace_id), 0) AS credits_spent
             FROM enrichment_requests r
            WHERE r.workspace_id = $1
              AND ($2::uuid IS NULL OR r.import_id = $2)
              AND ($3::text IS NULL OR r.status = $3)
              AND ($4::text IS NULL OR r.type = $4)
              AND ($5::timestamptz IS NULL OR r.created_at >= $5)
              AND ($6::timestamptz IS NULL OR r.created_at < $6)
              AND ($7::uuid IS NULL OR r.batch_id = $7)
              -- An import's or a batch's job that was retried is listed as its retry (which keeps both).
              AND (($2::uuid IS NULL AND $7::uuid IS NULL)
                   OR NOT EXISTS (SELECT 1 FROM enrichment_requests n WHERE n.retry_of = r.id))
            ORDER BY r.created_at, r.id`,
          [
            caller.workspaceId,
            filters.import_id ?? null,
            filters.status ?? null,
            filters.type ?? null,
            filters.created_after ?? null,
            filters.created_before ?? null,
            filters.batch_id ?? null,
          ],
          { batchSize: CURSOR_BATCH },
        ),
      );
      if (format === 'csv') {
        await pipeline(
          rows,
          new Transform({
            objectMode: true,
            transform: (job: ExportedJob, _encoding, done) => done(null, csvRowOf(job)),
          }),
          stringify({ header: true, columns: [...EXPORT_CSV_COLUMNS] }),
          out,
        );
      } else {
        await pipeline(
          rows,
          new Transform({
            writableObjectMode: true,
            transform: (job: ExportedJob, _encoding, done) =>
              done(null, `${JSON.stringify(jsonLineOf(job))}\n`),
          }),
          out,
        );
      }
    } catch (error) {
      broken = true;
      this.logger.warn({ msg: 'export stream ended early', exportId: saved.id, error: String(error) });
      throw error;
    } finally {
      // A cursor cut off mid-way leaves its connection in an unknown state: drop it.
      client.release(broken);
    }
  }
}

export function viewOf(saved: ExportRecord): ExportView {
  return { id: saved.id, url: `/v1/exports/${saved.id}`, format: saved.format, filters: saved.filters };
}
