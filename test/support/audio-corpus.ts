/**
 * The rendered test corpus with known truth (issue 13 item 5). Nothing is committed: pieces are
 * written as MIDI by our own writer, rendered by Debian's fluidsynth with FluidR3_GM in a single
 * pass (one soundfont load), cut into one WAV per piece, and joined by espeak-ng speech and
 * generated silence, white noise and a clipped piece. The corpus is built once per machine and
 * spec into os.tmpdir() (keyed by a hash of its description, built in a scratch directory and
 * renamed into place) so the test files that share it render it once.
 *
 * Pieces establish their key: a I–IV–V–I (major) or i–iv–V–i (harmonic minor) progression with
 * the bass on the root at each downbeat, a triad on every beat and an arpeggiated melody that
 * starts and ends on the tonic; the downbeat is accented, so the metre is audible. Notes sit on
 * the beat grid only (no subdivisions), so the tempo is the quarter-note rate.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import decode from 'audio-decode';
import { writeMidi, type MidiNote, type MidiProgram } from './midi-writer.ts';
import { encodeWav16 } from './wav.ts';

export const SOUNDFONT = '/usr/share/sounds/sf2/FluidR3_GM.sf2';
export const RATE = 44100;

export type Style = 'chords' | 'pad' | 'sparse' | 'groove';

export interface PieceSpec {
  name: string;
  /** Pitch class of the tonic, 0 = C. */
  key: number;
  mode: 0 | 1;
  bpm: number;
  meter: 3 | 4;
  /** General MIDI program (0-based). */
  program: number;
  style: Style;
  velocity: number;
  acoustic: boolean;
}

export interface CorpusFile {
  name: string;
  file: string;
  kind: 'piece' | 'speech' | 'silence' | 'noise' | 'clipped';
  spec?: PieceSpec;
  /** Exact length in samples of the written file and its rate. */
  samples: number;
  sampleRate: number;
}

export const PROGRAMS = {
  piano: 0,
  nylonGuitar: 24,
  distortedGuitar: 30,
  strings: 48,
  squareLead: 80,
  sawLead: 81,
} as const;

const ACOUSTIC = [PROGRAMS.piano, PROGRAMS.nylonGuitar, PROGRAMS.strings];
const ELECTRONIC = [PROGRAMS.sawLead, PROGRAMS.squareLead, PROGRAMS.distortedGuitar];
const INSTRUMENTS = [PROGRAMS.piano, PROGRAMS.nylonGuitar, PROGRAMS.strings, PROGRAMS.sawLead, PROGRAMS.distortedGuitar];
const isAcoustic = (p: number) => (ACOUSTIC as number[]).includes(p);
export const KEY_NAMES = ['C', 'C#', 'D', 'D#', 'E', 'F', 'F#', 'G', 'G#', 'A', 'A#', 'B'];
const programName = (p: number) => Object.entries(PROGRAMS).find(([, v]) => v === p)?.[0] ?? `p${p}`;

function piece(key: number, mode: 0 | 1, bpm: number, meter: 3 | 4, program: number, style: Style = 'chords', velocity = 90): PieceSpec {
  const name = `${style}-${KEY_NAMES[key].replace('#', 's')}${mode ? 'maj' : 'min'}-${bpm}bpm-${meter}4-${programName(program)}-v${velocity}`;
  return { name, key, mode, bpm, meter, program, style, velocity, acoustic: isAcoustic(program) };
}

/**
 * The test subset: all 24 keys (tempos spread over 60–180, metres and instruments rotating), a
 * tempo ladder, and the controlled contrasts of the estimated features.
 */
export function testPieces(): PieceSpec[] {
  const out: PieceSpec[] = [];
  for (let i = 0; i < 24; i++) {
    const key = (i * 7) % 12;
    const mode = (i < 12 ? 1 : 0) as 0 | 1;
    const bpm = 60 + ((i * 37) % 121);
    out.push(piece(key, mode, bpm, i % 3 === 2 ? 3 : 4, INSTRUMENTS[i % INSTRUMENTS.length]));
  }
  for (const bpm of [60, 75, 90, 105, 120, 135, 150, 165, 180]) out.push(piece(bpm % 12, 1, bpm, bpm % 30 === 0 ? 3 : 4, PROGRAMS.piano));
  out.push(...contrastPieces());
  return out;
}

/** The same C-major progression on each acoustic and electronic instrument; loud/quiet; groove/pad; happy/sad. */
export function contrastPieces(): PieceSpec[] {
  return [
    ...[...ACOUSTIC, ...ELECTRONIC].map((p) => piece(0, 1, 100, 4, p)),
    piece(9, 0, 128, 4, PROGRAMS.distortedGuitar, 'groove', 120),
    piece(9, 0, 70, 4, PROGRAMS.piano, 'sparse', 35),
    piece(2, 1, 118, 4, PROGRAMS.piano, 'groove', 100),
    piece(2, 1, 118, 4, PROGRAMS.strings, 'pad', 80),
    piece(7, 1, 140, 4, PROGRAMS.piano, 'chords', 95),
    piece(7, 0, 70, 4, PROGRAMS.piano, 'chords', 95),
  ];
}

/** The full grid for the bench: 24 keys × 2 metres × 3 tempos, instruments rotating. */
export function fullGridPieces(): PieceSpec[] {
  const out: PieceSpec[] = [];
  let i = 0;
  for (let key = 0; key < 12; key++)
    for (const mode of [1, 0] as const)
      for (const meter of [4, 3] as const)
        for (const bpm of [64 + key * 2, 112 + key, 150 + key * 2]) out.push(piece(key, mode, bpm, meter, INSTRUMENTS[i++ % INSTRUMENTS.length]));
  return [...out, ...contrastPieces()];
}

const MAJOR = [0, 2, 4, 5, 7, 9, 11];
const MINOR = [0, 2, 3, 5, 7, 8, 10];

/** Triad on scale degree `degree` (0-based), as semitones above the tonic; V in minor gets the leading tone. */
function triad(mode: 0 | 1, degree: number): number[] {
  const scale = mode ? MAJOR : MINOR;
  return [0, 2, 4].map((step) => {
    const d = degree + step;
    let semis = scale[d % 7] + 12 * Math.floor(d / 7);
    if (!mode && d % 7 === 6) semis += 1;
    return semis;
  });
}

/** Seconds of music in a piece: whole progressions (4 bars), at least 10 s. */
export function pieceSeconds(s: PieceSpec): number {
  const bar = (s.meter * 60) / s.bpm;
  return 4 * Math.ceil(10 / (4 * bar)) * bar;
}

/** Notes of one piece starting at `t0` ms on channels 0 (melody/chords), 1 (bass) and 9 (drums). */
export function pieceNotes(s: PieceSpec, t0: number): MidiNote[] {
  const beat = 60000 / s.bpm;
  const bars = Math.round((pieceSeconds(s) * 1000) / (beat * s.meter));
  const tonic = 48 + s.key; // C3 … B3
  const progression = [0, 3, 4, 0];
  const notes: MidiNote[] = [];
  const v = s.velocity;
  const add = (at: number, length: number, pitch: number, velocity: number, channel = 0) => notes.push({ at: t0 + at, length, pitch, velocity, channel });
  for (let bar = 0; bar < bars; bar++) {
    const chord = triad(s.mode, progression[bar % 4]);
    const last = bar === bars - 1;
    const barStart = bar * s.meter * beat;
    if (s.style !== 'sparse') add(barStart, (last ? s.meter : s.meter - 0.2) * beat, tonic - 12 + chord[0], v + 15, 1);
    if (s.style === 'pad') {
      for (const c of chord) add(barStart, s.meter * beat * 0.98, tonic + 12 + c, v);
      continue;
    }
    for (let b = 0; b < s.meter; b++) {
      const at = barStart + b * beat;
      const accent = b === 0 ? 20 : 0;
      if (s.style === 'sparse') {
        if (b % 2 === 0) add(at, beat * 1.8, tonic + 12 + chord[b % 3], v + accent / 2);
        continue;
      }
      const len = last ? (s.meter - b) * beat : beat * 0.85;
      for (const c of chord) add(at, len, tonic + 12 + c, v - 15 + accent);
      const melody = last ? 24 : [24, chord[1] + 24, chord[2] + 12, chord[0] + 24][b % 4];
      add(at, len, tonic + 12 + melody, v + accent);
      if (s.style === 'groove') {
        add(at, beat / 2, b % 2 === 0 ? 36 : 38, 110 + accent / 2, 9);
        add(at, beat / 4, 42, 80, 9);
      }
      if (last) break;
    }
  }
  return notes;
}

const GAP_SECONDS = 2.5;
/** Kept after the last note ends, so the release is in the file and the next piece is not. */
const TAIL_SECONDS = 1;

function hashOf(x: unknown): string {
  return createHash('sha256').update(JSON.stringify(x)).digest('hex').slice(0, 16);
}

function channelsOf(audio: { channelData: Float32Array[] }): Float32Array[] {
  return audio.channelData;
}

const SPEECH = [
  'The committee will meet on Tuesday to discuss the budget for the coming year, and every member is asked to bring the figures.',
  'Please remember that the library closes early on public holidays. Books may be returned through the slot beside the door.',
];

export interface Corpus {
  dir: string;
  files: CorpusFile[];
}

/** Builds (or finds) the corpus for `pieces` plus speech, silence, noise and clipping. */
export async function buildAudioCorpus(pieces: readonly PieceSpec[] = testPieces()): Promise<Corpus> {
  const id = hashOf({ v: 3, pieces, SPEECH, GAP_SECONDS, TAIL_SECONDS });
  const dir = join(tmpdir(), `moodscape-audio-corpus-${id}`);
  const manifest = join(dir, 'corpus.json');
  if (existsSync(manifest)) return { dir, files: JSON.parse(readFileSync(manifest, 'utf8')) as CorpusFile[] };
  const scratch = `${dir}.${process.pid}.tmp`;
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(scratch, { recursive: true });
  const files: CorpusFile[] = [];
  const add = (name: string, kind: CorpusFile['kind'], channels: Float32Array[], sampleRate: number, spec?: PieceSpec) => {
    writeFileSync(join(scratch, `${name}.wav`), encodeWav16(channels, sampleRate));
    files.push({ name, file: join(dir, `${name}.wav`), kind, spec, samples: channels[0].length, sampleRate });
  };

  // All pieces in one MIDI file, one after the other; programs set at each piece's start.
  const notes: MidiNote[] = [];
  const programs: MidiProgram[] = [];
  const starts: number[] = [];
  let t = 500;
  for (const s of pieces) {
    starts.push(t);
    programs.push({ at: t - 200, channel: 0, program: s.program });
    programs.push({ at: t - 200, channel: 1, program: s.acoustic ? 32 : 38 }); // acoustic bass / synth bass
    notes.push(...pieceNotes(s, t));
    t += (pieceSeconds(s) + GAP_SECONDS) * 1000;
  }
  const mid = join(scratch, 'all.mid');
  writeFileSync(mid, writeMidi(notes, programs));
  const rendered = join(scratch, 'all.wav');
  const r = spawnSync('fluidsynth', ['-ni', '-R', '0', '-C', '0', '-g', '0.5', '-r', String(RATE), '-O', 's16', '-T', 'wav', '-F', rendered, SOUNDFONT, mid], { encoding: 'utf8' });
  if (r.status !== 0 || !existsSync(rendered)) throw new Error(`fluidsynth failed (${r.status}): ${r.stderr || r.error}`);
  const all = channelsOf(await decode(readFileSync(rendered)));
  rmSync(rendered);
  pieces.forEach((s, i) => {
    const a = Math.round((starts[i] / 1000) * RATE);
    const b = Math.min(all[0].length, a + Math.round((pieceSeconds(s) + TAIL_SECONDS) * RATE));
    add(s.name, 'piece', all.map((ch) => ch.slice(a, b)), RATE, s);
  });

  SPEECH.forEach((text, i) => {
    const wav = join(scratch, `speech-raw-${i}.wav`);
    execFileSync('espeak-ng', ['-s', '160', '-w', wav, text]);
    files.push({ name: `speech-${i}`, file: join(dir, `speech-${i}.wav`), kind: 'speech', samples: 0, sampleRate: 0 });
  });
  for (let i = 0; i < SPEECH.length; i++) {
    const raw = join(scratch, `speech-raw-${i}.wav`);
    const audio = await decode(readFileSync(raw));
    rmSync(raw);
    const f = files.find((x) => x.name === `speech-${i}`)!;
    writeFileSync(join(scratch, `speech-${i}.wav`), encodeWav16(audio.channelData, audio.sampleRate));
    f.samples = audio.channelData[0].length;
    f.sampleRate = audio.sampleRate;
  }

  add('silence', 'silence', [new Float32Array(RATE * 5), new Float32Array(RATE * 5)], RATE);
  let seed = 12345;
  const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648 - 0.5;
  const noise = Float32Array.from({ length: 48000 * 8 }, () => 0.5 * rnd());
  add('white-noise-48k', 'noise', [noise, Float32Array.from(noise, (v, i) => (i % 2 ? v : 0.5 * rnd()))], 48000);
  const loudIndex = pieces.findIndex((s) => s.style === 'groove' && s.velocity >= 120);
  if (loudIndex >= 0) {
    const src = files.find((f) => f.name === pieces[loudIndex].name)!;
    const audio = await decode(readFileSync(join(scratch, `${src.name}.wav`)));
    add('clipped', 'clipped', audio.channelData.map((ch) => Float32Array.from(ch, (v) => Math.max(-1, Math.min(1, v * 8)))), RATE);
  }
  rmSync(mid);
  writeFileSync(join(scratch, 'corpus.json'), JSON.stringify(files, null, 1));
  try {
    renameSync(scratch, dir);
  } catch {
    // Another test process finished the same corpus first: use theirs.
    rmSync(scratch, { recursive: true, force: true });
  }
  return { dir, files: JSON.parse(readFileSync(manifest, 'utf8')) as CorpusFile[] };
}

/** Decodes a corpus file the way `moodscape analyze` will: audio-decode, Float32 channels. */
export async function readCorpusFile(f: CorpusFile): Promise<{ channels: Float32Array[]; sampleRate: number }> {
  const audio = await decode(readFileSync(f.file));
  return { channels: audio.channelData, sampleRate: audio.sampleRate };
}

/** ffmpeg's ebur128 filter on `file`: integrated loudness (LUFS) and loudness range (LU) from its summary. */
export function ffmpegEbur128(file: string): { integrated: number; range: number } {
  const r = spawnSync('ffmpeg', ['-hide_banner', '-nostats', '-i', file, '-af', 'ebur128', '-f', 'null', '-'], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const summary = r.stderr.slice(r.stderr.lastIndexOf('Summary:'));
  const i = /I:\s+(-?[\d.]+|-inf) LUFS/.exec(summary);
  const lra = /LRA:\s+(-?[\d.]+) LU/.exec(summary);
  if (r.status !== 0 || !i || !lra) throw new Error(`ffmpeg ebur128 failed on ${file}: ${r.stderr.slice(-500)}`);
  return { integrated: i[1] === '-inf' ? -Infinity : Number(i[1]), range: Number(lra[1]) };
}

export interface AnalysedCorpusFile extends CorpusFile {
  features: Record<string, number>;
  durationMs: number;
}

/** The test corpus, each file decoded with audio-decode and run through `analyze`(channels, rate). */
export async function analysedCorpus(
  analyze: (channels: Float32Array[], sampleRate: number) => { features: Record<string, number>; durationMs: number },
  pieces: readonly PieceSpec[] = testPieces(),
): Promise<AnalysedCorpusFile[]> {
  const corpus = await buildAudioCorpus(pieces);
  const out: AnalysedCorpusFile[] = [];
  for (const f of corpus.files) {
    const { channels, sampleRate } = await readCorpusFile(f);
    const { features, durationMs } = analyze(channels, sampleRate);
    out.push({ ...f, features, durationMs });
  }
  return out;
}

/** Whether `got` is `truth` times one of the octave/metrical ratios (½, 2, ⅔, 3/2, ⅓, 3) within `tolerance`. */
export function isOctaveError(got: number, truth: number, tolerance = 0.02): boolean {
  return [0.5, 2, 2 / 3, 1.5, 1 / 3, 3].some((r) => Math.abs(got / (truth * r) - 1) <= tolerance);
}
