/**
 * Trains the built-in mood model on the four shared labelled sets and writes it to
 * models/builtin/ (model.json + weights.bin; MODEL_CARD.md beside them is written by hand from
 * the metrics in model.json). Seeded and with a fixed createdAt, so a retrain is byte-identical.
 *
 *   npm run train:builtin                 # retrain into models/builtin
 *   npm run train:builtin -- --check      # retrain into a temporary directory and compare bytes
 *   npm run train:builtin -- --out DIR    # retrain elsewhere
 *
 * The data directory is ../shared/data (MOODSCAPE_DATA overrides it), as for tests and benches.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readTracksCsv } from '../src/io/csv/read-tracks.ts';
import { labelledSetFromFile, type LabelledSet } from '../src/core/data/labelled-sets.ts';
import { MOOD_TAXONOMY } from '../src/core/data/mood-taxonomy.ts';
import { trainOnSets } from '../src/core/classify/train-on-sets.ts';
import { DEFAULT_MULTI_SET_SPEC, type MultiSetSpec } from '../src/core/evaluate/transfer.ts';
import { saveSetsModel } from '../src/io/save-trained-model.ts';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
export const BUILTIN_FILES = MOOD_TAXONOMY.sets.map((s) => s.file);
/** A fixed manifest date: the model changes only when the data or the code does. */
export const BUILTIN_CREATED_AT = '2026-12-04T00:00:00.000Z';
export const BUILTIN_SEED = 0;

export interface BuiltinConfig {
  dataDir: string;
  files?: readonly string[];
  spec?: MultiSetSpec;
}

/** Trains the built-in model (or a reduced configuration of it) and writes it to `out`. */
export async function trainBuiltinModel(out: string, config: BuiltinConfig): Promise<void> {
  const files = config.files ?? BUILTIN_FILES;
  const classes = [...MOOD_TAXONOMY.defaultMoods];
  const sets: LabelledSet[] = [];
  for (const f of files) {
    const path = join(config.dataDir, 'mood_labelled', f);
    const { table } = await readTracksCsv(path, {});
    sets.push(labelledSetFromFile(f, table, 'mood', classes).set);
  }
  const spec = config.spec ?? DEFAULT_MULTI_SET_SPEC;
  const outcome = trainOnSets(sets, classes, { spec, seed: BUILTIN_SEED });
  await saveSetsModel(out, outcome, {
    trainingFiles: files.map((f) => `mood_labelled/${f}`),
    column: 'mood',
    spec,
    createdAt: BUILTIN_CREATED_AT,
    extra: { builtin: { script: 'scripts/train-builtin-model.ts', seed: BUILTIN_SEED, taxonomyVersion: MOOD_TAXONOMY.version } },
  });
}

/** Names of the files in `a` whose bytes differ from those in `b`. */
export async function differingFiles(a: string, b: string, names: readonly string[] = ['model.json', 'weights.bin']): Promise<string[]> {
  const out: string[] = [];
  for (const n of names) {
    const [x, y] = await Promise.all([readFile(join(a, n)), readFile(join(b, n))]);
    if (!x.equals(y)) out.push(n);
  }
  return out;
}

async function main(argv: string[]): Promise<void> {
  const dataDir = process.env.MOODSCAPE_DATA ?? resolve(ROOT, '../shared/data');
  const committed = join(ROOT, 'models/builtin');
  if (argv.includes('--check')) {
    const tmp = await mkdtemp(join(tmpdir(), 'moodscape-builtin-'));
    try {
      const t0 = performance.now();
      await trainBuiltinModel(join(tmp, 'builtin'), { dataDir });
      const diff = await differingFiles(committed, join(tmp, 'builtin'));
      const s = ((performance.now() - t0) / 1000).toFixed(1);
      if (diff.length) { process.stderr.write(`built-in model: a retrain differs from the committed one in ${diff.join(', ')} (${s} s)\n`); process.exitCode = 1; }
      else process.stdout.write(`built-in model: a retrain is byte-identical to models/builtin (${s} s)\n`);
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
    return;
  }
  const i = argv.indexOf('--out');
  const out = i >= 0 ? resolve(argv[i + 1]) : committed;
  await trainBuiltinModel(out, { dataDir });
  process.stdout.write(`built-in model written to ${out}\n`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main(process.argv.slice(2));
