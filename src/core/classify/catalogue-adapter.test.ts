import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateCatalogue } from '../generator/generate.ts';
import { encodeLabels, FittedMoodClassifier, MoodClassifier } from './mood-classifier.ts';
import { AdaptedClassifier, CatalogueAdapter } from './catalogue-adapter.ts';
import { selectRows, type TrackTable } from '../data/track-table.ts';
import { argmaxRows, takeRows } from '../common/matrix.ts';
import { macroF1 } from '../evaluate/metrics.ts';
import { createRng, permutation } from '../common/random.ts';

const train = generateCatalogue({ tracks: 1500, seed: 21, labelled: true });
const target = encodeLabels(train.text.mood);
const original = new MoodClassifier({ model: 'logreg' }).fit(train, target).withTemperature(1.2);

/**
 * A catalogue whose moods sit elsewhere in feature space than in the training set: energy and
 * valence are offset (another mastering chain, another genre mix), and what the training set
 * calls its first two moods this catalogue calls the other way round (another curator).
 */
function shiftedCatalogue(n: number, seed: number): { table: TrackTable; y: Int32Array } {
  const t = generateCatalogue({ tracks: n, seed, labelled: true });
  const y = encodeLabels(t.text.mood, target.classes).y.map((c) => (c === 0 ? 1 : c === 1 ? 0 : c));
  const numeric = { ...t.numeric };
  numeric.energy = t.numeric.energy.map((v) => Math.min(1, v + 0.1));
  numeric.valence = t.numeric.valence.map((v) => Math.max(0, v - 0.1));
  return { table: { ...t, numeric }, y };
}

function f1(model: FittedMoodClassifier, table: TrackTable, y: Int32Array): number {
  return macroF1(y, argmaxRows(model.predictProba(table)), model.classes.length);
}

test('adapt improves a constructed shifted catalogue, and more corrections help more', () => {
  const { table, y } = shiftedCatalogue(1200, 5);
  const order = permutation(table.rowCount, createRng(1));
  const rest = Array.from(order.subarray(100));
  const evalTable = selectRows(table, rest), evalY = Int32Array.from(rest, (i) => y[i]);
  const before = f1(original, evalTable, evalY);
  const scores: number[] = [];
  for (const n of [25, 100]) {
    const rows = Array.from(order.subarray(0, n));
    const X = takeRows(original.featureMatrix(table), rows);
    const { model, summary } = new CatalogueAdapter().fit(original, X, Int32Array.from(rows, (i) => y[i]));
    assert.equal(summary.corrections, n);
    assert.ok(model.classifier instanceof AdaptedClassifier);
    assert.equal(model.temperature, 1);
    scores.push(f1(model, evalTable, evalY));
  }
  assert.ok(scores[0] > before, `25 corrections: ${scores[0].toFixed(3)} vs original ${before.toFixed(3)}`);
  assert.ok(scores[1] > before + 0.05, `100 corrections: ${scores[1].toFixed(3)} vs original ${before.toFixed(3)}`);
  assert.ok(scores[1] >= scores[0], `100 (${scores[1].toFixed(3)}) ≥ 25 (${scores[0].toFixed(3)})`);
});

test('with no shift, a strong prior keeps the adapted model close to the original', () => {
  const t = generateCatalogue({ tracks: 400, seed: 9, labelled: true });
  const y = encodeLabels(t.text.mood, target.classes).y;
  const { model, summary } = new CatalogueAdapter({ l2Grid: [1e4] }).fit(original, original.featureMatrix(t), y);
  const p0 = original.predictProba(t), p1 = model.predictProba(t);
  let max = 0;
  for (let i = 0; i < p0.data.length; i++) max = Math.max(max, Math.abs(p0.data[i] - p1.data[i]));
  assert.ok(max < 0.05, `largest change ${max}`);
  assert.ok(summary.l2 === 1e4 || summary.l2 === Infinity, String(summary.l2));
});

test('an adapted model saves and loads through its state, and is adapted again from its original', () => {
  const { table, y } = shiftedCatalogue(200, 6);
  const X = original.featureMatrix(table);
  const { model } = new CatalogueAdapter().fit(original, X, y);
  const { config, stages } = model.toStates();
  const back = FittedMoodClassifier.fromStates(JSON.parse(JSON.stringify(config)), stages);
  assert.deepEqual(Array.from(back.predictProba(table).data), Array.from(model.predictProba(table).data));
  assert.deepEqual(Array.from(back.trainingPriors!), Array.from(model.trainingPriors!));
  const again = new CatalogueAdapter().fit(back, X, y).model;
  assert.ok(again.classifier instanceof AdaptedClassifier);
  assert.ok(!((again.classifier as AdaptedClassifier).base instanceof AdaptedClassifier), 'adapting twice does not stack layers');
  assert.throws(() => new CatalogueAdapter().fit(original, takeRows(X, []), new Int32Array(0)), /no corrections/);
  assert.throws(() => new CatalogueAdapter().fit(original, takeRows(X, [0]), Int32Array.from([9])), /not one of/);
});
