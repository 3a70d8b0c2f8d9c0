/**
 * Decodes an audio file into Float32 channels, streaming: the file is read in chunks and decoded
 * chunk by chunk (audio-decode's WebAssembly decoders), so memory is bounded by the analysis
 * window (`maxSeconds`), not by the length of the file. Frames past the window are still counted
 * (for the duration) and hashed (for the content id), then dropped.
 *
 * Backends in turn, like aubio's source: audio-decode for the formats it reads (WAV incl.
 * WAVE_FORMAT_EXTENSIBLE, MP3, FLAC, Ogg Vorbis, Ogg Opus, M4A/AAC), then Debian's `ffmpeg`
 * when it is on PATH for anything else.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { decodeChunked } from 'audio-decode';

/** A per-file failure the analyzer reports and moves past (not a bug). */
export class AudioFileError extends Error {
  readonly path: string;
  readonly reason: 'unreadable' | 'empty' | 'unsupported' | 'corrupt' | 'truncated';
  constructor(path: string, reason: AudioFileError['reason'], message: string) {
    super(message);
    this.name = 'AudioFileError';
    this.path = path;
    this.reason = reason;
  }
}

export type ContainerFormat = 'wav' | 'mp3' | 'flac' | 'oga' | 'opus' | 'm4a';

export interface DecodeOptions {
  /** Seconds of audio kept for analysis from the start; the rest is only counted and hashed. */
  maxSeconds: number;
  /** Use `ffmpeg` for formats audio-decode does not read (when it is on PATH). */
  ffmpegFallback: boolean;
  /** Bytes read per chunk. */
  chunkBytes: number;
}

export const DEFAULT_DECODE_OPTIONS: Readonly<DecodeOptions> = {
  maxSeconds: 600,
  ffmpegFallback: true,
  chunkBytes: 1 << 18,
};

export interface DecodedAudio {
  /** The analysis window: at most maxSeconds of every channel. */
  channels: Float32Array[];
  sampleRate: number;
  /** Frames in the whole file (beyond the window too). */
  totalFrames: number;
  /** True when the file was longer than the window. */
  clipped: boolean;
  /** 'audio-decode/<format>' or 'ffmpeg'. */
  decoder: string;
  /** SHA-256 (hex) of the decoded samples of the whole file: unchanged by tag edits. */
  sampleHash: string;
}

/** Sniffs the container from the first bytes (extensions lie); null when not one audio-decode reads. */
export function sniffFormat(head: Uint8Array): ContainerFormat | null {
  const ascii = (from: number, to: number) => String.fromCharCode(...head.subarray(from, to));
  if (head.length >= 12 && (ascii(0, 4) === 'RIFF' || ascii(0, 4) === 'RF64') && ascii(8, 12) === 'WAVE') return 'wav';
  if (ascii(0, 4) === 'fLaC') return 'flac';
  if (ascii(0, 4) === 'OggS') {
    const page = ascii(0, Math.min(head.length, 128));
    if (page.includes('OpusHead')) return 'opus';
    if (page.includes('vorbis')) return 'oga';
    if (page.includes('FLAC')) return null; // Ogg FLAC: ffmpeg
    return null;
  }
  if (ascii(4, 8) === 'ftyp') return 'm4a';
  if (ascii(0, 3) === 'ID3') return 'mp3';
  if (head.length >= 2 && head[0] === 0xff && (head[1] & 0xe0) === 0xe0 && ((head[1] >> 1) & 3) !== 0) return 'mp3';
  return null;
}

let ffmpegAvailable: boolean | undefined;
export function hasFfmpeg(): boolean {
  ffmpegAvailable ??= spawnSync('ffmpeg', ['-version'], { stdio: 'ignore' }).status === 0;
  return ffmpegAvailable;
}

/** Collects decoded chunks into the analysis window while counting and hashing everything. */
class ChannelCollector {
  private readonly parts: Float32Array[][] = [];
  private kept = 0;
  frames = 0;
  sampleRate = 0;
  /** One hash per channel, so the id does not depend on where the decoder cut its chunks. */
  private readonly hashes: Hash[] = [];
  constructor(private readonly maxSeconds: number) {}

  push(channelData: readonly Float32Array[], sampleRate: number): void {
    const n = channelData[0]?.length ?? 0;
    if (!n) return;
    if (!this.sampleRate) this.sampleRate = sampleRate;
    if (!this.parts.length) for (let c = 0; c < channelData.length; c++) this.parts.push([]);
    channelData.forEach((ch, c) => (this.hashes[c] ??= createHash('sha256')).update(new Uint8Array(ch.buffer, ch.byteOffset, ch.byteLength)));
    this.frames += n;
    const room = Math.floor(this.maxSeconds * this.sampleRate) - this.kept;
    if (room <= 0) return;
    const take = Math.min(room, n);
    // Copies: the decoder may reuse its output buffers for the next chunk.
    for (let c = 0; c < this.parts.length; c++) this.parts[c].push((channelData[c] ?? channelData[0]).slice(0, take));
    this.kept += take;
  }

  finish(decoder: string): DecodedAudio {
    const channels = this.parts.map((pieces) => {
      const out = new Float32Array(this.kept);
      let at = 0;
      for (const p of pieces) { out.set(p, at); at += p.length; }
      return out;
    });
    return { channels, sampleRate: this.sampleRate, totalFrames: this.frames, clipped: this.frames > this.kept, decoder, sampleHash: this.sampleHash() };
  }

  private sampleHash(): string {
    const all = createHash('sha256');
    for (const h of this.hashes) all.update(h.digest());
    return all.digest('hex');
  }
}

const HEAD_BYTES = 8192;

/**
 * Bytes of PCM a WAV header promises beyond what the file holds (0 when it is whole or the size
 * is unknown): a cut-off WAV decodes without complaint, so the header is the only witness.
 */
export function missingWavBytes(head: Uint8Array, fileSize: number): number {
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  let at = 12;
  while (at + 8 <= head.length) {
    const id = String.fromCharCode(...head.subarray(at, at + 4));
    const size = view.getUint32(at + 4, true);
    if (id === 'data') return size === 0xffffffff || size === 0 ? 0 : Math.max(0, at + 8 + size - fileSize);
    at += 8 + size + (size & 1);
  }
  return 0;
}

async function readHead(path: string): Promise<{ head: Uint8Array; size: number }> {
  let fh;
  try {
    fh = await open(path, 'r');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new AudioFileError(path, 'unreadable', code === 'EACCES' || code === 'EPERM' ? 'permission denied' : `cannot open (${code ?? (e as Error).message})`);
  }
  try {
    const { size } = await fh.stat();
    const head = new Uint8Array(HEAD_BYTES);
    const { bytesRead } = await fh.read(head, 0, head.length, 0);
    return { head: head.subarray(0, bytesRead), size };
  } finally {
    await fh.close();
  }
}

async function decodeWithAudioDecode(path: string, format: ContainerFormat, o: DecodeOptions): Promise<DecodedAudio> {
  const out = new ChannelCollector(o.maxSeconds);
  for await (const chunk of decodeChunked(createReadStream(path, { highWaterMark: o.chunkBytes }), format)) {
    out.push(chunk.channelData, chunk.sampleRate);
  }
  return out.finish(`audio-decode/${format}`);
}

/** ffmpeg → interleaved f32le on a pipe, de-interleaved here as it arrives. */
async function decodeWithFfmpeg(path: string, o: DecodeOptions): Promise<DecodedAudio> {
  const probe = spawnSync('ffprobe', ['-v', 'error', '-select_streams', 'a:0', '-show_entries', 'stream=channels,sample_rate', '-of', 'default=noprint_wrappers=1', path], { encoding: 'utf8' });
  const field = (name: string) => Number(new RegExp(`^${name}=(\\d+)`, 'm').exec(probe.stdout ?? '')?.[1]);
  const ch = field('channels');
  const sr = field('sample_rate');
  const channels = Number.isInteger(ch) && ch > 0 ? Math.min(ch, 8) : 2;
  const sampleRate = Number.isInteger(sr) && sr > 0 ? sr : 44_100;
  const child = spawn('ffmpeg', ['-v', 'error', '-nostdin', '-i', path, '-vn', '-f', 'f32le', '-acodec', 'pcm_f32le', '-ac', String(channels), '-ar', String(sampleRate), 'pipe:1'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const out = new ChannelCollector(o.maxSeconds);
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const frameBytes = 4 * channels;
  let carry = Buffer.alloc(0);
  for await (const data of child.stdout as AsyncIterable<Buffer>) {
    const buf = carry.length ? Buffer.concat([carry, data]) : data;
    const frames = Math.floor(buf.length / frameBytes);
    const interleaved = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + frames * frameBytes));
    const planes = Array.from({ length: channels }, () => new Float32Array(frames));
    for (let i = 0; i < frames; i++) for (let c = 0; c < channels; c++) planes[c][i] = interleaved[i * channels + c];
    out.push(planes, sampleRate);
    carry = Buffer.from(buf.subarray(frames * frameBytes));
  }
  const code: number = await new Promise((res) => (child.exitCode !== null ? res(child.exitCode) : child.on('close', (c) => res(c ?? 1))));
  if (code !== 0 || out.frames === 0) throw new AudioFileError(path, 'corrupt', `ffmpeg could not decode it (${stderr.trim().split('\n').pop() || `exit ${code}`})`);
  return out.finish('ffmpeg');
}

/** Decodes `path`, throwing AudioFileError for a file that is empty, unreadable, unsupported or corrupt. */
export async function decodeAudioFile(path: string, options: Partial<DecodeOptions> = {}): Promise<DecodedAudio> {
  const o: DecodeOptions = { ...DEFAULT_DECODE_OPTIONS, ...options };
  const { head, size } = await readHead(path);
  if (size === 0) throw new AudioFileError(path, 'empty', 'zero-length file');
  const format = sniffFormat(head);
  if (format === 'wav' && missingWavBytes(head, size) > 0) {
    throw new AudioFileError(path, 'truncated', `truncated: the WAV header promises ${missingWavBytes(head, size)} more bytes of audio than the file holds`);
  }
  const ffmpeg = o.ffmpegFallback && hasFfmpeg();
  if (format) {
    try {
      const decoded = await decodeWithAudioDecode(path, format, o);
      if (decoded.totalFrames > 0) return decoded;
      if (!ffmpeg) throw new AudioFileError(path, 'corrupt', `no audio decoded (${format})`);
    } catch (e) {
      if (e instanceof AudioFileError) throw e;
      if (!ffmpeg) throw new AudioFileError(path, 'corrupt', `cannot decode as ${format}: ${(e as Error).message}`);
    }
  }
  if (!ffmpeg) throw new AudioFileError(path, 'unsupported', 'not an audio format moodscape reads (WAV, MP3, FLAC, Ogg Vorbis/Opus, M4A; others need ffmpeg on PATH)');
  try {
    return await decodeWithFfmpeg(path, o);
  } catch (e) {
    if (e instanceof AudioFileError && !format) throw new AudioFileError(path, 'unsupported', `not a format audio-decode reads, and ${e.message}`);
    throw e;
  }
}
