/**
 * `npm run bench:sklearn`: moodscape and scikit-learn on the same tasks and the same generated
 * data, one after the other in one run (issue 3, item 7).
 *
 *   node --import tsx bench/sklearn.ts [--quick] [--runs N] [--only kmeans-100k,gmm,… [--merge]] [--render]
 *
 * The data is generated once into a temporary directory (see lib/data.ts) as plain CSV that both
 * sides read; every measurement is one task in a fresh child process (Node + tsx, or Debian's
 * /usr/bin/python3 with scikit-learn), runs alternate moodscape / sklearn, and the table shows
 * medians. Writes bench/results/sklearn.md and the raw runs to bench/results/sklearn.json
 * (atomically); --quick (small sizes, one run) prints the table and writes nothing; --render
 * rebuilds the markdown from the saved JSON.
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { FULL_SIZES, makeDataDir, prepareData, QUICK_SIZES, removeDataDir, type BenchData, type Sizes } from './lib/data.ts';
import { measureInterleaved, LONG_RUN_SECONDS, type Measured } from './lib/measure.ts';
import { markdownTable, writeAtomic } from './lib/markdown.ts';
import { PeerMissing, PYTHON, runTask } from './lib/runner.ts';
import { fmtMB, fmtRate, fmtSeconds, machineLine, median } from './lib/stats.ts';
import type { TaskSpec } from './lib/task-spec.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
const flag = (n: string) => argv.includes(`--${n}`);
const opt = (n: string) => { const i = argv.indexOf(`--${n}`); return i >= 0 ? argv[i + 1] : undefined; };
const QUICK = flag('quick');
const RUNS = Number(opt('runs') ?? (QUICK ? 1 : 3));
const ONLY = opt('only')?.split(',');
/** --merge (with --only): write the re-measured rows into the saved results instead of printing only. */
const MERGE = flag('merge') && Boolean(ONLY) && !QUICK;
const OUT_MD = join(HERE, 'results', 'sklearn.md');
const OUT_JSON = join(HERE, 'results', 'sklearn.json');
const EPOCHS = QUICK ? 5 : 50;
const log = (s: string) => process.stderr.write(s + '\n');

interface Row {
  id: string;
  task: string;
  quality: 'inertia' | 'meanLogLik' | 'silhouette' | 'accuracy' | 'rowsPerSecond' | 'rows';
  ms: TaskSpec;
  sk: TaskSpec;
}

function rows(d: BenchData): Row[] {
  const s = d.sizes, f = d.files;
  const n = (x: number) => (x >= 1e6 ? `${x / 1e6}M` : x >= 1e3 ? `${x / 1e3}k` : String(x));
  const both = (task: TaskSpec['task'], params: Record<string, unknown>): Pick<Row, 'ms' | 'sk'> => ({ ms: { task, params }, sk: { task, params } });
  return [
    { id: 'kmeans-mid', task: `K-Means k=4, 10 inits, ${n(s.mid)} × 9`, quality: 'inertia', ...both('kmeans', { file: f.clusterMid, rows: s.mid, k: 4, nInit: 10 }) },
    { id: 'kmeans-big', task: `K-Means k=4, 10 inits, ${n(s.big)} × 9`, quality: 'inertia', ...both('kmeans', { file: f.clusterBig, rows: s.big, k: 4, nInit: 10 }) },
    { id: 'gmm', task: `GMM 4 full, ${n(s.mid)} × 9`, quality: 'meanLogLik', ...both('gmm', { file: f.clusterMid, rows: s.mid, k: 4 }) },
    { id: 'silhouette', task: `silhouette, ${n(s.small)} × 9`, quality: 'silhouette', ...both('silhouette', { file: f.silhouette }) },
    { id: 'mlp-256', task: `network 64-32, ${n(s.mid)} × 11, ${EPOCHS} epochs, batch 256`, quality: 'accuracy', ...both('mlp', { train: f.mlpTrain, test: f.mlpTest, batch: 256, epochs: EPOCHS }) },
    { id: 'mlp-16', task: `network 64-32, ${n(s.mid)} × 11, ${EPOCHS} epochs, batch 16`, quality: 'accuracy', ...both('mlp', { train: f.mlpTrain, test: f.mlpTest, batch: 16, epochs: EPOCHS }) },
    { id: 'predict', task: `network predict_proba, ${n(s.big)} × 11`, quality: 'rowsPerSecond', ...both('predict', { train: f.mlpTrain, file: f.predictBig, fitEpochs: 2 }) },
    { id: 'ingest', task: `CSV ingest, ${n(s.big)} tracks × 19 columns (readTracksCsv vs pandas.read_csv)`, quality: 'rows', ...both('ingest', { file: f.tracksBig }) },
  ];
}

interface Saved {
  date: string;
  machine: string;
  command: string;
  runs: number;
  sizes: Sizes;
  peer: Record<string, unknown>;
  results: { id: string; task: string; quality: Row['quality']; moodscape: Measured; sklearn: Measured; load: [number, number] }[];
  /** Free text about the run, added by hand to the JSON (e.g. what ran alongside). */
  note?: string;
  /** Rows re-measured later with `--only … --merge`: which, when, with what command. */
  merged?: { ids: string[]; date: string; command: string }[];
}

function qualityText(q: Row['quality'], ms: Measured, sk: Measured): string {
  const a = ms.runs[0].quality[q] as number, b = sk.runs[0].quality[q] as number;
  const rel = (x: number, y: number) => `${x >= y ? '+' : ''}${(((x - y) / Math.abs(y)) * 100).toFixed(2)} %`;
  switch (q) {
    case 'inertia': return `inertia ${a.toFixed(0)} vs ${b.toFixed(0)} (${rel(a, b)})`;
    case 'meanLogLik': return `mean log-lik ${a.toFixed(4)} vs ${b.toFixed(4)} (${rel(a, b)})`;
    case 'silhouette': return `score ${a.toFixed(5)} vs ${b.toFixed(5)}`;
    case 'accuracy': return `test accuracy ${a.toFixed(4)} vs ${b.toFixed(4)} (${rel(a, b)})`;
    case 'rowsPerSecond': return `${fmtRate(ms.runs.length ? (ms.runs[0].quality.rows as number) / ms.seconds : a)} vs ${fmtRate((sk.runs[0].quality.rows as number) / sk.seconds)} (medians)`;
    case 'rows': return `${a.toLocaleString('en')} vs ${b.toLocaleString('en')} rows`;
  }
}

function withinOnePercent(r: Saved['results'][number]): boolean {
  if (r.quality === 'rowsPerSecond' || r.quality === 'rows') return true;
  const a = r.moodscape.runs[0].quality[r.quality] as number, b = r.sklearn.runs[0].quality[r.quality] as number;
  return Math.abs(a - b) <= 0.01 * Math.abs(b);
}

const cpu = (m: Measured) => median(m.runs.map((r) => r.cpuSeconds ?? NaN));

function nText(m: Measured): string {
  return `${m.runs.length}${m.cappedLong ? ` (> ${LONG_RUN_SECONDS / 60} min: once)` : ''}`;
}

/**
 * Notes for rows whose ratio can come out above 1.0, keyed by row id: where the time goes,
 * from `node --cpu-prof` and the CPU-time column (see bench/README.md). Shown only when the
 * rendered ratio is above 1.0.
 */
const NOTES: Record<string, string> = {
  'kmeans-mid':
    'moodscape runs the 10 restarts — k-means++ seeding and Lloyd — on two threads (this one and a worker, rows shared in ' +
    'WebAssembly memory; each restart\'s random draws are taken in order first, so results are bit-identical to one thread), ' +
    'scikit-learn splits each Lloyd iteration over 2 OpenMP threads. The assignment kernel (WebAssembly SIMD) finds the nearest ' +
    'centre with a lane-wise vector minimum instead of a scalar compare per centre, scores two rows per pass, and counts changed ' +
    'labels as it writes them; k-means++ distances run in the same module. One thread: 9.5 s → 3.9 s at 1M rows, against ' +
    'scikit-learn\'s 6.9 s on one thread.',
  'kmeans-big':
    'the same split as at 100k. Peak memory: the rows are copied once into shared WebAssembly memory (72 MB at 1M × 9) beside ' +
    'the caller\'s own copy, plus per thread the labels and k-means++\'s three distance buffers (28 MB).',
  ingest:
    '`readTracksCsv` does more than `read_csv`: it checks every feature cell against its documented range, hashes every id to ' +
    'drop duplicates, maps column aliases, and runs the missing-value pass. Numeric cells are parsed as the scanner finds their ' +
    'end; repeated text values (genre, artist, album, name) are interned from their bytes, so 1M rows leave about 170k strings ' +
    'instead of 5M for the garbage collector (GC 0.63 → 0.27 s); the output columns are sized once from the file size. The CPU ' +
    'column counts V8\'s parallel GC threads, so it is above the wall time.',
  gmm:
    'EM\'s row passes run in fixed chunks over two threads (equal to one thread exactly). The forward substitution of the E-step ' +
    '(two rows per vector) and the scatter of the M-step (two triangle entries per vector) are WebAssembly SIMD kernels, ' +
    'bit-identical to the TypeScript passes; one thread went 5.0 s → 1.8 s.',
  'mlp-256':
    'WebAssembly SIMD (f64x2) kernels on one thread against OpenBLAS matrix products on two: large batches favour BLAS.',
  predict:
    'WebAssembly SIMD forward pass on one thread; `tag --engine onnx` (onnxruntime-node) is the alternative for bulk tagging.',
};

/** Rows this close to 1.0 get their note too: on this machine they can flip. */
const CLOSE_RATIO = 0.85;

export function render(s: Saved): string {
  const table = markdownTable(
    ['task', 'moodscape', 'scikit-learn', 'ratio ms/sk', 'CPU time ms / sk (ratio)', 'moodscape peak RSS', 'sklearn peak RSS', 'N (ms, sk)', 'quality (moodscape vs sklearn)'],
    s.results.map((r) => [
      r.task,
      fmtSeconds(r.moodscape.seconds),
      fmtSeconds(r.sklearn.seconds),
      `${(r.moodscape.seconds / r.sklearn.seconds).toFixed(2)}${r.moodscape.seconds > r.sklearn.seconds ? ' ✗' : ' ✓'}`,
      `${fmtSeconds(cpu(r.moodscape))} / ${fmtSeconds(cpu(r.sklearn))} (${(cpu(r.moodscape) / cpu(r.sklearn)).toFixed(2)})`,
      fmtMB(r.moodscape.peakMB),
      fmtMB(r.sklearn.peakMB),
      `${nText(r.moodscape)}, ${nText(r.sklearn)}`,
      qualityText(r.quality, r.moodscape, r.sklearn),
    ]),
    ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'l', 'l'],
  );
  const ratio = (r: Saved['results'][number]) => r.moodscape.seconds / r.sklearn.seconds;
  const over = s.results.filter((r) => ratio(r) > 1);
  const close = s.results.filter((r) => ratio(r) <= 1 && ratio(r) > CLOSE_RATIO);
  const noted = (r: Saved['results'][number]) =>
    `- **${r.task}** (${ratio(r).toFixed(2)}× wall, ${(cpu(r.moodscape) / cpu(r.sklearn)).toFixed(2)}× CPU): ${NOTES[r.id] ?? 'see bench/README.md.'}`;
  const peer = s.peer as { sklearn?: string; numpy?: string; pandas?: string; python?: string; threadpools?: { internal_api: string; num_threads: number }[] };
  const threads = (peer.threadpools ?? []).map((t) => `${t.internal_api} ${t.num_threads}`).join(', ');
  return [
    '# moodscape vs scikit-learn',
    '',
    `Machine: ${s.machine}. 1-minute load average ${Math.min(...s.results.flatMap((r) => r.load)).toFixed(1)}–${Math.max(...s.results.flatMap((r) => r.load)).toFixed(1)} on 2 cores during the run, the benchmark's own processes included; on this shared machine read ratios as ±30 % unless the load stays near 2.`,
    `Run: \`${s.command}\` on ${s.date}; medians of up to ${s.runs} runs per side (N per row), runs alternating moodscape / sklearn.`,
    ...(s.merged ?? []).map((m) => `Re-measured later, same data generator and method: ${m.ids.join(', ')} (\`${m.command}\` on ${m.date}).`),
    `Peer: scikit-learn ${peer.sklearn}, numpy ${peer.numpy}, pandas ${peer.pandas}, Python ${peer.python} (Debian \`${PYTHON}\`; threads: ${threads}),`,
    'run with `OPENBLAS_CORETYPE` and `OPENBLAS_L2_SIZE` unset in its environment only. moodscape runs K-Means (its restarts) and GMM (its EM passes) on',
    'its default threads (the cores, at most 4: two here; `--threads`), everything else on one.',
    '',
    'Each figure is one task in a fresh process, input already loaded: wall time around the call (medians; the ratio is of these), CPU time of the',
    'process during the call (user + system, all threads; less sensitive to the other jobs, but sklearn may use 2 threads), and peak RSS',
    'as the process\'s VmHWM reset after loading (so it includes the loaded data and the runtime, ≈ 50 MB for Node, ≈ 100 MB for Python with sklearn).',
    `Data: one generated catalogue of ${s.sizes.big.toLocaleString('en')} tracks (seed 1) and labelled samples (seeds 2, 3; ${s.sizes.mid.toLocaleString('en')} train, ${s.sizes.test.toLocaleString('en')} test),`,
    'written once as plain CSV under the OS temp directory and read by both sides (bench/lib/data.ts): clustering on the 9 default',
    'clustering features z-scored, the network on all 11 input features z-scored with the 4 moods as classes.',
    'The networks are not the same computation: moodscape trains its default network (dropout 0.2 after each hidden layer, Keras-style Adam, ε = 1e-7);',
    `scikit-learn's MLPClassifier has no dropout (hidden_layer_sizes=(64,32), alpha=0, Adam, lr 1e-3, exactly ${s.sizes.mid === FULL_SIZES.mid ? 50 : 5} epochs via tol=0, n_iter_no_change=epochs).`,
    'Prediction: each side\'s network after 2 epochs at batch 256, predict_proba on z-scored rows (the network alone).',
    ...(s.note ? ['', s.note] : []),
    '',
    table,
    '',
    over.length ? '## Ratios above 1.0' : '## Every ratio is at or below 1.0',
    '',
    ...over.map(noted),
    ...(close.length ? ['', `## Ratios between ${CLOSE_RATIO} and 1.0 (can flip on this machine)`, '', ...close.map(noted)] : []),
    '',
    `Peak memory: moodscape's peak is ${s.results.every((r) => r.moodscape.peakMB <= r.sklearn.peakMB) ? 'at or below' : 'NOT below'} scikit-learn's on every row. ` +
      `Quality (inertia, log-likelihood, silhouette, accuracy): ${s.results.every(withinOnePercent) ? 'every pair is within 1 %' : 'NOT every pair is within 1 %'}.`,
    'Wall-time ratios near 1.0 can flip either way on this shared machine: check the CPU-time column, and re-run on a quiet machine.',
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  if (flag('render')) {
    const saved = JSON.parse(readFileSync(OUT_JSON, 'utf8')) as Saved;
    writeAtomic(OUT_MD, render(saved));
    log(`rendered ${OUT_MD}`);
    return;
  }
  let peer: Record<string, unknown>;
  try {
    peer = (await runTask('sklearn', { task: 'versions' as TaskSpec['task'], params: {} })) as unknown as Record<string, unknown>;
  } catch (e) {
    if (e instanceof PeerMissing) {
      log(e.message);
      process.exitCode = 2;
      return;
    }
    throw e;
  }
  const sizes = QUICK ? QUICK_SIZES : FULL_SIZES;
  const dir = makeDataDir();
  const cleanup = () => removeDataDir(dir);
  process.once('SIGINT', () => { cleanup(); process.exit(130); });
  try {
    const data = await prepareData(dir, sizes, new Set(['tracks', 'cluster', 'silhouette', 'mlp', 'predict']), log);
    const saved: Saved = {
      date: new Date().toISOString().slice(0, 10),
      machine: machineLine(),
      command: `npm run bench:sklearn${argv.length ? ' -- ' + argv.join(' ') : ''}`,
      runs: RUNS,
      sizes,
      peer,
      results: [],
    };
    for (const r of rows(data)) {
      if (ONLY && !ONLY.includes(r.id)) continue;
      log(`${r.task}`);
      const l0 = loadavg()[0];
      const m = await measureInterleaved({ moodscape: r.ms, sklearn: r.sk }, RUNS, log);
      saved.results.push({ id: r.id, task: r.task, quality: r.quality, moodscape: m.moodscape!, sklearn: m.sklearn!, load: [l0, loadavg()[0]] });
      if (!QUICK && !ONLY) writeAtomic(OUT_JSON, JSON.stringify(saved, null, 1) + '\n');
    }
    if (MERGE) {
      // Replace the re-measured rows in the saved results and keep the others.
      const prev = JSON.parse(readFileSync(OUT_JSON, 'utf8')) as Saved;
      for (const r of saved.results) {
        const i = prev.results.findIndex((x) => x.id === r.id);
        if (i >= 0) prev.results[i] = r; else prev.results.push(r);
      }
      prev.merged = [...(prev.merged ?? []), { ids: saved.results.map((r) => r.id), date: saved.date, command: saved.command }];
      writeAtomic(OUT_JSON, JSON.stringify(prev, null, 1) + '\n');
      writeAtomic(OUT_MD, render(prev));
      log(`merged ${saved.results.map((r) => r.id).join(', ')} into ${OUT_MD}`);
      return;
    }
    const md = render(saved);
    if (QUICK || ONLY) process.stdout.write(md);
    else {
      writeAtomic(OUT_JSON, JSON.stringify(saved, null, 1) + '\n');
      writeAtomic(OUT_MD, md);
      process.stdout.write(md);
      log(`wrote ${OUT_MD}`);
    }
  } finally {
    cleanup();
  }
}

await main();
