/**
 * Write a generated catalogue (see core/generator/generate.ts) as CSV, streamed chunk by chunk so
 * that millions of rows never sit in memory at once. The file appears atomically: rows go to a
 * temporary file beside the target, which is renamed over the target only once complete.
 */
import { createWriteStream } from 'node:fs';
import { rename, unlink } from 'node:fs/promises';
import { once } from 'node:events';
import { basename, dirname, join } from 'node:path';
import { generateCatalogueChunks } from '../core/generator/generate.ts';

/** Column order of a typical Spotify export; `mood` is appended for the labelled sample. */
export const GENERATED_CSV_COLUMNS = [
  'id', 'name', 'artist', 'album', 'genre', 'danceability', 'energy', 'key', 'loudness', 'mode', 'speechiness',
  'acousticness', 'instrumentalness', 'liveness', 'valence', 'tempo', 'duration_ms', 'time_signature', 'popularity',
] as const;

const TEXT_COLUMNS = new Set(['id', 'name', 'artist', 'album', 'genre', 'mood']);
/** Free text that may need quoting; ids, genres and moods come from fixed alphabets. */
const QUOTE_CHECKED = new Set(['name', 'artist', 'album']);
const SMALL_INT_COLUMNS = new Set(['key', 'mode', 'time_signature', 'popularity']);
const SMALL_INTS = Array.from({ length: 101 }, (_, i) => String(i));

export interface WriteGeneratedCsvOptions {
  readonly tracks: number;
  readonly seed: number;
  readonly labelled?: boolean;
  /** Rows generated and formatted per step; default 16,384. */
  readonly chunkSize?: number;
}

export interface WriteGeneratedCsvResult {
  readonly path: string;
  readonly rows: number;
  readonly bytes: number;
  readonly seconds: number;
}

export function generatedCsvHeader(labelled: boolean): string[] {
  return labelled ? [...GENERATED_CSV_COLUMNS, 'mood'] : [...GENERATED_CSV_COLUMNS];
}

/** RFC 4180 quoting, only where needed. */
export function csvField(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

let tempCounter = 0;

/** Generate `tracks` rows for `seed` and write them to `path` as CSV (atomic replace). */
export async function writeGeneratedCsv(path: string, options: WriteGeneratedCsvOptions): Promise<WriteGeneratedCsvResult> {
  const t0 = process.hrtime.bigint();
  const labelled = options.labelled ?? false;
  const header = generatedCsvHeader(labelled);
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${++tempCounter}.tmp`);
  const out = createWriteStream(tmp, { encoding: 'utf8', flags: 'wx' });
  let bytes = 0;
  let rows = 0;
  const failed = new Promise<never>((_, reject) => out.once('error', reject));
  failed.catch(() => {}); // observed below through Promise.race
  const write = async (s: string): Promise<void> => {
    const buf = Buffer.from(s, 'utf8');
    bytes += buf.length;
    if (!out.write(buf)) await Promise.race([once(out, 'drain'), failed]);
  };
  try {
    await Promise.race([once(out, 'open'), failed]); // the temp file exists from here on
    await write(header.join(',') + '\n');
    for (const table of generateCatalogueChunks({
      tracks: options.tracks,
      seed: options.seed,
      labelled,
      chunkSize: options.chunkSize ?? 16_384,
    })) {
      const cols = header.map((c) => (TEXT_COLUMNS.has(c) ? table.text[c] : table.numeric[c]));
      const kind = header.map((c) => (QUOTE_CHECKED.has(c) ? 2 : TEXT_COLUMNS.has(c) ? 1 : SMALL_INT_COLUMNS.has(c) ? 3 : 0));
      let chunk = '';
      for (let r = 0; r < table.rowCount; r++) {
        for (let c = 0; c < cols.length; c++) {
          if (c > 0) chunk += ',';
          switch (kind[c]) {
            case 0: chunk += String((cols[c] as Float64Array)[r]); break;
            case 1: chunk += (cols[c] as string[])[r]; break;
            case 2: chunk += csvField((cols[c] as string[])[r]); break;
            default: {
              const v = (cols[c] as Float64Array)[r];
              chunk += v >= 0 && v <= 100 && Number.isInteger(v) ? SMALL_INTS[v] : String(v);
            }
          }
        }
        chunk += '\n';
      }
      await write(chunk);
      rows += table.rowCount;
    }
    out.end();
    await Promise.race([once(out, 'close'), failed]); // 'close': flushed and fd closed
    await rename(tmp, path);
  } catch (err) {
    if (!out.closed) {
      const closed = once(out, 'close').catch(() => {});
      out.destroy();
      await closed;
    }
    await unlink(tmp).catch(() => {});
    throw err;
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return { path, rows, bytes, seconds };
}
