/**
 * The folder-level step of `moodscape analyze`: lists the audio files under the inputs, skips those
 * already analysed (same path, size, mtime and analyzer version), analyses the rest (in this thread
 * or on worker threads) and writes the result to a features CSV or a catalogue store.
 *
 * Nothing is half-written: the CSV is replaced atomically (temp file + rename) at each checkpoint
 * and at the end, and store writes are one transaction per batch, so an interrupted run keeps
 * every finished batch and the next run resumes after it.
 */
import { mkdir, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { ANALYZER_VERSION } from '../../core/audio/analyze-signal.ts';
import { InputError } from '../../core/common/errors.ts';
import { isPostgresSpec, openStore } from '../store/open-store.ts';
import type { CatalogueStore } from '../store/catalogue-store.ts';
import { fileKey, type AnalysedTrack, type AnalyzeFileOptions, type AnalyzeFileResult } from './analyze-file.ts';
import { analyzeFiles } from './analyze-pool.ts';
import {
  analysedTable, analysisCacheFromCsv, analysisCacheFromStore, featureColumnsOf, writeAnalysedCsv, writeAnalysisJson,
  type AnalysisCache,
} from './analysis-output.ts';
import { listAudioFiles } from './walk-music.ts';

export interface AnalyzeMusicOptions {
  /** Features CSV to write (and resume from). Exactly one of out / db. */
  out?: string;
  /** Catalogue store (--db value) to write into (and resume from). */
  db?: string;
  /** Worker threads; 1 analyses in this thread. */
  jobs: number;
  file: AnalyzeFileOptions;
  /** Write what is finished at least this often (ms). */
  checkpointMs: number;
  /** After every file: files done (skipped included), files in all, audio seconds analysed so far. */
  onProgress?: (done: number, total: number, audioSeconds: number, last: AnalyzeFileResult | null) => void;
}

export const DEFAULT_ANALYZE_MUSIC: Readonly<Pick<AnalyzeMusicOptions, 'jobs' | 'file' | 'checkpointMs'>> = {
  jobs: 1,
  file: {},
  checkpointMs: 30_000,
};

export interface AnalysisFailure {
  path: string;
  reason: string;
  message: string;
}

export interface AnalyzeMusicSummary {
  analyzerVersion: string;
  /** Where the tracks went: the CSV path or the --db value. */
  output: string;
  analysisJson: string;
  files: number;
  analysed: number;
  /** Files skipped because the output already held them for this analyzer version. */
  skipped: number;
  failed: number;
  failures: AnalysisFailure[];
  /** Files longer than the analysis window (features from the window, duration from the whole file). */
  clipped: string[];
  /** Tracks in the output after the run. */
  tracks: number;
  audioSeconds: number;
  seconds: number;
  /** Audio seconds per wall-clock second for the files analysed in this run. */
  realtimeFactor: number;
}

/** Where analysed tracks are kept: knows what it already holds and takes checkpoints. */
interface AnalysisSink {
  readonly cache: AnalysisCache;
  write(fresh: readonly AnalysedTrack[], all: readonly AnalysedTrack[]): Promise<void>;
  close(): Promise<void>;
}

async function csvSink(out: string): Promise<AnalysisSink> {
  const cache = await analysisCacheFromCsv(out);
  await mkdir(dirname(resolve(out)), { recursive: true });
  return { cache, write: (_fresh, all) => writeAnalysedCsv(out, all), close: async () => {} };
}

async function storeSink(db: string): Promise<AnalysisSink> {
  const store: CatalogueStore = await openStore(db);
  try {
    const cache = await analysisCacheFromStore(store);
    return {
      cache,
      write: async (fresh) => { if (fresh.length) await store.upsertTracks(analysedTable(fresh)); },
      close: () => store.close(),
    };
  } catch (e) {
    await store.close();
    throw e;
  }
}

export async function analyzeMusic(inputs: readonly string[], options: Partial<AnalyzeMusicOptions> & Pick<AnalyzeMusicOptions, 'out' | 'db'>): Promise<AnalyzeMusicSummary> {
  const o = { ...DEFAULT_ANALYZE_MUSIC, ...options };
  if (Boolean(o.out) === Boolean(o.db)) throw new InputError('give exactly one of --out <features.csv> or --db <catalogue>');
  if (!inputs.length) throw new InputError('name at least one audio file or folder');
  const t0 = performance.now();
  const walk = await listAudioFiles(inputs);
  const failures: AnalysisFailure[] = walk.missing.map((m) => ({ path: m.path, reason: 'unreadable', message: m.message }));
  const sink = o.out ? await csvSink(o.out) : await storeSink(o.db!);
  try {
    const kept: AnalysedTrack[] = [];
    const todo: string[] = [];
    for (const path of walk.files) {
      const st = await stat(path).catch(() => null);
      const previous = st && sink.cache.get(fileKey(path, st.size, st.mtimeMs, ANALYZER_VERSION));
      if (previous) kept.push(previous);
      else todo.push(path);
    }
    // Rows of files that still exist but were not asked about this time stay in a CSV output.
    const asked = new Set(walk.files);
    const others = o.out ? [...sink.cache.values()].filter((t) => !asked.has(t.path)) : [];
    const skipped = kept.length;
    const total = walk.files.length;
    let done = skipped;
    let audioSeconds = 0;
    let fresh: AnalysedTrack[] = [];
    const all: AnalysedTrack[] = [...others, ...kept];
    const clipped: string[] = [];
    let lastCheckpoint = performance.now();
    const analysisStart = performance.now();
    o.onProgress?.(done, total, 0, null);
    await analyzeFiles(todo, {
      jobs: o.jobs,
      file: o.file,
      onResult: async (r) => {
        done++;
        if (r.ok) {
          fresh.push(r.track);
          all.push(r.track);
          audioSeconds += r.audioSeconds;
          if (r.clipped) clipped.push(r.path);
        } else failures.push({ path: r.path, reason: r.reason, message: r.message });
        o.onProgress?.(done, total, audioSeconds, r);
        if (performance.now() - lastCheckpoint > o.checkpointMs) {
          await sink.write(fresh, all);
          fresh = [];
          lastCheckpoint = performance.now();
        }
      },
    });
    const analysedSeconds = (performance.now() - analysisStart) / 1000;
    const analysed = all.length - others.length - kept.length;
    // Nothing to write when every file failed: an earlier output stays as it was.
    if (analysed > 0 || (o.out && skipped > 0 && todo.length === 0)) await sink.write(fresh, all);
    const analysisJson = analysed + skipped > 0 && !(o.db && isPostgresSpec(o.db)) ? await writeAnalysisJson(o.out ?? o.db!, featureColumnsOf(all)) : '';
    return {
      analyzerVersion: ANALYZER_VERSION,
      output: o.out ?? o.db!,
      analysisJson,
      files: total,
      analysed,
      skipped,
      failed: failures.length,
      failures,
      clipped,
      tracks: all.length + (o.db ? sink.cache.size - skipped : 0),
      audioSeconds,
      seconds: (performance.now() - t0) / 1000,
      realtimeFactor: analysedSeconds > 0 ? audioSeconds / analysedSeconds : 0,
    };
  } finally {
    await sink.close();
  }
}

/**
 * After tags were written into files (their size and mtime changed, their samples did not), the
 * output's resume keys are brought up to date so the next run still skips them.
 */
export async function refreshFileStats(output: { out?: string; db?: string }, paths: readonly string[]): Promise<void> {
  if (!paths.length) return;
  const sink = output.out ? await csvSink(output.out) : await storeSink(output.db!);
  try {
    const want = new Set(paths);
    const all = [...sink.cache.values()];
    const changed: AnalysedTrack[] = [];
    for (const t of all) {
      if (!want.has(t.path)) continue;
      const st = await stat(t.path).catch(() => null);
      if (!st) continue;
      t.file_size = st.size;
      t.file_mtime_ms = Math.round(st.mtimeMs);
      changed.push(t);
    }
    await sink.write(changed, all);
  } finally {
    await sink.close();
  }
}
