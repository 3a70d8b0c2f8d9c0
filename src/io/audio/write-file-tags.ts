/**
 * Writes mood, BPM and initial key into an audio file's own tags with node-taglib-sharp: ID3v2.4
 * TMOO/TBPM/TKEY in MP3 (and WAV's id3 chunk), Vorbis comments MOOD/BPM/INITIALKEY in FLAC, Ogg
 * Vorbis and Ogg Opus. Atomic: the file is copied beside itself, the copy is tagged and renamed
 * over the original, so a crash leaves the old file or the new one, never half of each. Only the
 * tag blocks change; the audio frames are copied byte for byte by taglib.
 */
import { copyFile, rename, rm } from 'node:fs/promises';
import { extname } from 'node:path';
import { File, Id3v2FrameIdentifiers, Id3v2Tag, TagTypes, XiphComment } from 'node-taglib-sharp';
import { UNCERTAIN } from '../../core/classify/uncertain.ts';
import { tempSibling } from '../atomic.ts';

export interface FileMoodTags {
  mood: string;
  /** 0–1. */
  confidence?: number;
  /** Beats per minute (written rounded). */
  bpm?: number;
  /** Initial key in the usual notation: C, C#m, … */
  key?: string;
}

const PITCH = ['C', 'C#', 'D', 'D#', 'E', 'F', 'F#', 'G', 'G#', 'A', 'A#', 'B'];

/** Spotify key (0–11, −1 none) and mode (1 major, 0 minor) → "C", "Am", …; undefined when unknown. */
export function keyName(key: number, mode: number): string | undefined {
  if (!Number.isInteger(key) || key < 0 || key > 11) return undefined;
  return PITCH[key] + (mode === 0 ? 'm' : '');
}

/** Extensions whose tags this module writes. */
export const TAGGABLE_EXTENSIONS: ReadonlySet<string> = new Set(['.mp3', '.flac', '.ogg', '.oga', '.opus', '.wav']);

export async function writeFileMoodTags(path: string, tags: FileMoodTags): Promise<void> {
  const ext = extname(path).toLowerCase();
  if (!TAGGABLE_EXTENSIONS.has(ext)) throw new Error(`writing tags into ${ext || 'extension-less'} files is not supported`);
  // The temp copy keeps the extension: taglib picks the file type by it.
  const tmp = tempSibling(path) + ext;
  await copyFile(path, tmp);
  try {
    const file = File.createFromPath(tmp);
    try {
      const bpm = tags.bpm !== undefined && Number.isFinite(tags.bpm) ? String(Math.round(tags.bpm)) : undefined;
      const xiph = file.getTag(TagTypes.Xiph, ext !== '.mp3' && ext !== '.wav') as XiphComment | undefined;
      if (xiph) {
        xiph.setFieldAsStrings('MOOD', tags.mood);
        if (bpm) xiph.setFieldAsStrings('BPM', bpm);
        if (tags.key) xiph.setFieldAsStrings('INITIALKEY', tags.key);
      } else {
        const id3 = file.getTag(TagTypes.Id3v2, true) as Id3v2Tag | undefined;
        if (!id3) throw new Error('the file takes neither Vorbis comments nor an ID3v2 tag');
        id3.version = 4; // TMOO exists from ID3v2.4 on
        id3.setTextFrame(Id3v2FrameIdentifiers.TMOO, tags.mood);
        if (bpm) id3.setTextFrame(Id3v2FrameIdentifiers.TBPM, bpm);
        if (tags.key) id3.setTextFrame(Id3v2FrameIdentifiers.TKEY, tags.key);
      }
      file.save();
    } finally {
      file.dispose();
    }
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

/**
 * Writes each file's mood tags (a track tagged "uncertain" is left alone: no mood is better than a
 * guess in someone's files). A file that fails is reported and the rest go on.
 */
export async function writeMoodTagsToFiles(moods: readonly (FileMoodTags & { path: string })[]): Promise<{ written: string[]; uncertain: number; failed: { path: string; message: string }[] }> {
  const written: string[] = [];
  const failed: { path: string; message: string }[] = [];
  let uncertain = 0;
  for (const m of moods) {
    if (m.mood === UNCERTAIN) { uncertain++; continue; }
    try {
      await writeFileMoodTags(m.path, m);
      written.push(m.path);
    } catch (e) {
      failed.push({ path: m.path, message: (e as Error).message });
    }
  }
  return { written, uncertain, failed };
}
