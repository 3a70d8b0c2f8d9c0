import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fromRows } from '../common/matrix.ts';
import {
  accuracy, classificationReport, confusionMatrix, formatClassificationReport, logLoss, macroF1,
  precisionRecallF1, resolveClassWeights, weightedF1,
} from './metrics.ts';

const yTrue = Int32Array.from([0, 0, 0, 1, 1, 2]);
const yPred = Int32Array.from([0, 0, 1, 1, 2, 2]);
const close = (a: number, b: number, tol = 1e-12): void => assert.ok(Math.abs(a - b) < tol, `${a} vs ${b}`);

test('accuracy and confusion matrix (rows true, columns predicted)', () => {
  close(accuracy(yTrue, yPred), 4 / 6);
  assert.deepEqual(confusionMatrix(yTrue, yPred), [[2, 1, 0], [0, 1, 1], [0, 0, 1]]);
  assert.deepEqual(confusionMatrix(yTrue, yPred, 4)[3], [0, 0, 0, 0]);
  assert.throws(() => accuracy(yTrue, yPred.subarray(1)), /6 labels but yPred has 5/);
  assert.throws(() => confusionMatrix(yTrue, yPred, 2), /label 2/);
});

test('per-class precision / recall / F1 / support, macro and weighted F1', () => {
  const s = precisionRecallF1(yTrue, yPred);
  assert.deepEqual([...s.precision], [1, 0.5, 0.5]);
  assert.deepEqual([...s.recall], [2 / 3, 0.5, 1]);
  close(s.f1[0], 0.8); close(s.f1[1], 0.5); close(s.f1[2], 2 / 3);
  assert.deepEqual([...s.support], [3, 2, 1]);
  close(macroF1(yTrue, yPred), (0.8 + 0.5 + 2 / 3) / 3);
  close(weightedF1(yTrue, yPred), (3 * 0.8 + 2 * 0.5 + 2 / 3) / 6);
  // A class that is never true nor predicted scores 0 (sklearn zero_division=0) and counts in macro.
  const s4 = precisionRecallF1(yTrue, yPred, 4);
  assert.equal(s4.f1[3], 0);
  close(macroF1(yTrue, yPred, 4), (0.8 + 0.5 + 2 / 3) / 4);
});

test('log loss, with clipping', () => {
  const p = fromRows([[0.8, 0.2], [0.4, 0.6]]);
  close(logLoss(Int32Array.from([0, 1]), p), -(Math.log(0.8) + Math.log(0.6)) / 2);
  const zero = fromRows([[1, 0]]);
  close(logLoss(Int32Array.from([1]), zero), -Math.log(1e-15), 1e-9);
});

test('classification report', () => {
  const r = classificationReport(yTrue, yPred, ['calm', 'happy', 'sad']);
  assert.equal(r.classes[2].name, 'sad');
  close(r.classes[0].f1, 0.8);
  close(r.accuracy, 4 / 6);
  close(r.macroAvg.precision, 2 / 3);
  close(r.weightedAvg.recall, 4 / 6); // weighted recall = accuracy
  assert.equal(r.macroAvg.support, 6);
  assert.deepEqual(r.confusion, [[2, 1, 0], [0, 1, 1], [0, 0, 1]]);
  assert.match(formatClassificationReport(r), /weighted avg/);
});

test('class weights: explicit and balanced', () => {
  assert.deepEqual([...resolveClassWeights('balanced', yTrue, 3, 't')!], [6 / 9, 6 / 6, 6 / 3]);
  assert.equal(resolveClassWeights(null, yTrue, 3, 't'), undefined);
  assert.throws(() => resolveClassWeights([1, 2], yTrue, 3, 't'), /one weight per class/);
});
