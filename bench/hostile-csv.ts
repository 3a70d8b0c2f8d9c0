/**
 * Hostile CSVs, this tree against a baseline (default: main), side by side in one run:
 * a 100,000-column header (readTracksCsv), 10,000 duplicate header names (planHeader), and one
 * record of ~64 MiB (readTracksCsv). The baseline's src/ is extracted with `git archive` into a
 * temp directory and imported from there. Medians of --runs (default 3); a baseline case whose
 * first run takes over 5 s runs once. Writes bench/results/hostile-csv.md (--print: prints only).
 *
 *   node --import tsx bench/hostile-csv.ts [--baseline main] [--runs 3] [--print]
 */
import { execSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { markdownTable, writeAtomic } from './lib/markdown.ts';
import { machineLine, median } from './lib/stats.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..');
const argv = process.argv.slice(2);
const opt = (n: string) => { const i = argv.indexOf(`--${n}`); return i >= 0 ? argv[i + 1] : undefined; };
const BASELINE = opt('baseline') ?? 'main';
const RUNS = Number(opt('runs') ?? 3);
const log = (s: string) => process.stderr.write(s + '\n');

interface Impl {
  readTracksCsv(path: string): Promise<unknown>;
  planHeader(header: readonly string[]): unknown;
}

async function load(srcRoot: string): Promise<Impl> {
  const reader = await import(join(srcRoot, 'io/csv/read-tracks.ts'));
  const header = await import(join(srcRoot, 'io/csv/header.ts'));
  return { readTracksCsv: reader.readTracksCsv, planHeader: header.planHeader };
}

/** Seconds of one call; errors (an input error is the expected answer for some cases) are swallowed. */
async function time(fn: () => unknown): Promise<number> {
  const t0 = performance.now();
  try { await fn(); } catch { /* refused: still timed */ }
  return (performance.now() - t0) / 1000;
}

async function measure(fn: () => unknown, runs: number): Promise<number[]> {
  const out = [await time(fn)];
  if (out[0] > 5 && runs > 1) return out;
  while (out.length < runs) out.push(await time(fn));
  return out;
}

const work = mkdtempSync(join(tmpdir(), 'moodscape-hostile-bench-'));
try {
  const base = join(work, 'baseline');
  execSync(`mkdir -p ${base} && git -C ${ROOT} archive ${BASELINE} src | tar -x -C ${base}`);
  const ours = await load(join(ROOT, 'src'));
  const theirs = await load(join(base, 'src'));
  const REQUIRED = 'valence,danceability,energy,acousticness,tempo,loudness';
  const wide = join(work, 'wide.csv');
  writeFileSync(wide, Array.from({ length: 100_000 }, (_, i) => `c${i}`).join(',') + '\n' + '1,'.repeat(99_999) + '1\n');
  const long = join(work, 'long.csv');
  writeFileSync(long, `name,${REQUIRED}\n${'n'.repeat((64 << 20) - 4096)},0.5,0.5,0.5,0.5,120,-8\n`);
  const dups = Array.from({ length: 10_000 }, () => 'x');
  const cases: [string, (impl: Impl) => unknown][] = [
    ['100,000-column header (700 KB file), readTracksCsv', (impl) => impl.readTracksCsv(wide)],
    ['10,000 duplicate header names, planHeader', (impl) => impl.planHeader(dups)],
    ['one 64 MiB record, readTracksCsv', (impl) => impl.readTracksCsv(long)],
  ];
  const rows: string[][] = [];
  for (const [label, run] of cases) {
    log(`${label} …`);
    const b = await measure(() => run(theirs), RUNS);
    const o = await measure(() => run(ours), RUNS);
    const mb = median(b), mo = median(o);
    rows.push([label, `${mb.toFixed(3)} s (${b.length} run${b.length > 1 ? 's' : ''})`, `${mo.toFixed(3)} s (${o.length} runs)`, `${(mb / mo).toFixed(0)}×`]);
  }
  const md = `# Hostile CSVs\n\n${machineLine()}; medians; baseline \`${BASELINE}\` (${execSync(`git -C ${ROOT} rev-parse --short ${BASELINE}`).toString().trim()}) against this tree, in one run.\n\n`
    + markdownTable(['case', BASELINE, 'this tree', 'speed-up'], rows, ['l', 'r', 'r', 'r']) + '\n\n'
    + 'The 100,000-column header is now refused at the 4,096-column cap; the 64 MiB record is read.\n';
  if (argv.includes('--print')) process.stdout.write(md);
  else {
    writeAtomic(join(HERE, 'results/hostile-csv.md'), md);
    process.stdout.write(md);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
