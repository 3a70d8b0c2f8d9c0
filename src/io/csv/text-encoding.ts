/**
 * The start of a CSV file: a UTF-8 byte-order mark is skipped; UTF-16 and UTF-32 marks are refused
 * by name (their text would otherwise be read as UTF-8, gluing the mark and NUL bytes onto the
 * first header name).
 */
import { InputError } from '../../core/common/errors.ts';

/** Bytes needed to tell the marks apart. */
export const BOM_PROBE_BYTES = 4;

/** How many bytes to skip at the start of `data` (3 for a UTF-8 mark, else 0); throws for UTF-16/32. */
export function byteOrderMarkLength(data: Uint8Array, file: string): number {
  const [a, b, c, d] = [data[0], data[1], data[2], data[3]];
  if (a === 0xef && b === 0xbb && c === 0xbf) return 3;
  let encoding = '';
  if (a === 0xff && b === 0xfe && c === 0 && d === 0) encoding = 'UTF-32 (little-endian)';
  else if (a === 0 && b === 0 && c === 0xfe && d === 0xff) encoding = 'UTF-32 (big-endian)';
  else if (a === 0xff && b === 0xfe) encoding = 'UTF-16 (little-endian)';
  else if (a === 0xfe && b === 0xff) encoding = 'UTF-16 (big-endian)';
  if (encoding) {
    throw new InputError(`the file is ${encoding} text (it starts with that byte-order mark)`, { file, row: 1, expected: 'UTF-8: re-save the file as UTF-8 CSV, e.g. iconv -f UTF-16 -t UTF-8' });
  }
  return 0;
}
