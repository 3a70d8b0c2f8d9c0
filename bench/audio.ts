/**
 * The audio analyser against its ground truth and its peers (issue 13 item 5).
 *
 *   node --import tsx bench/audio.ts [--runs N] [--speed-files N] [--wesnoth-files N] [--quick]
 *
 * 1. Rendered grid (test/support/audio-corpus.ts fullGridPieces: 24 keys × 2 metres × 3 tempos,
 *    five instruments, plus the contrast pieces, speech, noise, silence, clipping): tempo within
 *    ±2 % (octave/metrical errors apart), key + mode, time signature, loudness against ffmpeg's
 *    ebur128 filter, duration.
 * 2. Real recordings (Debian's wesnoth-music Oggs): tempo agreement with `aubio tempo`, loudness
 *    and loudness range against ffmpeg.
 * 3. Speed on the same Oggs, side by side: moodscape decode (audio-decode) + analyzeSignal in this
 *    process, `aubio tempo`, `ffmpeg -af ebur128`; CPU seconds (user + system, all threads; for
 *    the peers from /usr/bin/time) and wall seconds, medians of `--runs` runs, as × realtime per
 *    core. The box is shared, so CPU time is the figure to compare; wall time is shown beside it.
 *
 * Writes bench/results/audio.md and audio.json atomically (--quick: prints only).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import decode from 'audio-decode';
import { analyzeSignal, ANALYZER_VERSION } from '../src/core/audio/analyze-signal.ts';
import { analysedCorpus, ffmpegEbur128, fullGridPieces, isOctaveError, testPieces } from '../test/support/audio-corpus.ts';
import { markdownTable, writeAtomic } from './lib/markdown.ts';
import { machineLine, median } from './lib/stats.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const { values: args } = parseArgs({
  options: { quick: { type: 'boolean' }, runs: { type: 'string' }, 'speed-files': { type: 'string' }, 'wesnoth-files': { type: 'string' } },
});
const QUICK = args.quick === true;
const RUNS = Number(args.runs ?? (QUICK ? 1 : 3));
const SPEED_FILES = Number(args['speed-files'] ?? (QUICK ? 2 : 6));
const WESNOTH_FILES = Number(args['wesnoth-files'] ?? (QUICK ? 4 : 1000));
const MUSIC = '/usr/share/games/wesnoth/1.16/data/core/music';
const log = (s: string) => process.stderr.write(s + '\n');
const pct = (a: number, b: number) => `${a}/${b} (${((100 * a) / b).toFixed(1)} %)`;
const f2 = (x: number) => x.toFixed(2);

// ---------- 1. rendered grid ----------
log('rendering and analysing the grid …');
const grid = await analysedCorpus(analyzeSignal, QUICK ? testPieces() : fullGridPieces());
const pieces = grid.filter((f) => f.spec && (f.spec.style === "chords" || f.spec.style === "groove"));
let tempoRight = 0, tempoOctave = 0, keyRight = 0, relativeOrFifth = 0, meterRight = 0, meterTotal = 0;
const loudDiffs: number[] = [], lraDiffs: number[] = [], durDiffs: number[] = [];
const tempoWrong: string[] = [], keyWrong: string[] = [];
for (const p of pieces) {
  const s = p.spec!, f = p.features;
  if (Math.abs(f.tempo / s.bpm - 1) <= 0.02) tempoRight++;
  else { if (isOctaveError(f.tempo, s.bpm)) tempoOctave++; tempoWrong.push(`${p.name} → ${f.tempo.toFixed(1)}`); }
  if (f.key === s.key && f.mode === s.mode) keyRight++;
  else {
    const relative = f.mode !== s.mode && (f.mode === 0 ? (s.key + 9) % 12 : (s.key + 3) % 12) === f.key;
    const fifth = f.mode === s.mode && ((s.key + 7) % 12 === f.key || (s.key + 5) % 12 === f.key);
    if (relative || fifth) relativeOrFifth++;
    keyWrong.push(`${p.name} → ${f.key}/${f.mode}`);
  }
  if (s.style === 'chords') { meterTotal++; if (f.time_signature === s.meter) meterRight++; }
}
for (const f of grid) {
  durDiffs.push(Math.abs(f.durationMs - (f.samples / f.sampleRate) * 1000));
  if (f.kind === 'silence') continue;
  const ref = ffmpegEbur128(f.file);
  loudDiffs.push(Math.abs(f.features.loudness - ref.integrated));
  lraDiffs.push(Math.abs(f.features.loudness_range - ref.range));
}
const gridRows = [
  ['tempo within ±2 %', pct(tempoRight, pieces.length), `${tempoOctave} of the misses are octave/metrical errors (×½, ×2, ×⅔, ×3/2)`],
  ['tempo within ±2 % or an octave/metrical error', pct(tempoRight + tempoOctave, pieces.length), ''],
  ['key and mode right', pct(keyRight, pieces.length), `${relativeOrFifth} of the misses are the relative key or a fifth away`],
  ['time signature right (3 or 4)', pct(meterRight, meterTotal), 'chord pieces'],
  ['loudness vs ffmpeg ebur128, |Δ| LU', `median ${f2(median(loudDiffs))}, max ${f2(Math.max(...loudDiffs))}`, `${loudDiffs.filter((d) => d <= 0.5).length}/${loudDiffs.length} files within 0.5 LU`],
  ['loudness range vs ffmpeg, |Δ| LU', `median ${f2(median(lraDiffs))}, max ${f2(Math.max(...lraDiffs))}`, ''],
  ['duration |Δ| ms', `max ${Math.max(...durDiffs).toFixed(3)}`, ''],
];
log(markdownTable(['measure', 'result', 'note'], gridRows));

// ---------- 2. wesnoth: accuracy against the peers ----------
const oggs = readdirSync(MUSIC).filter((f) => f.endsWith('.ogg')).sort().slice(0, WESNOTH_FILES);
const aubioTempo = (file: string) => Number(/([\d.]+) bpm/.exec(execFileSync('aubio', ['tempo', file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }))?.[1]);
let agree2 = 0, agree4 = 0, agreeOctave = 0, wesCount = 0;
const wesLoud: number[] = [], wesLra: number[] = [];
const wesRows: string[][] = [];
for (const name of oggs) {
  const file = join(MUSIC, name);
  const audio = await decode(readFileSync(file));
  const seconds = audio.channelData[0].length / audio.sampleRate;
  if (seconds < 5) continue;
  const f = analyzeSignal(audio.channelData, audio.sampleRate).features;
  const aubio = aubioTempo(file);
  const ref = ffmpegEbur128(file);
  wesCount++;
  const r = f.tempo / aubio;
  if (Math.abs(r - 1) <= 0.02) agree2++;
  if (Math.abs(r - 1) <= 0.04) agree4++;
  else if (isOctaveError(f.tempo, aubio, 0.04)) agreeOctave++;
  wesLoud.push(Math.abs(f.loudness - ref.integrated));
  wesLra.push(Math.abs(f.loudness_range - ref.range));
  wesRows.push([name, seconds.toFixed(0), f.tempo.toFixed(1), aubio.toFixed(1), r.toFixed(3), f2(f.loudness), f2(ref.integrated), f2(f.loudness_range), f2(ref.range)]);
  log(`${name}: ${wesRows.at(-1)!.slice(2).join(' ')}`);
}
const wesSummary = [
  ['tempo agrees with `aubio tempo` within 2 %', pct(agree2, wesCount)],
  ['… within 4 %', pct(agree4, wesCount)],
  ['… off by ×½, ×2, ×⅔ or ×3/2 (within 4 %)', pct(agreeOctave, wesCount)],
  ['loudness vs ffmpeg, |Δ| LU', `median ${f2(median(wesLoud))}, max ${f2(Math.max(...wesLoud))}`],
  ['loudness range vs ffmpeg, |Δ| LU', `median ${f2(median(wesLra))}, max ${f2(Math.max(...wesLra))}`],
];

// ---------- 3. speed ----------
function timedChild(cmd: string, args: string[]): { cpu: number; wall: number } {
  const t = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-f', '%U %S', cmd, ...args], { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
  const wall = Number(process.hrtime.bigint() - t) / 1e9;
  const m = /([\d.]+) ([\d.]+)\s*$/.exec(r.stderr);
  if (r.status !== 0 || !m) throw new Error(`${cmd} failed: ${r.stderr.slice(-300)}`);
  return { cpu: Number(m[1]) + Number(m[2]), wall };
}
async function timedOurs(file: string): Promise<{ cpu: number; wall: number; decodeCpu: number }> {
  const bytes = readFileSync(file);
  const c0 = process.cpuUsage(), t0 = process.hrtime.bigint();
  const audio = await decode(bytes);
  const c1 = process.cpuUsage(c0);
  analyzeSignal(audio.channelData, audio.sampleRate);
  const c2 = process.cpuUsage(c0);
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  return { cpu: (c2.user + c2.system) / 1e6, wall, decodeCpu: (c1.user + c1.system) / 1e6 };
}
// The longest files (steady-state throughput); one warm-up run of ours so the JIT and wasm are ready.
const speedFiles = oggs.map((n) => join(MUSIC, n)).sort((a, b) => statSync(b).size - statSync(a).size).slice(0, SPEED_FILES);
await timedOurs(speedFiles[0]);
let audioSeconds = 0;
for (const f of speedFiles) { const a = await decode(readFileSync(f)); audioSeconds += a.channelData[0].length / a.sampleRate; }
const runs: { ours: { cpu: number; wall: number; decodeCpu: number }; aubio: { cpu: number; wall: number }; ffmpeg: { cpu: number; wall: number } }[] = [];
for (let r = 0; r < RUNS; r++) {
  const run = { ours: { cpu: 0, wall: 0, decodeCpu: 0 }, aubio: { cpu: 0, wall: 0 }, ffmpeg: { cpu: 0, wall: 0 } };
  for (const f of speedFiles) {
    const o = await timedOurs(f);
    run.ours.cpu += o.cpu; run.ours.wall += o.wall; run.ours.decodeCpu += o.decodeCpu;
    const a = timedChild('aubio', ['tempo', f]);
    run.aubio.cpu += a.cpu; run.aubio.wall += a.wall;
    const m = timedChild('ffmpeg', ['-hide_banner', '-nostats', '-i', f, '-af', 'ebur128', '-f', 'null', '-']);
    run.ffmpeg.cpu += m.cpu; run.ffmpeg.wall += m.wall;
  }
  runs.push(run);
  log(`speed run ${r + 1}/${RUNS}: ours ${(audioSeconds / run.ours.cpu).toFixed(0)}× per CPU s, aubio ${(audioSeconds / run.aubio.cpu).toFixed(0)}×, ffmpeg ${(audioSeconds / run.ffmpeg.cpu).toFixed(0)}×`);
}
const med = (pick: (r: (typeof runs)[number]) => number) => median(runs.map(pick));
const ours = med((r) => r.ours.cpu), oursWall = med((r) => r.ours.wall), oursDecode = med((r) => r.ours.decodeCpu);
const aubioCpu = med((r) => r.aubio.cpu), aubioWall = med((r) => r.aubio.wall);
const ffCpu = med((r) => r.ffmpeg.cpu), ffWall = med((r) => r.ffmpeg.wall);
const x = (s: number) => `${(audioSeconds / s).toFixed(0)}×`;
const speedRows = [
  ['moodscape: decode (audio-decode) + all features', x(ours), x(oursWall), '1.00'],
  ['  of which decode', x(oursDecode), '', ''],
  ['  of which analyzeSignal', x(ours - oursDecode), '', ''],
  ['`aubio tempo` (tempo only)', x(aubioCpu), x(aubioWall), (aubioCpu / ours).toFixed(2)],
  ['`ffmpeg -af ebur128` (loudness only)', x(ffCpu), x(ffWall), (ffCpu / ours).toFixed(2)],
];

const machine = machineLine();
const load = loadavg();
const md = [
  '# Audio analysis: ground truth, peers and speed',
  '',
  `Machine: ${machine}. Load average at the end ${load[0].toFixed(1)} / ${load[1].toFixed(1)} (shared box).`,
  `Analyzer ${ANALYZER_VERSION}. Command: \`node --import tsx bench/audio.ts${QUICK ? ' --quick' : ''} --runs ${RUNS}\`. Date ${new Date().toISOString().slice(0, 16)} UTC.`,
  '',
  `## Rendered corpus with known truth (${pieces.length} pieces, ${grid.length} files)`,
  '',
  markdownTable(['measure', 'result', 'note'], gridRows),
  '',
  `## Real recordings: ${wesCount} wesnoth-music Oggs against aubio and ffmpeg`,
  '',
  markdownTable(['measure', 'result'], wesSummary),
  '',
  '<details><summary>per file</summary>',
  '',
  markdownTable(['file', 's', 'tempo', 'aubio', 'ratio', 'LUFS', 'ffmpeg I', 'LRA', 'ffmpeg LRA'], wesRows, ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r']),
  '',
  '</details>',
  '',
  `## Speed: the ${speedFiles.length} longest Oggs (${(audioSeconds / 60).toFixed(1)} min of audio), medians of ${RUNS} runs`,
  '',
  '× realtime = seconds of audio per second of CPU (user + system over all threads), i.e. per core; wall time beside it. Peer CPU time from /usr/bin/time. Ratio = peer CPU time / moodscape CPU time (above 1: moodscape is faster).',
  '',
  markdownTable(['what', '× realtime per CPU core', '× realtime wall', 'peer CPU / ours'], speedRows, ['l', 'r', 'r', 'r']),
  '',
].join('\n');
process.stdout.write(md + '\n');
if (tempoWrong.length) log(`tempo misses: ${tempoWrong.join('; ')}`);
if (keyWrong.length) log(`key misses: ${keyWrong.join('; ')}`);
if (!QUICK) {
  writeAtomic(join(HERE, 'results/audio.md'), md);
  writeAtomic(join(HERE, 'results/audio.json'), JSON.stringify({ machine, load, analyzer: ANALYZER_VERSION, gridRows, wesSummary, wesRows, speedRows, runs, audioSeconds, tempoWrong, keyWrong }, null, 1));
}
