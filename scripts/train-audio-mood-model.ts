/**
 * Trains and evaluates moodscape's audio mood model: the model `tag` uses for a catalogue that
 * `moodscape analyze` measured from audio files. It sees only what the analyzer measures
 * faithfully in Spotify's units (tempo, loudness, duration_ms, key, mode, time_signature); the
 * estimated columns (energy, valence, …) are left out, because an estimator on our side is not
 * Spotify's number and a model trained on Spotify's would be fed something else.
 *
 *   node --import tsx scripts/train-audio-mood-model.ts [--out models/audio-moods] [--eval docs/audio-mood-model.json]
 *
 * Reports (seed 0, deterministic):
 *  - 10-fold stratified CV on data_moods (its own four moods);
 *  - leave-one-set-out over the four labelled sets, labels mapped by moodscape's taxonomy onto Calm/Energetic/Happy/Sad:
 *    train on three (tracks of the held-out set removed from training by id or identical
 *    features), score on the fourth;
 * then fits the shipped model on all four sets. Data: ../shared/data/mood_labelled, read in place.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parseFeatureList } from '../src/core/data/feature-matrix.ts';
import { mapLabels } from '../src/core/data/label-map.ts';
import { taxonomyLabelMap, taxonomySetFor } from '../src/core/data/mood-taxonomy.ts';
import { buildTrainingIndex, findOverlap } from '../src/core/evaluate/leakage.ts';
import { accuracy, macroF1 } from '../src/core/evaluate/metrics.ts';
import { argmaxRows } from '../src/core/common/matrix.ts';
import { MoodClassifier, encodeLabels, type MoodClassifierOptions } from '../src/core/classify/mood-classifier.ts';
import { crossValidateMoodClassifier } from '../src/core/evaluate/mood-cv.ts';
import { medianIgnoringNaN } from '../src/core/data/clean.ts';
import { selectRows, type TrackTable } from '../src/core/data/track-table.ts';
import { readTracksCsv } from '../src/io/csv/read-tracks.ts';
import { saveMoodModel } from '../src/io/mood-model-dir.ts';
import { AUDIO_MOOD_CLASSES, AUDIO_MOOD_FEATURES, AUDIO_MOOD_TRAINING_SETS } from '../src/io/audio/audio-mood-model.ts';

const DATA = process.env.MOODSCAPE_DATA ?? join(import.meta.dirname, '..', '..', 'shared', 'data');
const args = process.argv.slice(2);
const flag = (name: string, def: string) => { const i = args.indexOf(`--${name}`); return i >= 0 ? args[i + 1] : def; };
const OUT = flag('out', join(import.meta.dirname, '..', 'models', 'audio-moods'));
const EVAL = flag('eval', join(import.meta.dirname, '..', 'docs', 'audio-mood-model.json'));
const SEED = 0;

const CANDIDATES: { name: string; options: Partial<MoodClassifierOptions> }[] = [
  { name: 'logreg', options: { model: 'logreg' } },
  { name: 'mlp', options: { model: 'mlp', classifierOptions: { epochs: 60 } } },
];

interface LabelledSet { name: string; table: TrackTable; y: Int32Array }

/** A set's rows with a mapped label, every AUDIO_MOOD_FEATURES column present (NaN where the set lacks it). */
async function loadSet(file: string): Promise<LabelledSet> {
  const { table } = await readTracksCsv(join(DATA, 'mood_labelled', file), { lenient: true });
  // moodscape's taxonomy (core/data/mood-taxonomy.ts); labels without one of the four moods are left out.
  const map = new Map([...taxonomyLabelMap(table.text.mood, { set: taxonomySetFor(file) })].filter(([, mood]) => AUDIO_MOOD_CLASSES.includes(mood)));
  const m = mapLabels(table.text.mood, AUDIO_MOOD_CLASSES, map);
  const kept = selectRows(table, m.keep);
  const numeric: Record<string, Float64Array> = {};
  for (const f of AUDIO_MOOD_FEATURES) numeric[f] = kept.numeric[f] ?? new Float64Array(kept.rowCount).fill(NaN);
  for (const f of ['valence', 'danceability', 'energy', 'acousticness']) numeric[f] = kept.numeric[f]; // for overlap hashing only
  return { name: file.replace(/\.csv$/, ''), table: { rowCount: kept.rowCount, numeric, text: { id: kept.text.id ?? [], mood: kept.text.mood } }, y: m.y };
}

function concat(sets: readonly LabelledSet[]): LabelledSet {
  const rowCount = sets.reduce((a, s) => a + s.table.rowCount, 0);
  const numeric: Record<string, Float64Array> = {};
  for (const f of Object.keys(sets[0].table.numeric)) {
    const col = new Float64Array(rowCount);
    let at = 0;
    for (const s of sets) { col.set(s.table.numeric[f], at); at += s.table.rowCount; }
    numeric[f] = col;
  }
  const y = new Int32Array(rowCount);
  let at = 0;
  for (const s of sets) { y.set(s.y, at); at += s.y.length; }
  return { name: sets.map((s) => s.name).join('+'), table: { rowCount, numeric, text: { id: sets.flatMap((s) => s.table.text.id) } }, y };
}

/** Gaps (a set without mode, say) take the training median of the column, fitted on `train` only. */
function fillGaps(train: TrackTable, ...others: TrackTable[]): void {
  for (const f of AUDIO_MOOD_FEATURES) {
    const median = medianIgnoringNaN(train.numeric[f]);
    for (const t of [train, ...others]) {
      const c = t.numeric[f];
      for (let i = 0; i < c.length; i++) if (c[i] !== c[i]) c[i] = median;
    }
  }
}

function copyTable(t: TrackTable): TrackTable {
  return { rowCount: t.rowCount, text: t.text, numeric: Object.fromEntries(Object.entries(t.numeric).map(([k, v]) => [k, v.slice()])) };
}

const features = parseFeatureList(AUDIO_MOOD_FEATURES);
const classes = { classes: [...AUDIO_MOOD_CLASSES] };
const sets = await Promise.all(AUDIO_MOOD_TRAINING_SETS.map((file) => loadSet(file)));
const results: Record<string, unknown> = { seed: SEED, features: AUDIO_MOOD_FEATURES, classes: AUDIO_MOOD_CLASSES, labels: 'core/data/mood-taxonomy.ts (default moods)', candidates: {} };

for (const cand of CANDIDATES) {
  const opts = { ...cand.options, features, seed: SEED };
  // 10-fold CV on data_moods (it has no mode column: the gap takes its median, a constant).
  const dm = sets.find((s) => s.name === 'data_moods')!;
  const dmTable = copyTable(dm.table);
  fillGaps(dmTable);
  const dmFeatures = parseFeatureList(AUDIO_MOOD_FEATURES.filter((f) => f !== 'mode'));
  const cv = crossValidateMoodClassifier(dmTable, { y: dm.y, ...classes }, { ...opts, features: dmFeatures }, { folds: 10, seed: SEED });
  const loso: Record<string, { accuracy: number; macroF1: number; rows: number; removedOverlap: number; majority: number }> = {};
  for (const held of sets) {
    const train = concat(sets.filter((s) => s !== held));
    const overlap = findOverlap(held.table, buildTrainingIndex(train.table));
    const test = selectRows(held.table, overlap.keep);
    const yTest = Int32Array.from(overlap.keep, (i) => held.y[i]);
    const trainTable = copyTable(train.table);
    const testTable = copyTable(test);
    fillGaps(trainTable, testTable);
    const model = new MoodClassifier(opts).fit(trainTable, { y: train.y, ...classes });
    const pred = argmaxRows(model.predictProba(testTable));
    const counts = new Array(AUDIO_MOOD_CLASSES.length).fill(0);
    for (const v of train.y) counts[v]++;
    const top = counts.indexOf(Math.max(...counts));
    loso[held.name] = {
      accuracy: accuracy(yTest, pred), macroF1: macroF1(yTest, pred, AUDIO_MOOD_CLASSES.length), rows: test.rowCount,
      removedOverlap: overlap.overlapping, majority: accuracy(yTest, new Int32Array(yTest.length).fill(top)),
    };
  }
  (results.candidates as Record<string, unknown>)[cand.name] = {
    cvDataMoods: { folds: 10, accuracy: cv.accuracy.mean, accuracyStd: cv.accuracy.std, macroF1: cv.macroF1.mean, majority: cv.baselines.majority.accuracy.mean },
    leaveOneSetOut: loso,
  };
  console.log(`${cand.name}: data_moods 10-fold CV accuracy ${cv.accuracy.mean.toFixed(3)} ± ${cv.accuracy.std.toFixed(3)}, macro-F1 ${cv.macroF1.mean.toFixed(3)}`);
  for (const [k, v] of Object.entries(loso)) console.log(`  LOSO ${k.padEnd(40)} accuracy ${v.accuracy.toFixed(3)} macro-F1 ${v.macroF1.toFixed(3)} (majority ${v.majority.toFixed(3)}, ${v.rows} rows, ${v.removedOverlap} overlapping removed)`);
}

// The shipped model: logistic regression (small, and no worse across sets than the network here).
const all = concat(sets);
const allTable = copyTable(all.table);
fillGaps(allTable);
const shipped = new MoodClassifier({ model: 'logreg', features, seed: SEED }).fit(allTable, { y: all.y, ...classes });
results.shipped = { model: 'logreg', trainedOn: sets.map((s) => `${s.name} (${s.table.rowCount})`), rows: all.table.rowCount };
await mkdir(dirname(OUT), { recursive: true });
await saveMoodModel(OUT, shipped, {
  target: { type: 'label', column: 'mood' },
  training: { file: sets.map((s) => s.name).join(', '), rows: all.table.rowCount, fingerprint: 'scripts/train-audio-mood-model.ts seed 0' },
  metrics: { model: 'audio mood model (measured features only)', ...(results.candidates as Record<string, { cvDataMoods: unknown }>).logreg },
} as never);
await mkdir(dirname(EVAL), { recursive: true });
await writeFile(EVAL, JSON.stringify(results, null, 2) + '\n');
console.log(`model → ${OUT}; evaluation → ${EVAL}`);
