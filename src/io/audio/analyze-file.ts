/**
 * One audio file → one analysed track row (or a per-file error). The CLI, the worker threads of
 * `analyze --jobs` and the fleet's workers all call `analyzeFile`.
 */
import { stat } from 'node:fs/promises';
import { basename, extname, resolve } from 'node:path';
import { analyzeSignal, ANALYZER_VERSION } from '../../core/audio/analyze-signal.ts';
import { AudioFileError, decodeAudioFile, type DecodeOptions } from './decode-audio.ts';
import { readAudioTags } from './read-tags.ts';

/** A track as `analyze` writes it: text columns, file identity for resuming, and the features. */
export interface AnalysedTrack {
  /** MusicBrainz recording id when tagged, else `a_` + 24 hex digits of the decoded samples' SHA-256. */
  id: string;
  name: string;
  artist: string;
  album: string;
  genre: string;
  /** Absolute path of the file. */
  path: string;
  analyzer_version: string;
  file_size: number;
  file_mtime_ms: number;
  /** Feature columns (Spotify names for the Spotify ones), finite numbers only. */
  features: Record<string, number>;
}

export type AnalyzeFileResult =
  | { ok: true; path: string; track: AnalysedTrack; audioSeconds: number; decoder: string; clipped: boolean }
  | { ok: false; path: string; reason: AudioFileError['reason'] | 'failed'; message: string };

export interface AnalyzeFileOptions extends Partial<DecodeOptions> {
  /** Options passed through to analyzeSignal. */
  signal?: Record<string, unknown>;
}

/** Decoded length shorter than the container says by more than this (and ≥ 0.5 s) means truncated. */
const TRUNCATION_TOLERANCE = 0.02;

/** Identity of a file for resuming: same path, size, mtime and analyzer version = already done. */
export function fileKey(path: string, size: number, mtimeMs: number, analyzerVersion: string): string {
  return JSON.stringify([resolve(path), size, Math.round(mtimeMs), analyzerVersion]);
}

export async function analyzeFile(path: string, options: AnalyzeFileOptions = {}): Promise<AnalyzeFileResult> {
  const abs = resolve(path);
  try {
    const st = await stat(abs).catch((e: NodeJS.ErrnoException) => {
      throw new AudioFileError(abs, 'unreadable', e.code === 'EACCES' ? 'permission denied' : `cannot stat (${e.code})`);
    });
    const [decoded, tags] = await Promise.all([decodeAudioFile(abs, options), readAudioTags(abs)]);
    const decodedSeconds = decoded.totalFrames / decoded.sampleRate;
    const stated = tags.durationSeconds;
    if (Number.isFinite(stated) && stated - decodedSeconds > Math.max(0.5, stated * TRUNCATION_TOLERANCE)) {
      throw new AudioFileError(abs, 'truncated', `truncated: decoded ${decodedSeconds.toFixed(1)} s of the ${stated.toFixed(1)} s the file states`);
    }
    const analysis = analyzeSignal(decoded.channels, decoded.sampleRate, options.signal as never);
    const features: Record<string, number> = {};
    for (const [k, v] of Object.entries(analysis.features)) if (Number.isFinite(v)) features[k] = v;
    // The window may be shorter than the file: the duration is always the whole file's.
    features.duration_ms = Math.round(decodedSeconds * 1000);
    const track: AnalysedTrack = {
      id: tags.musicbrainzRecordingId || 'a_' + decoded.sampleHash.slice(0, 24),
      name: tags.title || basename(abs, extname(abs)),
      artist: tags.artist,
      album: tags.album,
      genre: tags.genre,
      path: abs,
      analyzer_version: ANALYZER_VERSION,
      file_size: st.size,
      file_mtime_ms: Math.round(st.mtimeMs),
      features,
    };
    return { ok: true, path: abs, track, audioSeconds: decodedSeconds, decoder: decoded.decoder, clipped: decoded.clipped };
  } catch (e) {
    if (e instanceof AudioFileError) return { ok: false, path: abs, reason: e.reason, message: e.message };
    return { ok: false, path: abs, reason: 'failed', message: (e as Error).message ?? String(e) };
  }
}
