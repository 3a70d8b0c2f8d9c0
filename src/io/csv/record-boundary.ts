/**
 * Whether more input completes the record being carried. The row scanner parses a record only
 * when it is whole; while a long record (a huge field, an unterminated quote) arrives chunk by
 * chunk, this state machine looks at each new byte once, so the carried bytes are neither
 * concatenated nor rescanned per chunk and a 64 MiB record costs one pass, not sixty-four.
 *
 * It follows the scanners' reading of RFC 4180: a quote opens a quoted field only at the start of
 * a field, `""` inside one is an escaped quote, and a line end outside quotes ends the record.
 */
import { COMMA, CR, LF, QUOTE } from './csv-bytes.ts';

export class RecordBoundary {
  private fieldStart = true;
  private inQuotes = false;
  /** A quote was seen inside a quoted field; the next byte tells an escape from the close. */
  private quotePending = false;

  /** Starts over at the beginning of a record. */
  reset(): void {
    this.fieldStart = true;
    this.inQuotes = false;
    this.quotePending = false;
  }

  /** Feeds `data[from, end)`; true as soon as a record ends in it (the rest is not looked at). */
  scan(data: Uint8Array, from = 0, end = data.length): boolean {
    let i = from;
    while (i < end) {
      if (this.inQuotes) {
        if (this.quotePending) {
          this.quotePending = false;
          if (data[i] === QUOTE) {
            i++;
            continue;
          }
          this.inQuotes = false;
        } else {
          const q = data.indexOf(QUOTE, i);
          if (q < 0 || q >= end) return false;
          this.quotePending = true;
          i = q + 1;
          continue;
        }
      }
      const c = data[i++];
      if (c === LF || c === CR) return true;
      if (c === COMMA) this.fieldStart = true;
      else if (c === QUOTE && this.fieldStart) {
        this.inQuotes = true;
        this.fieldStart = false;
      } else this.fieldStart = false;
    }
    return false;
  }
}
