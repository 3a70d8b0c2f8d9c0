/**
 * Where analysed tracks go and come back from: a features CSV (which is also the resume cache:
 * every row carries path, size, mtime and analyzer version), `analysis.json` beside it, and a
 * catalogue store (the same four values ride in each track's `extra`).
 */
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import { ANALYZER_VERSION, FEATURE_PROVENANCE } from '../../core/audio/analyze-signal.ts';
import { AUDIO_FEATURES, FEATURE_SPEC } from '../../core/data/features.ts';
import type { TrackTable } from '../../core/data/track-table.ts';
import { InputError } from '../../core/common/errors.ts';
import { writeFileAtomic } from '../atomic.ts';
import { writeCsv, type CsvCell } from '../csv/write-csv.ts';
import type { CatalogueStore } from '../store/catalogue-store.ts';
import { fileKey, type AnalysedTrack } from './analyze-file.ts';

/** Text columns of an analysed CSV, in order; features follow. */
export const ANALYSED_TEXT_COLUMNS = ['id', 'name', 'artist', 'album', 'genre', 'path', 'analyzer_version', 'file_size', 'file_mtime_ms'] as const;

/** Feature columns present in any track: Spotify's in their usual order, then the descriptors sorted. */
export function featureColumnsOf(tracks: readonly AnalysedTrack[]): string[] {
  const seen = new Set<string>();
  for (const t of tracks) for (const k of Object.keys(t.features)) seen.add(k);
  const spotify = AUDIO_FEATURES.map((f) => f.name).filter((n) => seen.has(n));
  const rest = [...seen].filter((n) => !FEATURE_SPEC.has(n)).sort();
  return [...spotify, ...rest];
}

/** Resume cache: fileKey → the track analysed from that exact file by this analyzer version. */
export type AnalysisCache = Map<string, AnalysedTrack>;

function cacheFrom(tracks: Iterable<AnalysedTrack>): AnalysisCache {
  const cache: AnalysisCache = new Map();
  for (const t of tracks) cache.set(fileKey(t.path, t.file_size, t.file_mtime_ms, t.analyzer_version), t);
  return cache;
}

function trackFromRecord(rec: Record<string, string>, features: (k: string) => number | undefined, keys: readonly string[]): AnalysedTrack | null {
  const size = Number(rec.file_size);
  const mtime = Number(rec.file_mtime_ms);
  if (!rec.path || !rec.id || !Number.isFinite(size) || !Number.isFinite(mtime)) return null;
  const f: Record<string, number> = {};
  for (const k of keys) {
    const v = features(k);
    if (v !== undefined && Number.isFinite(v)) f[k] = v;
  }
  return {
    id: rec.id, name: rec.name ?? '', artist: rec.artist ?? '', album: rec.album ?? '', genre: rec.genre ?? '',
    path: rec.path, analyzer_version: rec.analyzer_version ?? '', file_size: size, file_mtime_ms: mtime, features: f,
  };
}

/** Tracks of an earlier `analyze --out` CSV (none when the file does not exist). */
export async function readAnalysedCsv(path: string): Promise<AnalysedTrack[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new InputError(`cannot read (${(e as NodeJS.ErrnoException).code})`, { file: path });
  }
  let records: Record<string, string>[];
  try {
    records = parse(text, { columns: true, bom: true, skip_empty_lines: true }) as Record<string, string>[];
  } catch (e) {
    throw new InputError(`not a CSV moodscape can resume from (${(e as Error).message})`, { file: path });
  }
  if (records.length && !('path' in records[0] && 'analyzer_version' in records[0])) {
    throw new InputError('exists and is not an `analyze` output (no path/analyzer_version columns); refusing to overwrite it', { file: path });
  }
  const keys = records.length ? Object.keys(records[0]).filter((k) => !(ANALYSED_TEXT_COLUMNS as readonly string[]).includes(k)) : [];
  const out: AnalysedTrack[] = [];
  for (const r of records) {
    const t = trackFromRecord(r, (k) => (r[k] === '' || r[k] === undefined ? undefined : Number(r[k])), keys);
    if (t) out.push(t);
  }
  return out;
}

export const analysisCacheFromCsv = async (path: string): Promise<AnalysisCache> => cacheFrom(await readAnalysedCsv(path));

/** Writes the tracks (sorted by path) to `path` atomically. */
export async function writeAnalysedCsv(path: string, tracks: readonly AnalysedTrack[]): Promise<void> {
  const sorted = [...tracks].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const features = featureColumnsOf(sorted);
  function* rows(): Iterable<CsvCell[]> {
    for (const t of sorted) {
      yield [t.id, t.name, t.artist, t.album, t.genre, t.path, t.analyzer_version, t.file_size, t.file_mtime_ms, ...features.map((f) => t.features[f])];
    }
  }
  await writeCsv(path, [...ANALYSED_TEXT_COLUMNS, ...features], rows());
}

/** `analysis.json`: per column measured or estimated, the method and how it was checked. */
export function analysisDocument(columns: readonly string[]): Record<string, unknown> {
  const provenance = FEATURE_PROVENANCE as Readonly<Record<string, { kind: string; method: string; check: string }>>;
  return {
    analyzer_version: ANALYZER_VERSION,
    note: 'Columns computed from the audio by moodscape. Estimated columns are moodscape\'s own estimators, not Spotify\'s values.',
    columns: Object.fromEntries(columns.map((c) => [c, provenance[c] ?? (c === 'duration_ms'
      ? { kind: 'measured', method: 'decoded sample frames / sample rate', check: 'within 10 ms of the generated length' }
      : { kind: 'measured', method: 'see the analyzer documentation', check: 'none recorded' })])),
  };
}

/** Writes analysis.json beside `outputPath` (a CSV or a SQLite file). */
export async function writeAnalysisJson(outputPath: string, columns: readonly string[]): Promise<string> {
  const target = join(dirname(resolve(outputPath)), 'analysis.json');
  await writeFileAtomic(target, JSON.stringify(analysisDocument(columns), null, 2) + '\n');
  return target;
}

/** The analysed tracks as a TrackTable for a store: the file identity and descriptors go to `extra`. */
export function analysedTable(tracks: readonly AnalysedTrack[]): TrackTable {
  const features = featureColumnsOf(tracks);
  const numeric: Record<string, Float64Array> = {};
  for (const f of features) numeric[f] = Float64Array.from(tracks, (t) => t.features[f] ?? NaN);
  const text: Record<string, string[]> = {};
  for (const c of ANALYSED_TEXT_COLUMNS) text[c] = tracks.map((t) => String(t[c]));
  return { rowCount: tracks.length, numeric, text };
}

/** Resume cache from the tracks a store already holds (those written by analyze). */
export async function analysisCacheFromStore(store: CatalogueStore): Promise<AnalysisCache> {
  const table = await store.loadCatalog();
  if (!table.rowCount || !table.text.path || !table.text.analyzer_version) return new Map();
  const keys = Object.keys(table.numeric);
  const tracks: AnalysedTrack[] = [];
  for (let i = 0; i < table.rowCount; i++) {
    const rec: Record<string, string> = {};
    for (const [k, col] of Object.entries(table.text)) rec[k] = col[i];
    const descriptorKeys = Object.keys(table.text).filter((k) => !(ANALYSED_TEXT_COLUMNS as readonly string[]).includes(k));
    const t = trackFromRecord(rec, (k) => (k in table.numeric ? table.numeric[k][i] : rec[k] ? Number(rec[k]) : undefined), [...keys, ...descriptorKeys]);
    if (t) tracks.push(t);
  }
  return cacheFrom(tracks);
}
