import { resolve } from 'node:path';
import { DATA as DATA_DIR } from '../../../test/support/cli.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fromRows, matrix, row, type Matrix } from '../common/matrix.ts';
import { createRng } from '../common/random.ts';
import { backgroundSample, explainTrack, shapleyValues } from './shapley.ts';
import { findCounterfactual } from './counterfactual.ts';
import { compareImportance, logregCoefficientImportance, centroidSpreadImportance, meanAbsShapley, permutationImportance } from './importance.ts';
import { formatContribution, formatCounterfactual, formatExplanation } from './format.ts';
import { parseCsv, trainSoftmax } from '../../../test/support/explain-test-model.ts';
import { FEATURE_SPEC } from '../data/features.ts';

const DATA = resolve(DATA_DIR, 'mood_labelled/data_moods.csv');
const FEATURES = ['danceability', 'acousticness', 'energy', 'instrumentalness', 'liveness', 'valence', 'loudness', 'speechiness', 'tempo'];

function loadMoods(): { X: Matrix; y: Int32Array; classes: string[]; ids: string[] } {
  const rows = parseCsv(readFileSync(DATA, 'utf8'));
  const head = rows[0];
  const cols = FEATURES.map((f) => head.indexOf(f));
  const moodCol = head.indexOf('mood');
  const idCol = head.indexOf('id');
  const classes = [...new Set(rows.slice(1).map((r) => r[moodCol]))].sort();
  const body = rows.slice(1);
  return {
    X: fromRows(body.map((r) => cols.map((c) => Number(r[c])))),
    y: Int32Array.from(body.map((r) => classes.indexOf(r[moodCol]))),
    classes,
    ids: body.map((r) => r[idCol]),
  };
}

const data = loadMoods();
const model = trainSoftmax(data.X, data.y, data.classes, FEATURES);
const background = backgroundSample(data.X, 40, 1);

test('the test model is a real classifier (well above the 0.29 majority baseline)', () => {
  const imp = permutationImportance((X) => model.predictProbaRaw(X), data.X, data.y, { repeats: 2 });
  assert.ok(imp.baselineAccuracy > 0.7, `accuracy ${imp.baselineAccuracy}`);
  assert.ok(Math.max(...imp.mean) > 0.05);
});

test('Shapley additivity on a trained model: attributions sum to prediction − baseline within 1e-6', () => {
  for (const i of [0, 17, 123, 400, 685]) {
    const x = row(data.X, i);
    const r = shapleyValues((X) => model.predictProbaRaw(X), x, background);
    assert.equal(r.exact, true);
    assert.equal(r.coalitions, 512);
    const p = model.predictProbaRaw(matrix(1, 9, x.slice()));
    assert.ok(Math.abs(r.prediction - p.data[r.classIndex]) < 1e-12);
    let bg = 0;
    const P = model.predictProbaRaw(background);
    for (let b = 0; b < P.rows; b++) bg += P.data[b * P.cols + r.classIndex];
    assert.ok(Math.abs(r.baseline - bg / P.rows) < 1e-12);
    const sum = r.values.reduce((a, v) => a + v, 0);
    assert.ok(Math.abs(sum - (r.prediction - r.baseline)) < 1e-6, `sum ${sum} vs ${r.prediction - r.baseline}`);
  }
});

test('sampled permutations: flagged as not exact, still additive, close to exact values', () => {
  const x = row(data.X, 42);
  const exact = shapleyValues((X) => model.predictProbaRaw(X), x, background);
  const sampled = shapleyValues((X) => model.predictProbaRaw(X), x, background, { maxExactFeatures: 4, permutations: 400, seed: 3 });
  assert.equal(sampled.exact, false);
  assert.equal(sampled.permutations, 400);
  const sum = sampled.values.reduce((a, v) => a + v, 0);
  assert.ok(Math.abs(sum - (sampled.prediction - sampled.baseline)) < 1e-6);
  for (let j = 0; j < 9; j++) assert.ok(Math.abs(sampled.values[j] - exact.values[j]) < 0.02, `feature ${j}`);
});

test('linear model: attributions equal coefficient × (x − background mean)', () => {
  const rng = createRng(7);
  for (const d of [5, 16]) {
    const w = Array.from({ length: d }, () => rng.normal());
    const bias = 0.3;
    const f = (X: Matrix): Matrix => {
      const out = matrix(X.rows, 1);
      for (let i = 0; i < X.rows; i++) {
        let s = bias;
        for (let j = 0; j < d; j++) s += w[j] * X.data[i * d + j];
        out.data[i] = s;
      }
      return out;
    };
    const bg = matrix(30, d);
    for (let q = 0; q < bg.data.length; q++) bg.data[q] = rng.normal() * 2 + 1;
    const x = Float64Array.from({ length: d }, () => rng.normal());
    const r = shapleyValues(f, x, bg, { classIndex: 0, permutations: 20 });
    assert.equal(r.exact, d <= 13);
    for (let j = 0; j < d; j++) {
      let m = 0;
      for (let b = 0; b < bg.rows; b++) m += bg.data[b * d + j];
      m /= bg.rows;
      assert.ok(Math.abs(r.values[j] - w[j] * (x[j] - m)) < 1e-9, `d=${d} j=${j}: ${r.values[j]} vs ${w[j] * (x[j] - m)}`);
    }
  }
});

test('a counterfactual really flips the prediction, within valid ranges, changing one or two features', () => {
  const scale = Array.from(model.std);
  let found = 0;
  for (const i of [3, 50, 222, 333, 512]) {
    const x = row(data.X, i);
    const cf = findCounterfactual(model, x, { scale });
    assert.ok(cf, `track ${i}: no counterfactual`);
    found++;
    assert.ok(cf.changes.length >= 1 && cf.changes.length <= 2);
    const x2 = Float64Array.from(x);
    for (const c of cf.changes) {
      const j = FEATURES.indexOf(c.feature);
      x2[j] = c.to;
      const spec = FEATURE_SPEC.get(c.feature)!;
      assert.ok(c.to >= spec.min && c.to <= spec.max, `${c.feature} ${c.to} out of range`);
    }
    const before = explainTrack(model, x, background).mood;
    const P = model.predictProbaRaw(matrix(1, 9, x2));
    const after = data.classes[P.data.indexOf(Math.max(...P.data))];
    assert.equal(cf.fromMood, before);
    assert.equal(after, cf.toMood);
    assert.notEqual(after, before);
    assert.match(formatCounterfactual(cf), /^[a-z_]+ [+-][0-9.:]+( (dB|BPM))?(, [a-z_]+ [+-][0-9.:]+( (dB|BPM))?)? → \w+$/);
    // One feature alone: the single-feature optimum is never closer than the 1-or-2 optimum.
    const single = findCounterfactual(model, x, { scale, maxFeatures: 1 });
    if (single) assert.ok(cf.distance <= single.distance + 1e-9);
  }
  assert.equal(found, 5);
});

test('counterfactual towards a named mood, with frozen features', () => {
  const x = row(data.X, 10);
  const from = explainTrack(model, x, background).mood;
  const target = data.classes.find((c) => c !== from)!;
  const cf = findCounterfactual(model, x, { scale: Array.from(model.std), targetMood: target, frozen: ['energy'] });
  if (cf) {
    assert.equal(cf.toMood, target);
    assert.ok(cf.changes.every((c) => c.feature !== 'energy'));
  }
});

test('explainTrack and the text format: "energy 0.91 (+0.22)"', () => {
  const e = explainTrack(model, row(data.X, 0), background, { trackId: data.ids[0] });
  assert.equal(e.contributions.length, 9);
  assert.equal(formatContribution({ feature: 'energy', value: 0.91, shap: 0.2214 }), 'energy 0.91 (+0.22)');
  assert.equal(formatContribution({ feature: 'loudness', value: -5.123, shap: -0.05 }), 'loudness -5.1 dB (-0.05)');
  assert.equal(formatContribution({ feature: 'tempo', value: 120.4, shap: 0.001 }), 'tempo 120 BPM (+0.00)');
  const text = formatExplanation(e, null);
  assert.match(text, new RegExp(`^${data.ids[0]}: ${e.mood} \\(probability`));
  assert.match(text, /exact Shapley values over 512 coalitions/);
});

test('global importance: four methods side by side and a disagreement sentence', () => {
  const ex = [0, 100, 200, 300, 400, 500, 600].map((i) => shapleyValues((X) => model.predictProbaRaw(X), row(data.X, i), background));
  const shap = meanAbsShapley(ex, 9);
  const perm = permutationImportance((X) => model.predictProbaRaw(X), data.X, data.y, { repeats: 2, seed: 1 });
  const coef = logregCoefficientImportance([[1, 0, 0, 0, 0, 0, 0, 0, 0], [-3, 0, 0, 0, 0, 0, 0, 0, 0.5]]);
  assert.deepEqual(coef, [2, 0, 0, 0, 0, 0, 0, 0, 0.25]);
  const spread = centroidSpreadImportance([[0, 1, 2, 0, 0, 0, 0, 0, 0], [0, 3, 2, 0, 0, 0, 0, 0, 0]], [1, 2, 1, 1, 1, 1, 1, 1, 1]);
  assert.deepEqual(spread, [0, 0.5, 0, 0, 0, 0, 0, 0, 0]);
  const g = compareImportance(FEATURES, [
    { id: 'shap', label: 'mean |Shapley|', values: shap, unit: 'probability' },
    { id: 'perm', label: 'permutation importance', values: perm.mean, unit: 'accuracy drop' },
    { id: 'coef', label: 'logistic coefficients after K-Means', values: coef, unit: '|coefficient|' },
    { id: 'gmm', label: 'GMM centroid spread', values: spread, unit: 'std' },
  ]);
  assert.match(g.summary, /first/);
  assert.match(g.summary, /Spearman ρ = /);
  assert.match(g.summary, /disagree most on/);
});
