/**
 * Streaming CSV output (RFC 4180 quoting, LF line ends), written atomically: rows go to a temp file
 * in the target directory, which is renamed into place only once everything was written.
 */
import { createWriteStream } from 'node:fs';
import { rename, unlink } from 'node:fs/promises';
import { once } from 'node:events';
import type { TrackTable } from '../../core/data/track-table.ts';
import { AUDIO_FEATURES } from '../../core/data/features.ts';
import { tempSibling } from '../atomic.ts';

export type CsvCell = string | number | null | undefined;

export interface WriteCsvOptions {
  /** Significant digits for non-integer numbers (trailing zeros are trimmed). Default 6. */
  significantDigits: number;
}

const DEFAULT_WRITE_OPTIONS: WriteCsvOptions = { significantDigits: 6 };

const NEEDS_QUOTES = /[",\r\n]|^\s|\s$/;

export function quoteCsvField(s: string): string {
  return NEEDS_QUOTES.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/**
 * Compact number text: integers as is; other values rounded to `significantDigits` significant
 * digits without trailing zeros or float noise (0.13699999999999998 → 0.137). NaN / ±Infinity → ''.
 */
export function formatNumber(v: number, significantDigits = 6): string {
  if (!Number.isFinite(v)) return '';
  if (Number.isInteger(v) && Math.abs(v) < 1e21) return String(v);
  return String(Number(v.toPrecision(significantDigits)));
}

export function formatCell(v: CsvCell, significantDigits = 6): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return formatNumber(v, significantDigits);
  return quoteCsvField(v);
}

/** Streams `rows` under `header` to `path` (atomically: temp file + rename). */
export async function writeCsv(
  path: string,
  header: readonly string[],
  rows: Iterable<readonly CsvCell[]>,
  options?: Partial<WriteCsvOptions>,
): Promise<void> {
  const { significantDigits } = { ...DEFAULT_WRITE_OPTIONS, ...options };
  const tmp = tempSibling(path);
  const out = createWriteStream(tmp, { flags: 'wx' });
  let failure: Error | null = null;
  out.on('error', (e) => {
    failure ??= e;
  });
  try {
    await once(out, 'open');
    let buf = header.map(quoteCsvField).join(',') + '\n';
    for (const row of rows) {
      if (failure) throw failure;
      let line = '';
      for (let i = 0; i < row.length; i++) {
        if (i > 0) line += ',';
        line += formatCell(row[i], significantDigits);
      }
      buf += line + '\n';
      if (buf.length >= 1 << 16) {
        if (!out.write(buf)) await once(out, 'drain');
        buf = '';
      }
    }
    if (failure) throw failure;
    out.end(buf);
    await once(out, 'finish');
    if (failure) throw failure;
    await rename(tmp, path);
  } catch (e) {
    if (!out.closed) {
      out.destroy();
      await once(out, 'close').catch(() => undefined);
    }
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
}

/**
 * Writes a TrackTable: id / name / artist first, then features in registry order, then the other
 * text columns, then `extraColumns` (e.g. predicted moods) which must have one value per row.
 */
export async function writeTableCsv(
  path: string,
  table: TrackTable,
  extraColumns: Record<string, ArrayLike<CsvCell>> = {},
  options?: Partial<WriteCsvOptions>,
): Promise<void> {
  const lead = ['id', 'name', 'artist'].filter((c) => c in table.text);
  const features = AUDIO_FEATURES.map((f) => f.name).filter((c) => c in table.numeric);
  const otherNumeric = Object.keys(table.numeric).filter((c) => !features.includes(c));
  const otherText = Object.keys(table.text).filter((c) => !lead.includes(c));
  for (const [name, col] of Object.entries(extraColumns)) {
    if (col.length !== table.rowCount) {
      throw new Error(`extra column "${name}" has ${col.length} values for ${table.rowCount} rows`);
    }
  }
  const cols: ArrayLike<CsvCell>[] = [
    ...lead.map((c) => table.text[c]),
    ...[...features, ...otherNumeric].map((c) => table.numeric[c]),
    ...otherText.map((c) => table.text[c]),
    ...Object.values(extraColumns),
  ];
  const header = [...lead, ...features, ...otherNumeric, ...otherText, ...Object.keys(extraColumns)];
  function* rows(): Generator<CsvCell[]> {
    const row = new Array<CsvCell>(cols.length);
    for (let i = 0; i < table.rowCount; i++) {
      for (let k = 0; k < cols.length; k++) row[k] = cols[k][i];
      yield row;
    }
  }
  await writeCsv(path, header, rows(), options);
}
