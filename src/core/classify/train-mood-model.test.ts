import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyTemperature } from './calibration.ts';
import { generateCatalogue } from '../generator/generate.ts';
import { matrix } from '../common/matrix.ts';
import { encodeLabels, MoodClassifier } from './mood-classifier.ts';
import { crossFittedCalibration, crossValidateMoodClassifier } from '../evaluate/mood-cv.ts';
import { trainMoodModel, DEFAULT_ENSEMBLE_MEMBERS } from './train-mood-model.ts';
import { summarizeUncertain, UNCERTAIN } from './uncertain.ts';
import { tagProbabilities, tagTracks } from '../tag/tag-tracks.ts';
import { classifierFactory } from './classifiers.ts';

const labelled = generateCatalogue({ tracks: 500, seed: 11, labelled: true });

test('train fits a temperature on the out-of-fold predictions, stores it in the model and applies it in predictProba', () => {
  const o = trainMoodModel(labelled, { target: { type: 'label', column: 'mood' }, classifier: { model: 'mlp', classifierOptions: { epochs: 8 } }, cv: 4, seed: 1, uncertainBelow: 0.5 });
  const cv = o.cv!;
  assert.equal(o.model.temperature, cv.calibration.temperature);
  assert.ok(o.model.temperature !== 1);
  assert.equal(o.model.uncertainBelow, 0.5);
  const raw = o.model.predictProbaUncalibrated(o.model.featureMatrix(labelled));
  const expected = applyTemperature(raw, o.model.temperature, { from: 'probs' });
  const got = o.model.predictProba(labelled);
  for (let i = 0; i < got.data.length; i++) assert.ok(Math.abs(got.data[i] - expected.data[i]) < 1e-12);
  // Calibration is reported before and after; temperature scaling does not make the NLL-optimal
  // fit worse on Brier by much, and ECE stays within the target on this well-specified sample.
  assert.ok(cv.calibration.ece.calibrated <= 0.05 + 1e-9 || cv.calibration.ece.calibrated <= cv.calibration.ece.raw, JSON.stringify(cv.calibration));
  assert.ok(Number.isFinite(cv.calibration.brier.raw) && Number.isFinite(cv.calibration.brier.calibrated));
  // Uncertain outcomes are counted with the calibrated probabilities at the chosen threshold.
  assert.equal(cv.uncertain.threshold, 0.5);
  const { decisions } = tagTracks(o.model, labelled, { uncertainBelow: o.model.uncertainBelow });
  const nUnc = decisions.filter((d) => d.mood === UNCERTAIN).length;
  assert.equal(nUnc, summarizeUncertain(got, 0.5).count);
  assert.ok(decisions.every((d) => d.uncertain === d.confidence < 0.5));
  // Baselines on the same folds.
  assert.ok(cv.baselines.majority.accuracy.mean < cv.accuracy.mean);
  assert.ok(cv.baselines.logreg!.accuracy.perFold.length === 4);
  assert.equal(o.circularity.circular, false);
  assert.deepEqual(o.warnings, []);
});

test('the uncertain threshold decides per row', () => {
  const p = matrix(3, 2, Float64Array.from([0.9, 0.1, 0.55, 0.45, 0.3, 0.7]));
  const d = tagProbabilities(['A', 'B'], p, { uncertainBelow: 0.6 }).decisions;
  assert.deepEqual(d.map((x) => x.mood), ['A', UNCERTAIN, 'B']);
  assert.deepEqual(d.map((x) => x.topMood), ['A', 'A', 'B']);
  const s = summarizeUncertain(p, 0.6, [0, 1, 1]);
  assert.equal(s.count, 1);
  assert.equal(s.accuracyWhenCertain, 1);
  assert.equal(s.accuracyWhenUncertain, 0);
  assert.throws(() => tagProbabilities(['A', 'B'], p, { uncertainBelow: 1.5 }), /threshold/);
});

test('repeated CV pools repeats × folds and uses a different split per repeat', () => {
  const target = encodeLabels(labelled.text.mood);
  const r = crossValidateMoodClassifier(labelled, target, { model: 'logreg' }, { folds: 3, seed: 5, repeats: 2 });
  assert.equal(r.repeats, 2);
  assert.equal(r.accuracy.perFold.length, 6);
  assert.equal(r.oofProbaByRepeat.length, 2);
  assert.notDeepEqual(Array.from(r.oofProbaByRepeat[0].data), Array.from(r.oofProbaByRepeat[1].data));
  assert.equal(r.report.confusion.flat().reduce((a, b) => a + b, 0), 2 * labelled.rowCount);
});

test('cross-fitted calibration never uses a group to fit its own temperature', () => {
  // Group 0 is over-confident and wrong; group 1 is right. With cross-fitting, group 1's
  // temperature comes from group 0 only, and vice versa.
  const p = matrix(4, 2, Float64Array.from([0.99, 0.01, 0.99, 0.01, 0.9, 0.1, 0.9, 0.1]));
  const y = Int32Array.from([1, 1, 0, 0]);
  const c = crossFittedCalibration(p, y, [[0, 1], [2, 3]]);
  assert.ok(c.data[4] < 0.9, 'group 1 is softened by the temperature fitted on the wrong group 0');
});

test('the default classifier is an ensemble that round-trips through its state', () => {
  const target = encodeLabels(labelled.text.mood);
  const members = DEFAULT_ENSEMBLE_MEMBERS.map((m) => (m.kind === 'mlp' ? { ...m, seeds: 2, options: { epochs: 3 } } : { ...m }));
  const fitted = new MoodClassifier({ model: 'ensemble', classifierOptions: { members }, seed: 3 }).fit(labelled, target);
  const state = fitted.classifier.toState();
  assert.equal(state.kind, 'ensemble');
  assert.equal((state.config.members as unknown[]).length, 3, 'logreg once + 2 networks');
  const back = classifierFactory('ensemble').fromState(state);
  const X = fitted.scaler.transform(fitted.featureMatrix(labelled));
  assert.deepEqual(Array.from(back.predictProba(X).data), Array.from(fitted.classifier.predictProba(X).data));
});
