import { createHash, type Hash } from 'node:crypto';
import { type Readable, Transform, type TransformCallback } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import {
  BadRequestException,
  PayloadTooLargeException,
  ServiceUnavailableException,
  UnsupportedMediaTypeException,
} from '@nestjs/common';
import busboy from 'busboy';
import type { Request } from 'express';
import { IMPORT_SETTING_NAMES, type RawImportSettings } from './import-settings';

/** The upload itself broke off (the client went away, the form ended early): not the file's fault. */
export class UploadBrokenError extends Error {}

/**
 * The gateway is shutting down and stopped reading the upload (see `ImportsService.run`): the
 * client is not at fault and may send the file again (to another replica) to resume. A 503.
 */
export class GatewayClosingError extends UploadBrokenError {}

/**
 * An upload that broke off before anything of it was written is answered as the request's fault: a
 * 400 saying so (heard only by a client that is still there); one the gateway stopped reading as it
 * shuts down, a 503. Other errors are left as they are.
 */
export function asBadRequest<E>(error: E): E | BadRequestException | ServiceUnavailableException {
  if (error instanceof GatewayClosingError) {
    return new ServiceUnavailableException(`${error.message} Send the file again.`);
  }
  return error instanceof UploadBrokenError ? new BadRequestException(error.message) : error;
}

/**
 * The names clients give a CSV file: browsers on Windows with Excel installed send .csv files as
 * application/vnd.ms-excel, older browsers and tools as text/x-csv or text/comma-separated-values,
 * and browsers send a .tsv file (read with its tab separator) as text/tab-separated-values.
 */
const LEGACY_CSV_TYPES = [
  'text/x-csv',
  'application/x-csv',
  'text/comma-separated-values',
  'text/tab-separated-values',
];
/** Media types browsers and tools give a `.csv` file part. */
const CSV_PART_TYPES = [
  'text/csv',
  'text/plain',
  'application/csv',
  'application/vnd.ms-excel',
  'application/octet-stream',
  ...LEGACY_CSV_TYPES,
];
/** The form part that holds the CSV. */
const FILE_PART = 'file';
/** Raw bodies: the CSV itself. */
const CSV_BODY_TYPES = ['text/csv', 'application/csv', 'text/plain', ...LEGACY_CSV_TYPES];
/** Room for the multipart envelope and the form fields around the file. */
const FORM_OVERHEAD_BYTES = 1024 * 1024;

/**
 * The Content-Encodings an upload may come in, each read by a node:zlib stream as it arrives: the
 * ones the JSON routes' parser (body-parser) reads, so that a client compressing its bodies one way
 * is answered alike on every route. body-parser keeps its table of decoders to itself (and reads
 * whole bodies), so the table is repeated here; zlib's streams do the decoding.
 */
const DECODERS: Readonly<Record<string, () => Transform>> = {
  gzip: createGunzip,
  deflate: createInflate,
  br: createBrotliDecompress,
};

/** An import's CSV, arriving: its settings and its bytes, read only as fast as they are consumed. */
export interface CsvUpload {
  settings: RawImportSettings;
  /**
   * The file's bytes, counted against the limit and hashed as they pass. Read it through
   * `pipeline()` or `finished()`: it may have failed (the upload broke off) before anyone reads it,
   * and only those report an error that came before them.
   */
  file: Readable;
  /** Settles once the whole request has been read; rejects when a form part followed the file. */
  finished(): Promise<void>;
  /** Drops the rest of the upload unread (after a refusal), so the answer can go out. */
  discard(): void;
  /** SHA-256 of the settings and the file's bytes; complete once `file` has been read to its end. */
  digest(): string;
}

/**
 * Counts and hashes the file's bytes on their way to the CSV parser, refusing a file over the size
 * limit (what the bytes are — UTF-8, UTF-16, or no text at all — is for the reader, `readCsvRows`).
 * Hand-written because it is a dozen lines: a pass-through with one check.
 */
class UploadTap extends Transform {
  private bytes = 0;
  private readonly hash: Hash;
  private digested: string | null = null;

  constructor(
    private readonly maxBytes: number,
    settings: RawImportSettings,
    /** The upload's Content-Encoding, when it came compressed: the limit counts the bytes decoded. */
    private readonly encoding: string | null,
  ) {
    super();
    this.hash = createHash('sha256').update(`${canonicalSettings(settings)}\n`);
    // The upload can break off (or its file be refused) from the moment the tap exists, while its
    // reader is still awaiting other things: the settings' callback URL, the import to resume. An
    // 'error' event nobody listens for would end the process, so it is always listened for here;
    // the error stays on the stream (`errored`), and the reader's pipeline() or finished() reports
    // it even when it came before they were called.
    this.on('error', () => undefined);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.maxBytes) {
      done(
        new PayloadTooLargeException(
          `The file is larger than the import limit of ${this.maxBytes} bytes${
            this.encoding ? ` (once decoded from its Content-Encoding, ${this.encoding})` : ''
          }; split it into smaller imports.`,
        ),
      );
      return;
    }
    this.hash.update(chunk);
    done(null, chunk);
  }

  digest(): string {
    this.digested ??= this.hash.digest('hex');
    return this.digested;
  }
}

/** The settings in a fixed order, so the same settings always hash the same. */
function canonicalSettings(settings: RawImportSettings): string {
  return JSON.stringify(Object.entries(settings).sort(([a], [b]) => a.localeCompare(b)));
}

function querySettings(request: Request): RawImportSettings {
  const settings: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.query)) {
    if (typeof value !== 'string') {
      throw new BadRequestException(`Query parameter ${name} may be given once, as text.`);
    }
    settings[name] = value;
  }
  return settings;
}

function mediaTypeOf(header: string | undefined): string {
  return (header ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/**
 * The request's Content-Encoding (lower case), or null for none or `identity`; a 415 for one that
 * {@link DECODERS} does not list, a list of several included.
 */
function contentEncodingOf(request: Request): string | null {
  const encoding = (request.headers['content-encoding'] ?? '').trim().toLowerCase();
  if (encoding === '' || encoding === 'identity') {
    return null;
  }
  if (!Object.hasOwn(DECODERS, encoding)) {
    throw new UnsupportedMediaTypeException(
      `The upload's Content-Encoding is ${encoding}, which POST /v1/imports does not decode; send the file uncompressed, or compressed with ${Object.keys(DECODERS).join(', ')}.`,
    );
  }
  return encoding;
}

/** An upload's body as its reader takes it: decoded, when it came compressed. */
interface UploadBody {
  /** The request itself, or the decoder it is piped into. */
  stream: Readable;
  /** Stops reading the body and lets the rest of the request go by unread (and undecoded). */
  drain(): void;
}

/**
 * The request's body, decoded as it arrives when it came with a Content-Encoding: nothing is held
 * beyond the decoder's own buffer, and the decoder writes only as fast as its output is read, so a
 * small body that decodes to far more than the limit (a compression bomb) is refused once the
 * limit's worth of it has been decoded. A body that does not decode as its Content-Encoding says is
 * the request's fault: `failed` gets a 400 naming the encoding.
 */
function uploadBody(request: Request, encoding: string | null, failed: (error: Error) => void): UploadBody {
  if (encoding === null) {
    return { stream: request, drain: () => request.resume() };
  }
  const decoder = DECODERS[encoding]();
  decoder.on('error', (error: Error) =>
    failed(
      new BadRequestException(
        `The upload could not be decoded as its Content-Encoding (${encoding}) says: ${error.message}. Send the file compressed with ${encoding}, or uncompressed without a Content-Encoding.`,
      ),
    ),
  );
  request.pipe(decoder);
  return {
    stream: decoder,
    drain: () => {
      request.unpipe(decoder);
      decoder.destroy();
      request.resume();
    },
  };
}

/** Calls `broke` when the client goes away before its request was fully read. */
function watchAbort(request: Request, broke: (error: Error) => void): void {
  // A client gone while its key was checked has had its 'close' already: no event would come.
  if (request.destroyed && !request.complete) {
    broke(new UploadBrokenError('The upload broke off: the client closed the connection.'));
    return;
  }
  request.on('error', (error) => broke(new UploadBrokenError(`The upload broke off: ${error.message}`)));
  request.on('close', () => {
    if (!request.complete) {
      broke(new UploadBrokenError('The upload broke off: the client closed the connection.'));
    }
  });
}

/**
 * Opens an import's upload: `multipart/form-data` (the settings as form fields before a file part,
 * or as query parameters) or a raw `text/csv` body (the settings as query parameters), either of
 * them compressed or not (Content-Encoding gzip, deflate or br; `maxBytes` then limits the file as
 * decoded, as the JSON routes' size limit does). Resolves as soon as the file starts; nothing of it
 * is buffered beyond the streams' own small buffers. Another media type, or another
 * Content-Encoding, is a 415.
 */
export async function openCsvUpload(request: Request, maxBytes: number): Promise<CsvUpload> {
  const settings = querySettings(request);
  const mediaType = mediaTypeOf(request.headers['content-type']);
  const multipart = mediaType === 'multipart/form-data';
  if (!multipart && !CSV_BODY_TYPES.includes(mediaType)) {
    throw new UnsupportedMediaTypeException(
      `POST /v1/imports takes multipart/form-data with the CSV as a file part, or a text/csv body; the request is ${mediaType || 'without a Content-Type'}.`,
    );
  }
  const encoding = contentEncodingOf(request);
  // A compressed body's length says nothing of the file's: only its decoded bytes are counted.
  const length = encoding === null ? Number(request.headers['content-length'] ?? Number.NaN) : Number.NaN;
  if (multipart) {
    if (length > maxBytes + FORM_OVERHEAD_BYTES) {
      throw new PayloadTooLargeException(
        `The upload is larger than the import limit of ${maxBytes} bytes; split it into smaller imports.`,
      );
    }
    return openForm(request, settings, maxBytes, encoding);
  }
  if (length > maxBytes) {
    throw new PayloadTooLargeException(
      `The file is larger than the import limit of ${maxBytes} bytes; split it into smaller imports.`,
    );
  }
  const tap = new UploadTap(maxBytes, settings, encoding);
  const body = uploadBody(request, encoding, (error) => tap.destroy(error));
  watchAbort(request, (error) => tap.destroy(error));
  body.stream.pipe(tap);
  return {
    settings,
    file: tap,
    finished: () => Promise.resolve(),
    discard: () => {
      body.stream.unpipe(tap);
      body.drain();
    },
    digest: () => tap.digest(),
  };
}

function openForm(
  request: Request,
  fromQuery: RawImportSettings,
  maxBytes: number,
  encoding: string | null,
): Promise<CsvUpload> {
  return new Promise<CsvUpload>((resolve, reject) => {
    let form: busboy.Busboy;
    try {
      form = busboy({
        headers: request.headers,
        limits: { fieldSize: 64 * 1024, fields: 20, parts: 40 },
      });
    } catch (error) {
      reject(new BadRequestException(`Malformed multipart request: ${(error as Error).message}`));
      return;
    }
    const settings: RawImportSettings = { ...fromQuery };
    let tap: UploadTap | null = null;
    let refusal: BadRequestException | null = null;
    let late: string | null = null;
    let fileStream: Readable | null = null;
    const closed = new Promise<void>((resolveClosed, rejectClosed) => {
      form.on('close', () => resolveClosed());
      form.on('error', (error: Error) => rejectClosed(error));
    });
    closed.catch(() => undefined); // read through finished()
    // A body that does not decode is no form at all: refused as it is, not as a broken upload.
    const body = uploadBody(request, encoding, (error) => (tap ? tap.destroy(error) : reject(error)));
    const broke = (error: Error): void => {
      if (tap) {
        tap.destroy(error);
      } else {
        reject(asBadRequest(error));
      }
    };
    form.on('field', (name: string, value: string, info: busboy.FieldInfo) => {
      if (tap) {
        late ??= `form field '${name}'`;
        return;
      }
      if (name === FILE_PART) {
        // busboy reads a part without a filename (and not application/octet-stream) as a text field.
        refusal ??= new BadRequestException(
          `The "${FILE_PART}" part has no filename, so it arrived as a text field; send the CSV as a file part with a filename (curl: -F ${FILE_PART}=@leads.csv).`,
        );
      } else if (info.valueTruncated) {
        refusal ??= new BadRequestException(`Form field ${name} is longer than 64 KiB.`);
      } else if (settings[name] !== undefined) {
        refusal ??= new BadRequestException(`Setting ${name} is given more than once.`);
      } else if (!(IMPORT_SETTING_NAMES as readonly string[]).includes(name)) {
        refusal ??= new BadRequestException(
          `Unknown form field ${name}; the settings are: ${IMPORT_SETTING_NAMES.join(', ')}, and the file part.`,
        );
      }
      settings[name] = value;
    });
    form.on('file', (name: string, stream: Readable, info: busboy.FileInfo) => {
      if (tap) {
        late ??= `a second file part ('${name}')`;
        stream.resume();
        return;
      }
      if (refusal === null && name !== FILE_PART) {
        refusal = new BadRequestException(
          `The form's file part is named '${name}'; send the CSV as a file part named "${FILE_PART}", and the settings as text fields.`,
        );
      }
      if (refusal === null && !CSV_PART_TYPES.includes(info.mimeType.toLowerCase())) {
        refusal = new BadRequestException(
          `The file part is ${info.mimeType}, not CSV; send a .csv file (text/csv).`,
        );
      }
      if (refusal) {
        stream.resume();
        body.stream.unpipe(form);
        body.drain();
        reject(refusal);
        return;
      }
      fileStream = stream;
      const current = new UploadTap(maxBytes, settings, encoding);
      tap = current;
      stream.on('error', (error: Error) =>
        current.destroy(new UploadBrokenError(`The upload broke off: ${error.message}`)),
      );
      stream.pipe(current);
      resolve({
        settings,
        file: current,
        finished: async () => {
          await closed.catch((error: Error) => {
            throw new UploadBrokenError(`The upload broke off: ${error.message}`);
          });
          if (late) {
            throw new BadRequestException(
              `The form sent ${late} after the file; send the settings before the file part, and one file.`,
            );
          }
        },
        discard: () => {
          fileStream?.unpipe(current);
          fileStream?.resume();
          body.stream.unpipe(form);
          body.drain();
        },
        digest: () => current.digest(),
      });
    });
    form.on('close', () => {
      if (!tap) {
        reject(
          refusal ??
            new BadRequestException(
              `The form has no file part; send the CSV as a file part named "${FILE_PART}".`,
            ),
        );
      }
    });
    form.on('error', (error: Error) =>
      broke(new UploadBrokenError(`Malformed multipart body: ${error.message}`)),
    );
    watchAbort(request, broke);
    body.stream.pipe(form);
  });
}
