/**
 * Streaming CSV ingest of track catalogues into a TrackTable.
 *
 * The file is read in byte chunks and scanned by TrackCsvParser (track-csv-parser.ts: the RFC 4180
 * scanner, with header-record.ts, column-layout.ts, record-boundary.ts and track-columns.ts), so
 * the file is never one string in memory and every input is read in linear time. Only regular
 * files are read; a directory, pipe or device, an unreadable file and UTF-16 text are input errors.
 *
 * Cleaning, in order: rows that fail validation throw (or, with `lenient`, are dropped and listed
 * in `report.rejected`); rows repeating an earlier non-empty id are dropped (`duplicates`);
 * non-required feature columns more than `maxMissingFraction` empty (default 50 %) are dropped
 * (`droppedColumns`); then remaining gaps are filled or their rows dropped per `missing`.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { OPTIONAL_FEATURES } from '../../core/data/features.ts';
import type { TrackTable } from '../../core/data/track-table.ts';
import { InputError } from '../../core/common/errors.ts';
import { dropSparseColumns, imputeMissing, type MissingStrategy, type SparseColumn } from '../../core/data/clean.ts';
import type { ColumnMapping } from './header.ts';
import { TrackCsvParser, type RejectedRow } from './track-csv-parser.ts';

export type { ColumnMapping, ColumnKind } from './header.ts';
export type { MissingStrategy } from '../../core/data/clean.ts';
export type { RejectedRow } from './track-csv-parser.ts';

export interface ReadOptions {
  /** Drop invalid rows (listed in report.rejected) instead of throwing. Default false. */
  lenient: boolean;
  /** How gaps in the feature columns are handled. Default 'median'. */
  missing: MissingStrategy;
  /**
   * A feature column that is not required and has more than this share of empty cells is dropped
   * from the table (and reported in droppedColumns / missingOptional). Default 0.5.
   */
  maxMissingFraction: number;
  /** Drop rows whose non-empty id already appeared (keeping the first). Default true. */
  dedupe: boolean;
  /** Treat a repeated id as invalid input (an error, or a rejected row when lenient). Default false. */
  uniqueIds: boolean;
  /** Extra cell texts meaning "missing" in feature columns (an empty cell always does). Default none. */
  naValues: readonly string[];
  /** Called after every chunk with the bytes read so far and the file size. */
  onProgress?: (bytesRead: number, totalBytes: number) => void;
  /** Read chunk size in bytes. Default 1 MiB. */
  chunkSize: number;
}

export interface IngestReport {
  file: string;
  /** Data records in the file (header and blank lines not counted). */
  rowsRead: number;
  /** Rows in the returned table. */
  rowsKept: number;
  /** Rows dropped because their id already appeared earlier in the file. */
  duplicates: number;
  /** Cells filled per feature column (mean / median strategies). */
  imputed: Record<string, number>;
  /** The value used to fill each imputed column. */
  fillValues: Record<string, number>;
  /** Rows dropped by the 'drop' strategy because a feature was missing. */
  droppedMissing: number;
  /** Rows dropped in lenient mode, with the reason. */
  rejected: RejectedRow[];
  /** OPTIONAL_FEATURES absent from the table (not in the file, or dropped as too sparse). */
  missingOptional: string[];
  /** Feature columns dropped because they were entirely or mostly empty. */
  droppedColumns: SparseColumn[];
  columns: ColumnMapping[];
  bytes: number;
}

export interface IngestResult {
  table: TrackTable;
  report: IngestReport;
}

export const DEFAULT_READ_OPTIONS: Readonly<ReadOptions> = {
  lenient: false,
  missing: 'median',
  maxMissingFraction: 0.5,
  naValues: [],
  dedupe: true,
  uniqueIds: false,
  chunkSize: 1 << 20,
};

function resolveOptions(options?: Partial<ReadOptions>): ReadOptions {
  const o: ReadOptions = { ...DEFAULT_READ_OPTIONS, ...options };
  if (!['mean', 'median', 'drop'].includes(o.missing)) {
    throw new InputError(`unknown missing-value strategy "${String(o.missing)}"`, { expected: 'mean, median or drop' });
  }
  return o;
}

/** Shared tail of both readers: empty-file checks, sparse columns, imputation, report. */
function finishIngest(parser: TrackCsvParser, file: string, bytes: number, opts: ReadOptions): IngestResult {
  parser.finish();
  const report: IngestReport = {
    file,
    rowsRead: parser.rowsRead,
    rowsKept: parser.kept,
    duplicates: parser.duplicates,
    imputed: {},
    fillValues: {},
    droppedMissing: 0,
    rejected: parser.rejected,
    missingOptional: [],
    droppedColumns: [],
    columns: parser.columns,
    bytes,
  };
  if (report.rowsRead === 0) throw new InputError('file has a header but no data rows', { file });
  let table = parser.table();

  if (table.rowCount > 0) {
    const required = parser.required;
    const emptyRequired = required.filter((f) => {
      const col = table.numeric[f];
      for (let i = 0; i < col.length; i++) if (col[i] === col[i]) return false;
      return true;
    });
    if (emptyRequired.length) {
      throw new InputError(`required column${emptyRequired.length > 1 ? 's' : ''} ${emptyRequired.join(', ')} ha${emptyRequired.length > 1 ? 've' : 's'} no values`, {
        file,
        column: emptyRequired.join(', '),
        expected: 'at least some values',
      });
    }
    const sparse = dropSparseColumns(table, opts.maxMissingFraction, required);
    table = sparse.table;
    report.droppedColumns = sparse.dropped;
    const cleaned = imputeMissing(table, opts.missing);
    table = cleaned.table;
    report.imputed = cleaned.imputed;
    report.fillValues = cleaned.fillValues;
    report.droppedMissing = cleaned.droppedRows;
  }
  report.missingOptional = OPTIONAL_FEATURES.filter((f) => !(f in table.numeric));
  report.rowsKept = table.rowCount;
  return { table, report };
}

/** A file system error while opening or reading `path`, as an input error. */
function unreadable(path: string, e: unknown): InputError {
  const err = e as NodeJS.ErrnoException;
  if (err.code === 'ENOENT') return new InputError('file not found', { file: path });
  const what = err.code === 'EACCES' || err.code === 'EPERM' ? 'permission denied' : (err.code ?? String(e));
  return new InputError(`cannot read file (${what})`, { file: path });
}

/** Streams a track CSV from disk into a TrackTable. Throws InputError on bad input (see ReadOptions.lenient). */
export async function readTracksCsv(path: string, options?: Partial<ReadOptions>): Promise<IngestResult> {
  const opts = resolveOptions(options);
  let total: number;
  try {
    const s = await stat(path);
    if (!s.isFile()) throw new InputError(`is ${s.isDirectory() ? 'a directory' : s.isFIFO() ? 'a named pipe (FIFO)' : s.isSocket() ? 'a socket' : 'a device'}, not a CSV file`, { file: path, expected: 'a regular file' });
    total = s.size;
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw unreadable(path, e);
  }
  const parser = new TrackCsvParser(path, opts);
  parser.expectSize(total);
  let read = 0;
  const stream = createReadStream(path, { highWaterMark: opts.chunkSize });
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      parser.push(chunk);
      read += chunk.length;
      opts.onProgress?.(read, total);
    }
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw unreadable(path, e);
  } finally {
    stream.destroy();
  }
  return finishIngest(parser, path, read, opts);
}

/** Parses CSV text with the same scanner (for tests and small inputs). `name` is used in messages. */
export function readTracksCsvText(text: string, name = '<text>', options?: Partial<ReadOptions>): IngestResult {
  const opts = resolveOptions(options);
  const bytes = Buffer.from(text, 'utf8');
  const parser = new TrackCsvParser(name, opts);
  parser.push(bytes);
  return finishIngest(parser, name, bytes.length, opts);
}
