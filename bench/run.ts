/**
 * `npm run bench`: the moodscape pipeline alone (issue 2's bench, issue 3 item 9's budget).
 *
 *   node --import tsx bench/run.ts [--quick] [--runs N] [--heavy-runs N] [--only ingest,sweep,…]
 *
 * Times, each task in a fresh child process with its input already loaded (see lib/ms-task.ts):
 * ingest of 1M generated rows (readTracksCsv), the k sweep (k = 2..10, 3 restarts per k, silhouette on a
 * 10k sample per k) on 100k rows, GMM (4, full) on 100k rows, network training on 100k rows
 * (50 epochs, batch 256 and 16), tagging throughput on 1M tracks (feature matrix + scaler +
 * network), and the whole `train --from-clusters --k auto --method gmm --cv 5` workflow on 100k
 * tracks (issue 3's < 60 s budget), with its stages. Medians of `--runs` (default 3) runs; the
 * heavy tasks (batch-16 training, the train budget) run `--heavy-runs` times (default 1), and any
 * task whose first run exceeds 3 minutes runs once. Data is generated into os.tmpdir() and deleted.
 * Writes bench/results/pipeline.md and pipeline.json atomically (--quick / --only: prints only).
 * --reuse bench/results/sklearn.json skips the tasks bench:sklearn measures identically (ingest,
 * GMM, both network rows) and takes them from there; --render rebuilds pipeline.md from the JSONs.
 */
import { existsSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { FULL_SIZES, makeDataDir, prepareData, QUICK_SIZES, removeDataDir, type BenchData, type Sizes } from './lib/data.ts';
import { measureInterleaved, LONG_RUN_SECONDS, type Measured } from './lib/measure.ts';
import { markdownTable, writeAtomic } from './lib/markdown.ts';
import { fmtMB, fmtRange, fmtRate, fmtSeconds, machineLine, median } from './lib/stats.ts';
import type { TaskSpec } from './lib/task-spec.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
const flag = (n: string) => argv.includes(`--${n}`);
const opt = (n: string) => { const i = argv.indexOf(`--${n}`); return i >= 0 ? argv[i + 1] : undefined; };
const QUICK = flag('quick');
const RUNS = Number(opt('runs') ?? (QUICK ? 1 : 3));
const HEAVY_RUNS = Number(opt('heavy-runs') ?? 1);
const ONLY = opt('only')?.split(',');
/**
 * --reuse FILE: take the moodscape side of identical tasks (same generated data, same spec) from
 * a bench:sklearn results JSON instead of running them again (ingest, GMM, both network rows).
 */
const REUSE = opt('reuse');
const REUSE_IDS: Record<string, string> = { ingest: 'ingest', gmm: 'gmm', 'mlp-256': 'mlp-256', 'mlp-16': 'mlp-16' };
const EPOCHS = QUICK ? 5 : 50;
const log = (s: string) => process.stderr.write(s + '\n');

interface Task {
  id: string;
  label: string;
  spec: TaskSpec;
  heavy?: boolean;
  result: (m: Measured) => string;
}

function tasks(d: BenchData): Task[] {
  const s = d.sizes, f = d.files;
  const n = (x: number) => (x >= 1e6 ? `${x / 1e6}M` : x >= 1e3 ? `${x / 1e3}k` : String(x));
  const q = (m: Measured) => m.runs[0].quality;
  return [
    { id: 'ingest', label: `ingest ${n(s.big)} generated tracks (readTracksCsv, 19 columns)`, spec: { task: 'ingest', params: { file: f.tracksBig } },
      result: (m) => `${fmtRate(s.big / m.seconds)}; ${(q(m).rows as number).toLocaleString('en')} rows` },
    { id: 'sweep', label: `k sweep k=2..10, 3 restarts per k, ${n(s.mid)} × 9 (+ silhouette on a 5k sample per k), 2 threads`, spec: { task: 'sweep', params: { file: f.clusterMid, rows: s.mid, nInit: 3 } },
      result: (m) => `chosen k = ${q(m).chosenK} (${q(m).chosenBy})` },
    { id: 'gmm', label: `GMM 4 full, ${n(s.mid)} × 9`, spec: { task: 'gmm', params: { file: f.clusterMid, rows: s.mid, k: 4 } },
      result: (m) => `mean log-lik ${(q(m).meanLogLik as number).toFixed(4)}, ${q(m).nIter} EM iterations` },
    { id: 'mlp-256', label: `network 64-32 (dropout 0.2), ${n(s.mid)} × 11, ${EPOCHS} epochs, batch 256`, spec: { task: 'mlp', params: { train: f.mlpTrain, test: f.mlpTest, batch: 256, epochs: EPOCHS } },
      result: (m) => `test accuracy ${(q(m).accuracy as number).toFixed(4)}; ${fmtRate((s.mid * EPOCHS) / m.seconds)} row-epochs` },
    { id: 'mlp-16', heavy: true, label: `network 64-32 (dropout 0.2), ${n(s.mid)} × 11, ${EPOCHS} epochs, batch 16`, spec: { task: 'mlp', params: { train: f.mlpTrain, test: f.mlpTest, batch: 16, epochs: EPOCHS } },
      result: (m) => `test accuracy ${(q(m).accuracy as number).toFixed(4)}; ${fmtRate((s.mid * EPOCHS) / m.seconds)} row-epochs` },
    { id: 'tag', label: `tagging ${n(s.big)} tracks (features → scaler → network)`, spec: { task: 'tag', params: { train: f.labelledMid, file: f.tracksBig, fitEpochs: 2 } },
      result: (m) => fmtRate(s.big / m.seconds) },
    { id: 'train', heavy: true, label: `full train: k sweep + GMM + 5-fold network CV + final fit, ${n(s.mid)} tracks`, spec: { task: 'train', params: { file: f.tracksMid } },
      result: (m) => `${m.seconds < 60 ? 'within' : 'over'} the 60 s budget; chosen k = ${q(m).chosenK}, CV accuracy ${(q(m).cvAccuracy as number).toFixed(4)}` },
  ];
}

interface Saved {
  date: string;
  machine: string;
  command: string;
  sizes: Sizes;
  results: { id: string; label: string; result: string; m: Measured; load: [number, number]; from?: string }[];
  /** Free text about the run, added by hand to the JSON (e.g. what ran alongside). */
  note?: string;
}

/** Rows marked `from` take their measurements from the bench:sklearn JSON (when it has them). */
function fillReused(s: Saved, d: BenchData): Saved {
  const byId = new Map(tasks(d).map((t) => [t.id, t]));
  const results = s.results.flatMap((r) => {
    if (!r.from) return [r];
    const got = reusedRow(r.id, s.sizes, r.from);
    if (!got) return [];
    return [{ ...r, m: got.m, load: got.load, result: byId.get(r.id)!.result(got.m) }];
  });
  return { ...s, results };
}

function render(s: Saved): string {
  const table = markdownTable(
    ['task', 'N', 'median', 'range', 'CPU time', 'peak RSS', 'result'],
    s.results.map((r) => [
      r.label,
      `${r.m.runs.length}${r.m.cappedLong ? ` (> ${LONG_RUN_SECONDS / 60} min)` : ''}${r.from ? ' †' : ''}`,
      fmtSeconds(r.m.seconds),
      fmtRange(r.m.runs.map((x) => x.seconds)),
      fmtSeconds(median(r.m.runs.map((x) => x.cpuSeconds ?? NaN))),
      fmtMB(r.m.peakMB),
      r.result,
    ]),
    ['l', 'r', 'r', 'r', 'r', 'r', 'l'],
  );
  const train = s.results.find((r) => r.id === 'train');
  // The stage split of the run whose time is nearest the median (not an outlier).
  const typical = train ? train.m.runs.reduce((a, b) => (Math.abs(b.seconds - train.m.seconds) < Math.abs(a.seconds - train.m.seconds) ? b : a)) : undefined;
  const stages = typical ? (typical.quality.stages as Record<string, number>) : undefined;
  const loads = s.results.flatMap((r) => r.load);
  return [
    '# moodscape pipeline bench',
    '',
    `Machine: ${s.machine}. 1-minute load average ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)} during the run (2 cores, the benchmark's own processes included); on this shared machine read differences under ±30 % as noise.`,
    `Run: \`${s.command}\` on ${s.date}. Each run is one task in a fresh Node process, input already loaded, on the threads the CLI uses (two here: the k sweep, K-Means restarts, GMM passes and CV folds; the rest on one);`,
    'time is wall time around the call (CPU time: user + system of the process during the call, a steadier figure on a busy machine), peak RSS the process\'s VmHWM reset after loading (includes the loaded data and ≈ 50 MB of runtime).',
    `Data: a generated catalogue (seed 1) of ${s.sizes.big.toLocaleString('en')} tracks, written once to the OS temp directory; 100k-row tasks use its first ${s.sizes.mid.toLocaleString('en')} rows`,
    '(clustering: the 9 default clustering features, z-scored); the network trains on a labelled sample (seed 2, 11 features, 4 moods) and is tested on another (seed 3).',
    ...(s.note ? ['', s.note] : []),
    '',
    table,
    '',
    ...(s.results.some((r) => r.from)
      ? ['† measured in the same session by `npm run bench:sklearn` (identical task, data and child process; see sklearn.md), not run twice.', '']
      : []),
    ...(stages
      ? [
          `Where the full \`train\` time goes (the run of ${fmtSeconds(typical!.seconds)}; the main thread's timeline, while workers run the CV folds from "final model" on):`,
          '',
          markdownTable(['stage', 'wall time', 'share'], Object.entries(stages).map(([k, v]) => [k, fmtSeconds(v), `${((v / typical!.seconds) * 100).toFixed(0)} %`]), ['l', 'r', 'r']),
          '',
          `The runs used a median ${fmtSeconds(median(train!.m.runs.map((x) => x.cpuSeconds ?? NaN)))} of CPU in ${fmtSeconds(train!.m.seconds)} of wall time (two threads).`,
          'Issue 3 sets a target of under 60 s.',
          '',
        ]
      : []),
  ].join('\n');
}

function reusedRow(id: string, sizes: Sizes, file: string): { m: Measured; load: [number, number] } | undefined {
  if (!REUSE_IDS[id] || !existsSync(file)) return undefined;
  const saved = JSON.parse(readFileSync(file, 'utf8')) as { sizes: Sizes; results: { id: string; moodscape: Measured; load: [number, number] }[] };
  if (JSON.stringify(saved.sizes) !== JSON.stringify(sizes)) return undefined;
  const r = saved.results.find((x) => x.id === REUSE_IDS[id]);
  return r ? { m: r.moodscape, load: r.load } : undefined;
}

async function main(): Promise<void> {
  if (flag('render')) {
    const saved = JSON.parse(readFileSync(join(HERE, 'results', 'pipeline.json'), 'utf8')) as Saved;
    const files = Object.fromEntries(['tracksBig', 'tracksMid', 'labelledMid', 'clusterMid', 'mlpTrain', 'mlpTest'].map((k) => [k, '']));
    writeAtomic(join(HERE, 'results', 'pipeline.md'), render(fillReused(saved, { dir: '', sizes: saved.sizes, files, moods: [] })));
    log('rendered bench/results/pipeline.md');
    return;
  }
  const sizes = QUICK ? QUICK_SIZES : FULL_SIZES;
  const dir = makeDataDir();
  const cleanup = () => removeDataDir(dir);
  process.once('SIGINT', () => { cleanup(); process.exit(130); });
  try {
    const data = await prepareData(dir, sizes, new Set(['tracks', 'clusterMid', 'mlp']), log);
    const saved: Saved = {
      date: new Date().toISOString().slice(0, 10),
      machine: machineLine(),
      command: `npm run bench${argv.length ? ' -- ' + argv.join(' ') : ''}`,
      sizes,
      results: [],
    };
    for (const t of tasks(data)) {
      if (ONLY && !ONLY.includes(t.id)) continue;
      log(t.label);
      if (REUSE && REUSE_IDS[t.id]) {
        // Filled in from the bench:sklearn results when rendering.
        saved.results.push({ id: t.id, label: t.label, result: '', m: { runs: [], seconds: NaN, peakMB: NaN, cappedLong: false }, load: [NaN, NaN], from: REUSE });
        continue;
      }
      const l0 = loadavg()[0];
      const m = (await measureInterleaved({ moodscape: t.spec }, t.heavy ? HEAVY_RUNS : RUNS, log)).moodscape!;
      saved.results.push({ id: t.id, label: t.label, result: t.result(m), m, load: [l0, loadavg()[0]] });
      if (!QUICK && !ONLY) writeAtomic(join(HERE, 'results', 'pipeline.json'), JSON.stringify(saved, null, 1) + '\n');
    }
    const md = render(fillReused(saved, data));
    process.stdout.write(md);
    if (!QUICK && !ONLY) {
      writeAtomic(join(HERE, 'results', 'pipeline.md'), md);
      log(`wrote ${join(HERE, 'results', 'pipeline.md')}`);
    }
  } finally {
    cleanup();
  }
}

await main();
