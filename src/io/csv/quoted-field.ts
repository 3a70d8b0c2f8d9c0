/**
 * The end of a quoted field: the quote that closes it, skipping `""` escapes, counting the line
 * feeds inside (for "line N" in messages).
 */
import { QUOTE, LF } from './csv-bytes.ts';

/** More input is needed to decide. */
export const NEED_MORE = -1;
/** The input ended inside the quotes. */
export const NEVER_CLOSED = -2;

export interface LineCount {
  lines: number;
}

/**
 * Index of the quote closing a quoted field whose content starts at `from`; NEED_MORE when the
 * input ends first and more may come; NEVER_CLOSED at end of input. Adds embedded line feeds to `count`.
 */
export function closingQuote(data: Uint8Array, from: number, eof: boolean, count: LineCount): number {
  const end = data.length;
  let pos = from;
  for (;;) {
    const q = data.indexOf(QUOTE, pos);
    const stop = q < 0 ? end : q;
    for (let i = pos; i < stop; i++) if (data[i] === LF) count.lines++;
    if (q < 0) return eof ? NEVER_CLOSED : NEED_MORE;
    if (q + 1 >= end) return eof ? q : NEED_MORE;
    if (data[q + 1] === QUOTE) {
      pos = q + 2;
      continue;
    }
    return q;
  }
}
