/**
 * Streaming CSV ingest of track catalogues into a TrackTable.
 *
 * The file is read in byte chunks and cut into records by a hand-written RFC 4180 scanner
 * (comma separated, CRLF / LF / CR line ends, quoted fields with `""` escapes and embedded commas
 * and newlines, UTF-8 BOM). Numeric feature cells are parsed straight from the bytes
 * (see number.ts); only text columns are decoded to strings. At most one partial record is carried
 * between chunks, so the file is never one string in memory.
 *
 * Cleaning, in order: rows that fail validation throw (or, with `lenient`, are dropped and listed
 * in `report.rejected`); rows repeating an earlier non-empty id are dropped (`duplicates`);
 * non-required feature columns more than `maxMissingFraction` empty (default 50 %) are dropped
 * (`droppedColumns`); then remaining gaps are filled or their rows dropped per `missing`.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { FEATURE_SPEC, OPTIONAL_FEATURES, requiredFeaturesFor } from '../../core/data/features.ts';
import type { TrackTable } from '../../core/data/track-table.ts';
import { InputError } from '../../core/common/errors.ts';
import { dropSparseColumns, imputeMissing, type MissingStrategy, type SparseColumn } from '../../core/data/clean.ts';
import { EMPTY, INVALID, NOT_A_NUMBER, PARSED, parseNumberInto, parseNumberText, scanNumberField } from './number.ts';
import { IdIndex } from './id-set.ts';
import { FNV_OFFSET, fnvStep, TextInterner } from './text-interner.ts';
import { normaliseTrackId, planHeader, type ColumnMapping } from './header.ts';

export type { ColumnMapping, ColumnKind } from './header.ts';
export type { MissingStrategy } from '../../core/data/clean.ts';

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

export interface RejectedRow {
  /** 1-based record number, the header being row 1. */
  row: number;
  column?: string;
  message: string;
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

/** Longest record accepted; anything longer is almost certainly an unterminated quote. */
const MAX_RECORD_BYTES = 64 << 20;

const COMMA = 44;
const QUOTE = 34;
const LF = 10;
const CR = 13;

const K_IGNORED = 0;
const K_NUMERIC = 1;
const K_TEXT = 2;

/** Node's Buffer has these (undocumented but long-standing) fast slice decoders. */
interface FastSlices {
  latin1Slice(start: number, end: number): string;
}

/** Incremental parser: feed byte chunks with push(), then call finish(). */
class TrackCsvParser {
  private readonly opts: ReadOptions;
  private readonly file: string;
  private readonly naValues: Set<string>;

  private leftover: Buffer | null = null;
  private started = false;
  private header: string[] | null = null;
  /** Header index of the column ids are read from first (for error messages). */
  private idSourceColumn = -1;

  // Layout, set from the header.
  private ncols = 0;
  private kinds = new Uint8Array(0);
  private slots = new Int32Array(0);
  private columns: ColumnMapping[] = [];
  private numericNames: string[] = [];
  private numericMin = new Float64Array(0);
  private numericMax = new Float64Array(0);
  private textNames: string[] = [];
  private idSlots: number[] = [];
  /** By header column: the interner of a text column that is not an id source, else null. */
  private interners: (TextInterner | null)[] = [];
  private idSlot = -1;
  /** Feature columns this file must have (fewer for a catalogue measured by `analyze`). */
  required: readonly string[] = [];

  // Output.
  /**
   * Output columns. A record is parsed straight into index `kept`; committing it just increments
   * `kept`, and a rejected or duplicate record is overwritten by the next one.
   */
  private numOut: Float64Array[] = [];
  private capacity = 1024;
  private textOut: string[][] = [];
  private kept = 0;
  private idIndex: IdIndex | null = null;

  // Counters.
  /** Record number of the last completed record (header = 1). */
  private row = 0;
  /** Physical line number at the start of the next record. */
  private line = 1;
  rowsRead = 0;
  duplicates = 0;
  rejected: RejectedRow[] = [];

  constructor(file: string, opts: ReadOptions) {
    this.file = file;
    this.opts = opts;
    this.naValues = new Set(opts.naValues.map((s) => s.trim()));
  }

  /** Size of the whole input, when known: the output is sized from it once a few rows are read. */
  private expectedBytes = 0;
  private bytesFed = 0;

  push(chunk: Buffer): void {
    this.feed(chunk, false);
    this.bytesFed += chunk.length;
    if (this.expectedBytes > 0 && this.rowsRead >= 256) {
      // Rows of the whole file at this rate, plus 2 %: one allocation instead of a dozen
      // doublings, and a final table that needs no trimming copy.
      const estimate = Math.ceil((this.expectedBytes / this.bytesFed) * this.rowsRead * 1.02) + 64;
      this.expectedBytes = 0;
      if (estimate > this.capacity) this.grow(estimate);
    }
  }

  expectSize(bytes: number): void {
    this.expectedBytes = bytes;
  }

  finish(): void {
    this.feed(Buffer.alloc(0), true);
    if (this.header === null) throw new InputError('file is empty (no header row)', { file: this.file, row: 1, expected: 'a header row naming the columns' });
  }

  private feed(chunk: Buffer, eof: boolean): void {
    let data = this.leftover ? (chunk.length ? Buffer.concat([this.leftover, chunk]) : this.leftover) : chunk;
    this.leftover = null;
    let pos = 0;
    if (!this.started) {
      if (data.length < 3 && !eof) {
        this.leftover = data.length ? Buffer.from(data) : null;
        return;
      }
      if (data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf) pos = 3;
      this.started = true;
    }
    if (this.header === null) {
      const r = this.scanHeader(data, pos, eof);
      if (r < 0) {
        this.carry(data, pos);
        return;
      }
      pos = r;
      if (this.header === null) return; // eof without header
    }
    const consumed = this.scanRows(data, pos, eof);
    if (consumed < data.length) {
      if (eof) throw new Error('internal: scanner stopped before end of input');
      this.carry(data, consumed);
    }
  }

  private carry(data: Buffer, from: number): void {
    if (data.length - from > MAX_RECORD_BYTES) {
      throw new InputError(`a record longer than ${MAX_RECORD_BYTES >> 20} MiB (unterminated quoted field?)`, {
        file: this.file,
        row: this.row + 1,
      });
    }
    this.leftover = data.subarray(from);
  }

  /** Reads the header record. Returns the offset after it, or -1 if more input is needed. */
  private scanHeader(data: Buffer, start: number, eof: boolean): number {
    const end = data.length;
    let pos = start;
    // Skip blank lines before the header.
    while (pos < end && (data[pos] === LF || data[pos] === CR)) {
      if (data[pos] === LF) this.line++;
      else if (pos + 1 >= end || data[pos + 1] !== LF) this.line++;
      pos++;
    }
    if (pos >= end) return eof ? end : -1;
    const fields: string[] = [];
    for (;;) {
      let text: string;
      if (data[pos] === QUOTE) {
        const q = this.findClosingQuote(data, pos + 1, eof, true);
        if (q < 0) return -1;
        text = data.toString('utf8', pos + 1, q).replaceAll('""', '"');
        pos = q + 1;
        if (pos < end && data[pos] !== COMMA && data[pos] !== LF && data[pos] !== CR) {
          throw new InputError('unexpected character after a closing quote in the header', { file: this.file, row: 1 });
        }
      } else {
        const s = pos;
        while (pos < end && data[pos] !== COMMA && data[pos] !== LF && data[pos] !== CR) pos++;
        text = data.toString('utf8', s, pos);
      }
      if (pos >= end && !eof) return -1;
      fields.push(text);
      if (pos >= end) break;
      const c = data[pos];
      if (c === COMMA) {
        pos++;
        continue;
      }
      if (c === CR) {
        if (pos + 1 >= end && !eof) return -1;
        pos += pos + 1 < end && data[pos + 1] === LF ? 2 : 1;
      } else pos++;
      break;
    }
    this.line++;
    this.row = 1;
    this.setHeader(fields);
    return pos;
  }

  /**
   * Index of the quote closing a quoted field whose content starts at `from`, skipping `""` pairs.
   * -1 when the input ends first and more may come. Counts embedded line feeds when `countLines`.
   */
  private findClosingQuote(data: Buffer, from: number, eof: boolean, countLines: boolean): number {
    const end = data.length;
    let pos = from;
    for (;;) {
      const q = data.indexOf(QUOTE, pos);
      if (countLines) {
        const stop = q < 0 ? end : q;
        for (let i = pos; i < stop; i++) if (data[i] === LF) this.pendingLines++;
      }
      if (q < 0) {
        if (!eof) return -1;
        throw new InputError('quoted field is never closed', { file: this.file, row: this.row + 1 });
      }
      if (q + 1 >= end) return eof ? q : -1;
      if (data[q + 1] === QUOTE) {
        pos = q + 2;
        continue;
      }
      return q;
    }
  }

  /** Line feeds inside quoted fields of the record being scanned. */
  private pendingLines = 0;

  private setHeader(header: string[]): void {
    this.header = header;
    const plan = planHeader(header);
    this.columns = plan.columns;
    this.ncols = header.length;
    this.kinds = new Uint8Array(this.ncols);
    this.slots = new Int32Array(this.ncols).fill(-1);
    const present = new Set<string>();
    for (let i = 0; i < this.ncols; i++) {
      const c = plan.columns[i];
      if (c.kind === 'feature') {
        this.kinds[i] = K_NUMERIC;
        this.slots[i] = this.numericNames.length;
        this.numericNames.push(c.canonical);
        present.add(c.canonical);
        this.numOut.push(new Float64Array(this.capacity));
      } else if (c.kind === 'text') {
        this.kinds[i] = K_TEXT;
        this.slots[i] = this.textNames.length;
        this.textNames.push(c.canonical);
        this.textOut.push([]);
      }
    }
    this.numericMin = Float64Array.from(this.numericNames, (n) => FEATURE_SPEC.get(n)!.min);
    this.numericMax = Float64Array.from(this.numericNames, (n) => FEATURE_SPEC.get(n)!.max);
    this.idSlots = plan.idSources.map((i) => this.slots[i]);
    this.interners = this.columns.map((c, i) => (c.kind === 'text' && !plan.idSources.includes(i) ? new TextInterner() : null));
    this.idSourceColumn = plan.idSources.length ? plan.idSources[0] : -1;
    this.idSlot = this.idSlots.length ? this.idSlots[0] : -1;
    if (this.idSlot >= 0 && this.opts.dedupe) this.idIndex = new IdIndex(this.textOut[this.idSlot]);

    this.required = requiredFeaturesFor(this.columns.map((c) => c.canonical));
    const missing = this.required.filter((f) => !present.has(f));
    if (missing.length) {
      throw new InputError(
        `missing required column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}; columns found: ${header.join(', ')}`,
        { file: this.file, row: 1, column: missing.join(', '), expected: `columns ${this.required.join(', ')}` },
      );
    }
  }

  /** Scans data records from `start`. Returns the offset of the first unconsumed byte. */
  private scanRows(data: Buffer, start: number, eof: boolean): number {
    const end = data.length;
    const ncols = this.ncols;
    const kinds = this.kinds;
    const slots = this.slots;
    let numOut = this.numOut;
    const textOut = this.textOut;
    const interners = this.interners;
    const min = this.numericMin;
    const max = this.numericMax;
    let pos = start;

    while (pos < end) {
      const recStart = pos;
      let c = data[pos];
      // Blank line: skipped, but it still counts as a line.
      if (c === LF) {
        pos++;
        this.line++;
        continue;
      }
      if (c === CR) {
        if (pos + 1 >= end && !eof) return recStart;
        pos += pos + 1 < end && data[pos + 1] === LF ? 2 : 1;
        this.line++;
        continue;
      }

      if (this.kept >= this.capacity) numOut = this.grow();
      const at = this.kept;
      this.pendingLines = 0;
      let col = 0;
      let errCol = -1;
      let errMsg = '';
      let errExpected = '';
      for (;;) {
        let fs: number;
        let fe: number;
        let quoted = false;
        let escaped = false;
        let hi = 0;
        /** Status of an unquoted numeric field, parsed while its end was found (−1: not yet parsed). */
        let numStatus = -1;
        /** The interner of an unquoted text field whose bytes were hashed while its end was found. */
        let interner: TextInterner | null = null;
        let hash = FNV_OFFSET;
        if (pos < end && data[pos] === QUOTE) {
          quoted = true;
          fs = pos + 1;
          const q = this.findClosingQuote(data, fs, eof, true);
          if (q < 0) return recStart;
          fe = q;
          // `""` inside the field?
          escaped = data.indexOf(QUOTE, fs) < q;
          pos = q + 1;
          if (pos < end) {
            c = data[pos];
            if (c !== COMMA && c !== LF && c !== CR) {
              if (errCol < 0) {
                errCol = col;
                errMsg = 'unexpected character after a closing quote';
                errExpected = 'a comma or line end after a quoted field';
              }
              while (pos < end && data[pos] !== COMMA && data[pos] !== LF && data[pos] !== CR) pos++;
              if (pos >= end && !eof) return recStart;
            }
          }
        } else if (col < ncols && kinds[col] === K_NUMERIC) {
          fs = pos;
          const r = scanNumberField(data, pos, end, numOut[slots[col]], at);
          pos = r >> 2;
          if (pos >= end && !eof) return recStart;
          fe = pos;
          numStatus = r & 3;
        } else if (col < ncols && (interner = interners[col]) !== null && interner.enabled) {
          fs = pos;
          while (pos < end) {
            c = data[pos];
            if (c === COMMA || c === LF || c === CR) break;
            hi |= c;
            hash = fnvStep(hash, c);
            pos++;
          }
          if (pos >= end && !eof) return recStart;
          fe = pos;
        } else {
          interner = null;
          fs = pos;
          while (pos < end) {
            c = data[pos];
            if (c === COMMA || c === LF || c === CR) break;
            hi |= c;
            pos++;
          }
          if (pos >= end && !eof) return recStart;
          fe = pos;
        }

        if (col < ncols) {
          const kind = kinds[col];
          if (kind === K_NUMERIC) {
            const slot = slots[col];
            let status: number;
            if (numStatus >= 0) status = numStatus;
            else if (escaped) {
              const r = parseNumberText(data.toString('utf8', fs, fe).replaceAll('""', '"'));
              numOut[slot][at] = r === NOT_A_NUMBER ? NaN : r;
              status = r === NOT_A_NUMBER ? INVALID : r !== r ? EMPTY : PARSED;
            } else status = parseNumberInto(data, fs, fe, numOut[slot], at);
            if (status === INVALID) {
              const text = data.toString('utf8', fs, fe).trim();
              if (!this.naValues.has(text) && errCol < 0) {
                errCol = col;
                errMsg = `"${text.length > 40 ? text.slice(0, 40) + '…' : text}" is not a number`;
                errExpected = `a number in [${min[slot]}, ${max[slot]}] or an empty cell`;
              }
            } else if (status === PARSED) {
              const v = numOut[slot][at];
              if ((v < min[slot] || v > max[slot]) && errCol < 0) {
                errCol = col;
                errMsg = `${v} is out of range`;
                errExpected = `a value in [${min[slot]}, ${max[slot]}]`;
              }
            }
          } else if (kind === K_TEXT) {
            let s: string;
            if (quoted) {
              s = data.toString('utf8', fs, fe);
              if (escaped) s = s.replaceAll('""', '"');
            } else if (hi < 128) s = interner !== null ? interner.get(data, fs, fe, hash) : (data as unknown as FastSlices).latin1Slice(fs, fe);
            else s = data.toString('utf8', fs, fe);
            textOut[slots[col]][at] = s;
          }
        }
        col++;

        if (pos >= end) break; // eof: record ends with the input
        c = data[pos];
        if (c === COMMA) {
          pos++;
          continue;
        }
        if (c === LF) {
          pos++;
        } else {
          // CR or CRLF
          if (pos + 1 >= end && !eof) return recStart;
          pos += pos + 1 < end && data[pos + 1] === LF ? 2 : 1;
        }
        break;
      }

      this.row++;
      const line = this.line;
      this.line += 1 + this.pendingLines;
      this.rowsRead++;
      this.endRecord(col, errCol, errMsg, errExpected, line);
    }
    return pos;
  }

  private endRecord(fieldCount: number, errCol: number, errMsg: string, errExpected: string, line: number): void {
    if (fieldCount !== this.ncols || errCol >= 0) this.reject(fieldCount, errCol, errMsg, errExpected, line);
    else this.commit();
  }

  private reject(fieldCount: number, errCol: number, errMsg: string, errExpected: string, line: number): void {
    const row = this.row;
    const lineNote = line !== row ? ` (line ${line})` : '';
    if (fieldCount !== this.ncols) {
      // Name the first column the row fails to fill (or the first one past the header) so the
      // user can find the break in a spreadsheet.
      const column = fieldCount < this.ncols ? this.header![fieldCount] : `field ${this.ncols + 1} (after "${this.header![this.ncols - 1]}")`;
      const what = fieldCount < this.ncols ? 'ends before this column' : 'has more fields than the header';
      this.fail(row, column, `row has ${fieldCount} field${fieldCount === 1 ? '' : 's'} and ${what}${lineNote}`, `${this.ncols} fields like the header`);
      return;
    }
    if (errCol >= 0) {
      this.fail(row, this.header![errCol], errMsg + lineNote, errExpected);
    }
  }

  private commit(): void {
    if (this.idSlot >= 0) {
      const textOut = this.textOut;
      const at = this.kept;
      let id = '';
      for (const s of this.idSlots) {
        id = normaliseTrackId(textOut[s][at]);
        if (id !== '') break;
      }
      textOut[this.idSlot][at] = id;
      if (id !== '' && this.idIndex !== null) {
        const h = IdIndex.hash(id);
        if (this.idIndex.has(id, h)) {
          if (this.opts.uniqueIds) {
            this.fail(this.row, this.header![this.idSourceColumn], `duplicate id "${id}" already appeared on an earlier row`, 'each id once (drop --unique-ids to keep the first and count the rest)');
            return;
          }
          this.duplicates++;
          return;
        }
        this.idIndex.add(at, h);
      }
    }
    this.kept++;
  }

  /** Doubles the output capacity (or raises it to `capacity`); returns the new numeric columns. */
  private grow(capacity = this.capacity * 2): Float64Array[] {
    this.capacity = capacity;
    this.numOut = this.numOut.map((col) => {
      const next = new Float64Array(this.capacity);
      next.set(col);
      return next;
    });
    return this.numOut;
  }

  private fail(row: number, column: string | undefined, message: string, expected: string): void {
    if (this.opts.lenient) {
      this.rejected.push({ row, column, message: column !== undefined ? `column "${column}": ${message}` : message });
      return;
    }
    throw new InputError(message, { file: this.file, row, column, expected });
  }

  table(): TrackTable {
    const numeric: Record<string, Float64Array> = {};
    // Within 1/32 of the capacity the columns are used in place rather than copied.
    const tight = this.capacity - this.kept <= this.capacity >> 5;
    this.numericNames.forEach((n, k) => {
      numeric[n] = tight ? this.numOut[k].subarray(0, this.kept) : this.numOut[k].slice(0, this.kept);
    });
    const text: Record<string, string[]> = {};
    this.textNames.forEach((n, k) => {
      const col = this.textOut[k];
      if (col.length > this.kept) col.length = this.kept;
      text[n] = col;
    });
    return { rowCount: this.kept, numeric, text };
  }

  report(bytes: number): IngestReport {
    return {
      file: this.file,
      rowsRead: this.rowsRead,
      rowsKept: this.kept,
      duplicates: this.duplicates,
      imputed: {},
      fillValues: {},
      droppedMissing: 0,
      rejected: this.rejected,
      missingOptional: [],
      droppedColumns: [],
      columns: this.columns,
      bytes,
    };
  }
}

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
  const report = parser.report(bytes);
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

/** Streams a track CSV from disk into a TrackTable. Throws InputError on bad input (see ReadOptions.lenient). */
export async function readTracksCsv(path: string, options?: Partial<ReadOptions>): Promise<IngestResult> {
  const opts = resolveOptions(options);
  let total: number;
  try {
    total = (await stat(path)).size;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(code === 'ENOENT' ? 'file not found' : `cannot read file (${code ?? String(e)})`, { file: path });
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
