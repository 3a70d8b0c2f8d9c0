/**
 * A small music folder made at test time: click-and-tone pieces written as WAV by our own code,
 * converted with ffmpeg to the formats `analyze` reads, tagged with title/artist/album (and one
 * MusicBrainz recording id). Nothing audio is committed.
 */
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeWav16 } from './wav.ts';

export const MBID = '8f3471b5-7e6a-48da-86a9-c1c07a0f47ae';

export interface MusicFile {
  /** Path relative to the folder. */
  rel: string;
  title: string;
  bpm: number;
}

/** A tone with clicks on every beat: distinct audio per (bpm, frequency), so distinct content ids. */
export function clickTone(bpm: number, hz: number, seconds: number, rate = 22_050, amplitude = 0.3): Float32Array[] {
  const n = Math.round(seconds * rate);
  const l = new Float32Array(n), r = new Float32Array(n);
  const beat = (60 / bpm) * rate;
  for (let i = 0; i < n; i++) {
    const sinceBeat = i % beat;
    const click = sinceBeat < 400 ? Math.exp(-sinceBeat / 60) * 0.6 : 0;
    const v = amplitude * Math.sin((2 * Math.PI * hz * i) / rate) + click * Math.sin(i * 1.3);
    l[i] = v;
    r[i] = v * 0.9;
  }
  return [l, r];
}

function ffmpeg(args: string[]): void {
  const r = spawnSync('ffmpeg', ['-v', 'error', '-y', ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ffmpeg ${args.join(' ')} failed: ${r.stderr}`);
}

/** Writes a WAV with tags in a LIST/INFO chunk via ffmpeg (our writer makes the samples). */
async function writeTaggedWav(path: string, channels: Float32Array[], rate: number, meta: Record<string, string>): Promise<void> {
  const raw = path + '.raw.wav';
  await writeFile(raw, encodeWav16(channels, rate));
  ffmpeg(['-i', raw, ...Object.entries(meta).flatMap(([k, v]) => ['-metadata', `${k}=${v}`]), '-c:a', 'pcm_s16le', path]);
  spawnSync('rm', ['-f', raw]);
}

/**
 * Makes `dir` (a fresh temp folder unless given) with one file per format: wav, extensible wav
 * (24-bit), mp3, flac, ogg (Vorbis), opus and m4a, in a sub-folder or two. Returns the files.
 */
export async function buildMusicFolder(opts: { dir?: string; seconds?: number; formats?: readonly string[] } = {}): Promise<{ dir: string; files: MusicFile[] }> {
  const dir = opts.dir ?? (await mkdtemp(join(tmpdir(), 'moodscape-music-')));
  const seconds = opts.seconds ?? 4;
  const formats = opts.formats ?? ['wav', 'ext.wav', 'mp3', 'flac', 'ogg', 'opus', 'm4a'];
  const files: MusicFile[] = [];
  await mkdir(join(dir, 'Artist A', 'Album 1'), { recursive: true });
  await mkdir(join(dir, 'Artist B'), { recursive: true });
  let k = 0;
  for (const format of formats) {
    const bpm = 80 + 15 * k;
    const title = `Piece ${k + 1}`;
    const sub = k % 2 ? 'Artist B' : join('Artist A', 'Album 1');
    const rel = join(sub, `piece-${k + 1}.${format}`);
    const meta: Record<string, string> = { title, artist: k % 2 ? 'Artist B' : 'Artist A', album: k % 2 ? 'Singles' : 'Album 1' };
    if (format === 'flac') meta.MUSICBRAINZ_TRACKID = MBID;
    const wav = join(dir, `.src-${k}.wav`);
    await writeFile(wav, encodeWav16(clickTone(bpm, 220 + 40 * k, seconds), 22_050));
    const out = join(dir, rel);
    switch (format) {
      case 'wav': await writeTaggedWav(out, clickTone(bpm, 220 + 40 * k, seconds), 22_050, meta); break;
      case 'ext.wav': ffmpeg(['-i', wav, '-c:a', 'pcm_s24le', out]); break; // 24-bit: WAVE_FORMAT_EXTENSIBLE
      case 'mp3': ffmpeg(['-i', wav, ...metaArgs(meta), '-c:a', 'libmp3lame', '-b:a', '128k', '-id3v2_version', '3', out]); break;
      case 'flac': ffmpeg(['-i', wav, ...metaArgs(meta), out]); break;
      case 'ogg': ffmpeg(['-i', wav, ...metaArgs(meta), '-c:a', 'libvorbis', out]); break;
      case 'opus': ffmpeg(['-i', wav, ...metaArgs(meta), '-c:a', 'libopus', out]); break;
      case 'm4a': ffmpeg(['-i', wav, ...metaArgs(meta), '-c:a', 'aac', out]); break;
      default: throw new Error(`unknown format ${format}`);
    }
    spawnSync('rm', ['-f', wav]);
    files.push({ rel, title: format === 'ext.wav' ? `piece-${k + 1}.ext` : title, bpm });
    k++;
  }
  return { dir, files };
}

function metaArgs(meta: Record<string, string>): string[] {
  return Object.entries(meta).flatMap(([k, v]) => ['-metadata', `${k}=${v}`]);
}

/** A 16-bit mono WAV of digital silence, streamed to disk (a 2-hour file at 4 kHz is 58 MB). */
export async function writeSilentWav(path: string, seconds: number, rate = 4000): Promise<void> {
  const { open } = await import('node:fs/promises');
  const bytes = Math.round(seconds * rate) * 2;
  const header = Buffer.alloc(44);
  header.write('RIFF', 0); header.writeUInt32LE(36 + bytes, 4); header.write('WAVEfmt ', 8);
  header.writeUInt32LE(16, 16); header.writeUInt16LE(1, 20); header.writeUInt16LE(1, 22);
  header.writeUInt32LE(rate, 24); header.writeUInt32LE(rate * 2, 28); header.writeUInt16LE(2, 32); header.writeUInt16LE(16, 34);
  header.write('data', 36); header.writeUInt32LE(bytes, 40);
  const fh = await open(path, 'w');
  try {
    await fh.write(header);
    const zeros = Buffer.alloc(1 << 22);
    for (let left = bytes; left > 0; left -= zeros.length) await fh.write(zeros, 0, Math.min(left, zeros.length));
  } finally {
    await fh.close();
  }
}
