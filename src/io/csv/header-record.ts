/**
 * The header record of a track CSV: its cells as strings, read with the same quoting rules as the
 * rows, and at most MAX_COLUMNS of them (a longer header is refused before any planning).
 */
import { InputError } from '../../core/common/errors.ts';
import { COMMA, CR, LF, MAX_COLUMNS, QUOTE } from './csv-bytes.ts';
import { closingQuote, NEED_MORE, NEVER_CLOSED } from './quoted-field.ts';

export interface HeaderRecord {
  fields: string[];
  /** Offset after the header's line end. */
  end: number;
  /** Physical lines from `start` to `end` (blank lines before the header included). */
  lines: number;
}

/** Reads the header from `start`; null when more input is needed. Empty input at eof gives no fields. */
export function scanHeaderRecord(data: Buffer, start: number, eof: boolean, file: string): HeaderRecord | null {
  const end = data.length;
  let pos = start;
  let lines = 0;
  // Blank lines before the header.
  while (pos < end && (data[pos] === LF || data[pos] === CR)) {
    if (data[pos] === LF) lines++;
    else if (pos + 1 >= end || data[pos + 1] !== LF) lines++;
    pos++;
  }
  if (pos >= end) return eof ? { fields: [], end, lines } : null;
  const fields: string[] = [];
  const count = { lines: 0 };
  for (;;) {
    let text: string;
    if (data[pos] === QUOTE) {
      const q = closingQuote(data, pos + 1, eof, count);
      if (q === NEED_MORE) return null;
      if (q === NEVER_CLOSED) throw new InputError('quoted field is never closed', { file, row: 1 });
      text = data.toString('utf8', pos + 1, q).replaceAll('""', '"');
      pos = q + 1;
      if (pos < end && data[pos] !== COMMA && data[pos] !== LF && data[pos] !== CR) {
        throw new InputError('unexpected character after a closing quote in the header', { file, row: 1 });
      }
    } else {
      const s = pos;
      while (pos < end && data[pos] !== COMMA && data[pos] !== LF && data[pos] !== CR) pos++;
      text = data.toString('utf8', s, pos);
    }
    if (pos >= end && !eof) return null;
    fields.push(text);
    if (fields.length > MAX_COLUMNS) {
      throw new InputError(`the header has more than ${MAX_COLUMNS} columns`, { file, row: 1, expected: `at most ${MAX_COLUMNS} columns (a track catalogue has a few dozen)` });
    }
    if (pos >= end) break;
    const c = data[pos];
    if (c === COMMA) {
      pos++;
      continue;
    }
    if (c === CR) {
      if (pos + 1 >= end && !eof) return null;
      pos += pos + 1 < end && data[pos + 1] === LF ? 2 : 1;
    } else pos++;
    break;
  }
  return { fields, end: pos, lines: lines + 1 };
}
