/**
 * The reproducible tuning study behind `train`'s default classifier (issue 3, items 1–2).
 *
 *   node --import tsx scripts/quality-study.ts [--parts cv,nested,cross] [--repeats 3] [--out docs/quality-study.json]
 *
 * Parts:
 *  - cv:     every candidate configuration, 10-fold stratified CV repeated R times (seeds 0..R-1)
 *            on data_moods.csv, with ECE/Brier before and after (cross-fitted) temperature scaling;
 *            plus logistic regression on several feature sets (to show what popularity adds).
 *  - nested: nested CV for the choice of configuration: in each of 10 outer folds, 3-fold CV on
 *            the outer training rows picks the candidate; the pick is scored on the outer test
 *            fold, which took no part in the choice. Its mean is the honest estimate of "tune,
 *            then train".
 *  - cross:  each candidate trained on all of data_moods, evaluated on bdizon, skerjanec and
 *            pranav (labels mapped, tracks in the training set removed by id or identical features).
 *
 * Data: ../shared/data/mood_labelled (read in place, never copied). Runtime on a loaded 2-core
 * machine: cv ≈ 10 min for 3 repeats, nested ≈ 5 min, cross ≈ 1 min.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseFeatureList } from '../src/core/data/feature-matrix.ts';
import { findOverlap, buildTrainingIndex } from '../src/core/evaluate/leakage.ts';
import { mapLabels, parseLabelMap } from '../src/core/data/label-map.ts';
import { accuracy, macroF1 } from '../src/core/evaluate/metrics.ts';
import { argmaxRows } from '../src/core/common/matrix.ts';
import { encodeLabels, MoodClassifier, type MoodClassifierOptions } from '../src/core/classify/mood-classifier.ts';
import { crossValidateMoodClassifier } from '../src/core/evaluate/mood-cv.ts';
import { stratifiedKFold } from '../src/core/evaluate/split.ts';
import { selectRows, type TrackTable } from '../src/core/data/track-table.ts';
import { expectedCalibrationError, brierScore } from '../src/core/classify/calibration.ts';
import { DEFAULT_ENSEMBLE_MEMBERS } from '../src/core/classify/train-mood-model.ts';
import { readTracksCsv } from '../src/io/csv/read-tracks.ts';

const DATA = process.env.MOODSCAPE_DATA ?? join(import.meta.dirname, '..', '..', 'shared', 'data', 'mood_labelled');
const args = process.argv.slice(2);
const flag = (name: string, def: string) => { const i = args.indexOf(`--${name}`); return i >= 0 ? args[i + 1] : def; };
const parts = flag('parts', 'cv,nested,cross').split(',');
const repeats = Number(flag('repeats', '3'));
const outFile = flag('out', '');

const AUDIO = 'valence,danceability,energy,acousticness,tempo,loudness,speechiness,instrumentalness,liveness';
type Candidate = { name: string; options: Partial<MoodClassifierOptions> };
const CANDIDATES: Candidate[] = [
  { name: 'logreg', options: { model: 'logreg' } },
  { name: 'mlp', options: { model: 'mlp' } },
  { name: 'mlp-l2-earlystop', options: { model: 'mlp', classifierOptions: { l2: 1e-3, epochs: 300, earlyStopping: { patience: 20, validationFraction: 0.15 } } } },
  { name: 'ensemble (default)', options: { model: 'ensemble', classifierOptions: { members: DEFAULT_ENSEMBLE_MEMBERS } } },
];
const FEATURE_SETS: Record<string, string> = {
  'audio 6': 'valence,danceability,energy,acousticness,tempo,loudness',
  'audio 9': AUDIO,
  'audio 9 + duration (default)': AUDIO + ',duration_ms',
  'audio 9 + duration + popularity': AUDIO + ',duration_ms,popularity',
};
const CROSS_SETS = [
  { file: 'bdizon_playlist_moods_angry_happy_sad.csv', map: 'happy=Happy,sad=Sad' },
  { file: 'skerjanec_moods_5class.csv', map: 'happy=Happy,sad=Sad,calm=Calm,active=Energetic' },
  { file: 'pranav_playlist_moods_8class.csv', map: 'happy=Happy,sad=Sad,chill=Calm,party=Energetic' },
];

const read = async (f: string): Promise<TrackTable> => (await readTracksCsv(join(DATA, f), { missing: 'median' })).table;
const moods = await read('data_moods.csv');
const target = encodeLabels(moods.text.mood);
const results: Record<string, unknown> = { repeats, folds: 10 };
const log = (s: string) => process.stdout.write(s + '\n');
const f3 = (v: number) => v.toFixed(3);

if (parts.includes('cv')) {
  const rows: Record<string, unknown>[] = [];
  log(`## 10-fold stratified CV × ${repeats} repeats on data_moods.csv (${moods.rowCount} tracks)`);
  log('| configuration | features | accuracy | macro-F1 | ECE raw → scaled | Brier raw → scaled | T |');
  log('|---|---|---|---|---|---|---|');
  const runs: [string, string, Partial<MoodClassifierOptions>][] = [
    ...CANDIDATES.map((c) => [c.name, 'audio 9 + duration (default)', c.options] as [string, string, Partial<MoodClassifierOptions>]),
    ...Object.keys(FEATURE_SETS).filter((f) => !f.includes('(default)')).map((f) => ['logreg', f, { model: 'logreg' }] as [string, string, Partial<MoodClassifierOptions>]),
  ];
  for (const [name, fs, opts] of runs) {
    const t0 = performance.now();
    const r = crossValidateMoodClassifier(moods, target, { ...opts, features: parseFeatureList(FEATURE_SETS[fs].split(',')) }, { folds: 10, seed: 0, repeats, logregBaseline: false });
    const c = r.calibration;
    log(`| ${name} | ${fs} | ${f3(r.accuracy.mean)} ± ${f3(r.accuracy.std)} | ${f3(r.macroF1.mean)} ± ${f3(r.macroF1.std)} | ${f3(c.ece.raw)} → ${f3(c.ece.calibrated)} | ${f3(c.brier.raw)} → ${f3(c.brier.calibrated)} | ${c.temperature.toFixed(2)} |`);
    rows.push({ name, features: fs, accuracy: r.accuracy, macroF1: r.macroF1, calibration: c, seconds: (performance.now() - t0) / 1000 });
  }
  results.cv = rows;
}

if (parts.includes('nested')) {
  log('\n## Nested CV: 10 outer folds, configuration chosen by 3-fold CV macro-F1 on the outer training rows');
  const outer = stratifiedKFold(target.y, { folds: 10, seed: 100 });
  const accs: number[] = [], f1s: number[] = [], picks: string[] = [];
  const feats = parseFeatureList(FEATURE_SETS['audio 9 + duration (default)'].split(','));
  for (const [f, split] of outer.entries()) {
    const train = selectRows(moods, split.train);
    const yTrain = Int32Array.from(split.train, (i) => target.y[i]);
    let best = CANDIDATES[0], bestScore = -Infinity;
    for (const c of CANDIDATES) {
      const inner = crossValidateMoodClassifier(train, { y: yTrain, classes: target.classes }, { ...c.options, features: feats, seed: f }, { folds: 3, seed: 200 + f, logregBaseline: false });
      if (inner.macroF1.mean > bestScore) { bestScore = inner.macroF1.mean; best = c; }
    }
    const m = new MoodClassifier({ ...best.options, features: feats, seed: f }).fit(train, { y: yTrain, classes: target.classes });
    const test = selectRows(moods, split.test);
    const yTest = Int32Array.from(split.test, (i) => target.y[i]);
    const pred = m.predict(test);
    accs.push(accuracy(yTest, pred)); f1s.push(macroF1(yTest, pred, target.classes.length)); picks.push(best.name);
    log(`  fold ${f + 1}: picked ${best.name} (inner macro-F1 ${f3(bestScore)}), outer accuracy ${f3(accs[f])}`);
  }
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  const std = (v: number[]) => Math.sqrt(mean(v.map((x) => (x - mean(v)) ** 2)));
  log(`nested CV: accuracy ${f3(mean(accs))} ± ${f3(std(accs))}, macro-F1 ${f3(mean(f1s))} ± ${f3(std(f1s))}; picks: ${picks.join(', ')}`);
  results.nested = { accuracy: mean(accs), accuracyStd: std(accs), macroF1: mean(f1s), macroF1Std: std(f1s), picks };
}

if (parts.includes('cross')) {
  log('\n## Cross-set: trained on all of data_moods, evaluated on other labelled sets (training tracks removed)');
  log('| configuration | set (map) | scored | removed as overlap | unmapped | accuracy | macro-F1 (present classes) | ECE |');
  log('|---|---|---|---|---|---|---|---|');
  const index = buildTrainingIndex(moods);
  const rows: Record<string, unknown>[] = [];
  const feats = parseFeatureList(FEATURE_SETS['audio 9 + duration (default)'].split(','));
  const others = await Promise.all(CROSS_SETS.map((s) => read(s.file)));
  const configs: [string, Partial<MoodClassifierOptions>][] = [
    ...CANDIDATES.map((c) => [c.name, { ...c.options, features: feats }] as [string, Partial<MoodClassifierOptions>]),
    ['logreg, audio 9 (no duration)', { model: 'logreg', features: parseFeatureList(AUDIO.split(',')) }],
    ['logreg, + popularity', { model: 'logreg', features: parseFeatureList(FEATURE_SETS['audio 9 + duration + popularity'].split(',')) }],
  ];
  for (const [name, opts] of configs) {
    const m = new MoodClassifier({ ...opts, seed: 0 }).fit(moods, target);
    CROSS_SETS.forEach((s, si) => {
      const t = others[si];
      const mapped = mapLabels(t.text.mood, target.classes, parseLabelMap(s.map));
      const mt = selectRows(t, mapped.keep);
      const o = findOverlap(mt, index);
      const test = selectRows(mt, o.keep);
      const y = Int32Array.from(o.keep, (i) => mapped.y[i]);
      // Features the set lacks take the training mean (what `evaluate` does).
      const proba = m.predictProbaUncalibrated(m.featureMatrix(test));
      const pred = argmaxRows(proba);
      const present = [...new Set(y)];
      const f1All = macroF1(y, pred, target.classes.length);
      const f1Present = f1All * target.classes.length / present.length; // absent classes contribute F1 0
      const row = { name, set: s.file, map: s.map, scored: test.rowCount, overlap: o.overlapping, unmapped: mapped.unmapped, accuracy: accuracy(y, pred), macroF1Present: f1Present, ece: expectedCalibrationError(proba, y, 10), brier: brierScore(proba, y) };
      rows.push(row);
      log(`| ${name} | ${s.file.split('_')[0]} (${s.map}) | ${test.rowCount} | ${o.overlapping} | ${mapped.unmappedRows} | ${f3(row.accuracy)} | ${f3(f1Present)} | ${f3(row.ece)} |`);
    });
  }
  results.cross = rows;
}

if (outFile) await writeFile(outFile, JSON.stringify(results, null, 2) + '\n');
