/**
 * The incremental scanner of track CSVs: feed byte chunks with push(), then call finish().
 *
 * Records are cut by a hand-written RFC 4180 scanner (comma separated, CRLF / LF / CR line ends,
 * quoted fields with `""` escapes and embedded commas and newlines). Numeric feature cells are
 * parsed straight from the bytes (number.ts); only text columns are decoded to strings. At most
 * one partial record is carried between chunks, and while it grows each new byte is looked at
 * once (record-boundary.ts), so every input is read in time linear in its size.
 */
import { escapeControls, InputError, oddCharacter } from '../../core/common/errors.ts';
import type { TrackTable } from '../../core/data/track-table.ts';
import { COMMA, CR, LF, MAX_RECORD_BYTES, QUOTE } from './csv-bytes.ts';
import { ColumnLayout, K_NUMERIC, K_TEXT } from './column-layout.ts';
import { REQUIRED_FEATURES } from '../../core/data/features.ts';
import { normaliseTrackId, type ColumnMapping } from './header.ts';
import { scanHeaderRecord } from './header-record.ts';
import { IdIndex } from './id-set.ts';
import { EMPTY, INVALID, NOT_A_NUMBER, PARSED, parseNumberInto, parseNumberText, scanNumberField } from './number.ts';
import { closingQuote, NEED_MORE, NEVER_CLOSED } from './quoted-field.ts';
import { RecordBoundary } from './record-boundary.ts';
import { BOM_PROBE_BYTES, byteOrderMarkLength } from './text-encoding.ts';
import { FNV_OFFSET, fnvStep, type TextInterner } from './text-interner.ts';
import { TrackColumns } from './track-columns.ts';

export interface ParserOptions {
  lenient: boolean;
  dedupe: boolean;
  uniqueIds: boolean;
  naValues: readonly string[];
}

export interface RejectedRow {
  /** 1-based record number, the header being row 1. */
  row: number;
  column?: string;
  message: string;
}

/** Node's Buffer has these (undocumented but long-standing) fast slice decoders. */
interface FastSlices {
  latin1Slice(start: number, end: number): string;
}

/** A cell's text for a message: trimmed, at most 40 characters, control characters escaped. */
function shown(text: string): string {
  return escapeControls(text.length > 40 ? text.slice(0, 40) + '…' : text);
}

export class TrackCsvParser {
  private readonly naValues: Set<string>;

  /** The partial record carried to the next chunk: the pieces, not yet joined. */
  private carried: Buffer[] = [];
  private carriedBytes = 0;
  /** The carried bytes hold a record end already (a CR waiting for its LF …): join on the next chunk. */
  private carriedComplete = false;
  private readonly boundary = new RecordBoundary();
  private started = false;
  private layout: ColumnLayout | null = null;
  private out: TrackColumns | null = null;
  private idIndex: IdIndex | null = null;

  /** Record number of the last completed record (header = 1). */
  private row = 0;
  /** Physical line number at the start of the next record. */
  private line = 1;
  /** Line feeds inside quoted fields of the record being scanned. */
  private readonly quotedLines = { lines: 0 };
  rowsRead = 0;
  duplicates = 0;
  rejected: RejectedRow[] = [];

  /** Size of the whole input, when known: the output is sized from it once a few rows are read. */
  private expectedBytes = 0;
  private bytesFed = 0;

  constructor(private readonly file: string, private readonly opts: ParserOptions) {
    this.naValues = new Set(opts.naValues.map((s) => s.trim()));
  }

  push(chunk: Buffer): void {
    this.feed(chunk, false);
    this.bytesFed += chunk.length;
    if (this.out !== null && this.expectedBytes > 0 && this.rowsRead >= 256) {
      // Rows of the whole file at this rate, plus 2 %: one allocation instead of a dozen
      // doublings, and a final table that needs no trimming copy.
      const estimate = Math.ceil((this.expectedBytes / this.bytesFed) * this.rowsRead * 1.02) + 64;
      this.expectedBytes = 0;
      if (estimate > this.out.capacity) this.out.grow(estimate);
    }
  }

  expectSize(bytes: number): void {
    this.expectedBytes = bytes;
  }

  finish(): void {
    this.feed(Buffer.alloc(0), true);
    if (this.layout === null) throw new InputError('file is empty (no header row)', { file: this.file, row: 1, expected: 'a header row naming the columns' });
  }

  private feed(chunk: Buffer, eof: boolean): void {
    let data: Buffer;
    if (this.carriedBytes > 0) {
      // Join the carried pieces only once the record can be complete.
      if (!eof && this.started && !this.carriedComplete && !this.boundary.scan(chunk)) {
        this.carry(chunk, 0, true);
        return;
      }
      this.carried.push(chunk);
      data = Buffer.concat(this.carried, this.carriedBytes + chunk.length);
      this.carried = [];
      this.carriedBytes = 0;
      this.carriedComplete = false;
    } else data = chunk;
    let pos = 0;
    if (!this.started) {
      if (data.length < BOM_PROBE_BYTES && !eof) {
        if (data.length) this.carry(data, 0, true);
        return;
      }
      pos = byteOrderMarkLength(data, this.file);
      this.started = true;
    }
    if (this.layout === null) {
      const h = scanHeaderRecord(data, pos, eof, this.file);
      if (h === null) {
        this.carry(data, pos, false);
        return;
      }
      pos = h.end;
      this.line += h.lines;
      if (h.fields.length === 0) return; // eof without header
      this.row = 1;
      this.setHeader(h.fields);
    }
    const consumed = this.scanRows(data, pos, eof);
    if (consumed < data.length) {
      if (eof) throw new Error('internal: scanner stopped before end of input');
      this.carry(data, consumed, false);
    }
  }

  /**
   * Keeps data[from, end) for the next chunk. `more` says it extends the record already carried
   * (the boundary state is current); otherwise it starts a new carried record, scanned once here.
   */
  private carry(data: Buffer, from: number, more: boolean): void {
    const piece = data.subarray(from);
    if (this.carriedBytes + piece.length > MAX_RECORD_BYTES) {
      throw new InputError(`a record longer than ${MAX_RECORD_BYTES >> 20} MiB (unterminated quoted field?)`, {
        file: this.file,
        row: this.row + 1,
      });
    }
    if (!more) {
      this.boundary.reset();
      this.carriedComplete = this.boundary.scan(piece);
    }
    this.carried.push(piece);
    this.carriedBytes += piece.length;
  }

  private setHeader(header: string[]): void {
    const layout = new ColumnLayout(header, this.file);
    this.layout = layout;
    this.out = new TrackColumns(layout.numericNames, layout.textNames);
    if (layout.idSlot >= 0 && this.opts.dedupe) this.idIndex = new IdIndex(this.out.textOut[layout.idSlot]);
  }

  /** Scans data records from `start`. Returns the offset of the first unconsumed byte. */
  private scanRows(data: Buffer, start: number, eof: boolean): number {
    const end = data.length;
    const layout = this.layout!;
    const out = this.out!;
    const ncols = layout.ncols;
    const kinds = layout.kinds;
    const slots = layout.slots;
    let numOut = out.numOut;
    const textOut = out.textOut;
    const interners = layout.interners;
    const min = layout.numericMin;
    const max = layout.numericMax;
    const count = this.quotedLines;
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

      if (out.kept >= out.capacity) numOut = out.grow();
      const at = out.kept;
      count.lines = 0;
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
          const q = closingQuote(data, fs, eof, count);
          if (q === NEED_MORE) return recStart;
          if (q === NEVER_CLOSED) throw new InputError('quoted field is never closed', { file: this.file, row: this.row + 1 });
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
              const raw = data.toString('utf8', fs, fe);
              if (!this.naValues.has(raw.trim()) && errCol < 0) {
                errCol = col;
                // Only ASCII blanks trimmed: a non-breaking space is what the message must show.
                const text = raw.replace(/^[ \t]+|[ \t]+$/g, '');
                const odd = oddCharacter(text);
                errMsg = `"${shown(text)}" is not a number${odd ? `: it holds ${odd}` : ''}`;
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
      this.line += 1 + count.lines;
      this.rowsRead++;
      if (col !== ncols || errCol >= 0) this.reject(col, errCol, errMsg, errExpected, line);
      else this.commit();
    }
    return pos;
  }

  private reject(fieldCount: number, errCol: number, errMsg: string, errExpected: string, line: number): void {
    const { header, ncols } = this.layout!;
    const row = this.row;
    const lineNote = line !== row ? ` (line ${line})` : '';
    if (fieldCount !== ncols) {
      // Name the first column the row fails to fill (or the first one past the header) so the
      // user can find the break in a spreadsheet.
      const column = fieldCount < ncols ? header[fieldCount] : `field ${ncols + 1} (after "${header[ncols - 1]}")`;
      const what = fieldCount < ncols ? 'ends before this column' : 'has more fields than the header';
      this.fail(row, column, `row has ${fieldCount} field${fieldCount === 1 ? '' : 's'} and ${what}${lineNote}`, `${ncols} fields like the header`);
      return;
    }
    this.fail(row, header[errCol], errMsg + lineNote, errExpected);
  }

  private commit(): void {
    const layout = this.layout!;
    const out = this.out!;
    if (layout.idSlot >= 0) {
      const textOut = out.textOut;
      const at = out.kept;
      let id = '';
      for (const s of layout.idSlots) {
        id = normaliseTrackId(textOut[s][at]);
        if (id !== '') break;
      }
      textOut[layout.idSlot][at] = id;
      if (id !== '' && this.idIndex !== null) {
        const h = IdIndex.hash(id);
        if (this.idIndex.has(id, h)) {
          if (this.opts.uniqueIds) {
            this.fail(this.row, layout.header[layout.idSourceColumn], `duplicate id "${shown(id)}" already appeared on an earlier row`, 'each id once (drop --unique-ids to keep the first and count the rest)');
            return;
          }
          this.duplicates++;
          return;
        }
        this.idIndex.add(at, h);
      }
    }
    out.kept++;
  }

  private fail(row: number, column: string | undefined, message: string, expected: string): void {
    if (this.opts.lenient) {
      this.rejected.push({ row, column, message: escapeControls(column !== undefined ? `column "${column}": ${message}` : message) });
      return;
    }
    throw new InputError(message, { file: this.file, row, column, expected });
  }

  /** Rows kept so far. */
  get kept(): number {
    return this.out?.kept ?? 0;
  }

  get columns(): ColumnMapping[] {
    return this.layout?.columns ?? [];
  }

  /** The feature columns this file must have (see requiredFeaturesFor). */
  get required(): readonly string[] {
    return this.layout?.required ?? REQUIRED_FEATURES;
  }

  table(): TrackTable {
    return this.out!.table();
  }
}
