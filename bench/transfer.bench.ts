/**
 * Leave-one-set-out bench (run by hand, not in tests; README "How well moods carry over"):
 *   node --import tsx bench/transfer.bench.ts [--runs 3]
 *
 * On the four shared labelled sets:
 * 1. the whole `moodscape evaluate-transfer` run (the real CLI in a child process: reading the four
 *    files, four folds, baselines), median wall time of `--runs` runs — the issue's ≤ 2 minutes;
 * 2. every candidate configuration under leave-one-set-out (per-set macro-F1);
 * 3. nested leave-one-set-out: for each set left out, the candidate with the best mean macro-F1
 *    under leave-one-set-out over the *other three* sets is chosen and then scored on the left-out
 *    set, so no set's score comes from a choice that looked at it;
 * 4. `npm run train:builtin -- --check`'s comparison (a full retrain against models/builtin).
 * Writes bench/results/transfer.md.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readTracksCsv } from '../src/io/csv/read-tracks.ts';
import { labelledSetFromFile, type LabelledSet } from '../src/core/data/labelled-sets.ts';
import { MOOD_TAXONOMY } from '../src/core/data/mood-taxonomy.ts';
import { DEFAULT_MULTI_SET_SPEC, MULTI_SET_ENSEMBLE, MULTI_SET_MLP, evaluateTransfer, type MultiSetSpec } from '../src/core/evaluate/transfer.ts';
import { BUILTIN_FILES, differingFiles, trainBuiltinModel } from '../scripts/train-builtin-model.ts';
import { markdownTable, writeAtomic } from './lib/markdown.ts';
import { machineLine, median } from './lib/stats.ts';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const DATA = process.env.MOODSCAPE_DATA ?? resolve(ROOT, '../shared/data');
const i = process.argv.indexOf('--runs');
const RUNS = i >= 0 ? Number(process.argv[i + 1]) : 3;
const log = (s: string) => process.stderr.write(s + '\n');
const f3 = (v: number) => v.toFixed(3);

const CANDIDATES: { name: string; spec: MultiSetSpec }[] = [
  { name: 'logreg (default)', spec: DEFAULT_MULTI_SET_SPEC },
  { name: 'mlp 16', spec: { ...DEFAULT_MULTI_SET_SPEC, classifier: { model: 'mlp', classifierOptions: { ...MULTI_SET_MLP } } } },
  { name: 'logreg + 3 mlp', spec: { ...DEFAULT_MULTI_SET_SPEC, classifier: { model: 'ensemble', classifierOptions: { members: MULTI_SET_ENSEMBLE } } } },
  { name: 'logreg, rows weigh the same', spec: { ...DEFAULT_MULTI_SET_SPEC, weighting: 'size' } },
  { name: 'logreg, no partial labels', spec: { ...DEFAULT_MULTI_SET_SPEC, partialLabels: false } },
  { name: 'logreg, no log features', spec: { ...DEFAULT_MULTI_SET_SPEC, engineered: [] } },
];

async function main(): Promise<void> {
  const classes = [...MOOD_TAXONOMY.defaultMoods];
  const paths = BUILTIN_FILES.map((f) => join(DATA, 'mood_labelled', f));
  const sets: LabelledSet[] = [];
  for (const p of paths) sets.push(labelledSetFromFile(p, (await readTracksCsv(p, {})).table, 'mood', classes).set);

  log(`1. evaluate-transfer CLI, ${RUNS} runs`);
  const times: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const t0 = performance.now();
    execFileSync(process.execPath, [join(ROOT, 'bin/moodscape.js'), 'evaluate-transfer', ...paths, '--label', 'mood', '--json'], { stdio: ['ignore', 'ignore', 'inherit'] });
    times.push((performance.now() - t0) / 1000);
  }

  log('2. candidates under leave-one-set-out');
  const loso = CANDIDATES.map((c) => { const t0 = performance.now(); const r = evaluateTransfer(sets, { classes, spec: c.spec }); return { ...c, r, seconds: (performance.now() - t0) / 1000 }; });

  log('3. nested leave-one-set-out selection');
  const nested = sets.map((outer, o) => {
    const inner = sets.filter((_, j) => j !== o);
    const scores = CANDIDATES.map((c) => evaluateTransfer(inner, { classes, spec: c.spec }).mean.macroF1);
    const best = scores.indexOf(Math.max(...scores));
    return { set: outer.name, chosen: CANDIDATES[best].name, innerScore: scores[best], outerScore: loso[best].r.folds[o].macroF1 };
  });
  const nestedMean = nested.reduce((s, x) => s + x.outerScore, 0) / nested.length;

  log('4. built-in model retrain');
  const tmp = await mkdtemp(join(tmpdir(), 'moodscape-bench-builtin-'));
  let builtinLine: string;
  try {
    const t0 = performance.now();
    await trainBuiltinModel(join(tmp, 'b'), { dataDir: DATA });
    const diff = await differingFiles(join(ROOT, 'models/builtin'), join(tmp, 'b'));
    builtinLine = `${diff.length ? `differs in ${diff.join(', ')}` : 'byte-identical (model.json and weights.bin)'} to models/builtin; ${((performance.now() - t0) / 1000).toFixed(1)} s`;
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }

  const def = loso[0].r;
  const md = [
    '# Leave-one-set-out bench', '',
    `Machine: ${machineLine()}. \`node --import tsx bench/transfer.bench.ts --runs ${RUNS}\`.`, '',
    `Whole \`moodscape evaluate-transfer\` on the four sets (CLI, reading included): median ${median(times).toFixed(1)} s of ${RUNS} runs (${times.map((t) => t.toFixed(1)).join(', ')} s); budget 120 s.`, '',
    '## Default configuration, per left-out set', '',
    'Macro-F1 over the moods the left-out set labels (a prediction outside them counts wrong); tracks shared with the training sets removed.', '',
    markdownTable(['left out', 'moods', 'tracks', 'overlap removed', 'macro-F1', 'accuracy', 'logreg pooled', 'logreg balanced', 'majority'],
      [...def.folds.map((f) => [f.set, String(f.moods.length), String(f.rows), String(f.overlapRemoved.total), f3(f.macroF1), f3(f.accuracy), f3(f.baselines.logreg.macroF1), f3(f.baselines.logregBalanced.macroF1), f3(f.baselines.majority.macroF1)]),
        ['**mean**', '', '', '', `**${f3(def.mean.macroF1)}**`, f3(def.mean.accuracy), f3(def.mean.baselines.logreg.macroF1), f3(def.mean.baselines.logregBalanced.macroF1), f3(def.mean.baselines.majority.macroF1)]],
      ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r']), '',
    '## Candidates (leave-one-set-out macro-F1)', '',
    markdownTable(['configuration', ...sets.map((s) => s.name), 'mean', 'seconds'],
      loso.map((c) => [c.name, ...c.r.folds.map((f) => f3(f.macroF1)), f3(c.r.mean.macroF1), c.seconds.toFixed(1)]), ['l', ...sets.map(() => 'r' as const), 'r', 'r']), '',
    '## Nested selection', '',
    'For each left-out set, the candidate with the best leave-one-set-out mean over the other three sets, scored on the left-out set.', '',
    markdownTable(['left out', 'chosen on the other three', 'inner mean', 'macro-F1 on the left-out set'], nested.map((n) => [n.set, n.chosen, f3(n.innerScore), f3(n.outerScore)]), ['l', 'l', 'r', 'r']), '',
    `Nested estimate of the selection procedure: **${f3(nestedMean)}** (the default alone: ${f3(def.mean.macroF1)}).`, '',
    `Built-in model retrain: ${builtinLine}.`, '',
  ].join('\n');
  writeAtomic(join(ROOT, 'bench/results/transfer.md'), md);
  process.stdout.write(md);
}

await main();
