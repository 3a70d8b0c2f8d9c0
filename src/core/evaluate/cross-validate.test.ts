import { test } from 'node:test';
import assert from 'node:assert/strict';
import { matrix, takeRows, type Matrix } from '../common/matrix.ts';
import { createRng } from '../common/random.ts';
import { crossValidate, summarize } from './cross-validate.ts';
import { LogisticRegression } from '../classify/logreg.ts';
import { MlpClassifier } from '../classify/mlp.ts';

function blobs(n: number, seed: number): { X: Matrix; y: Int32Array } {
  const rng = createRng(seed);
  const X = matrix(n, 2), y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % 3;
    X.data[2 * i] = 100 + 10 * y[i] + 3 * rng.normal(); // large offset: needs scaling for the MLP
    X.data[2 * i + 1] = (y[i] === 2 ? 5 : 0) + rng.normal();
  }
  return { X, y };
}

test('summarize uses the population std (numpy np.std default)', () => {
  const s = summarize([1, 2, 3, 4]);
  assert.equal(s.mean, 2.5);
  assert.equal(s.std, Math.sqrt(1.25));
});

test('cross-validation covers each row once, out of fold, with per-fold preprocessing', () => {
  const { X, y } = blobs(150, 1);
  const seenTrain: number[] = [];
  const r = crossValidate({
    X, y, nClasses: 3, folds: 5, seed: 2,
    makeModel: () => new LogisticRegression(),
    prepare: (trainIdx, testIdx) => {
      // Standardise with training-fold statistics only.
      const tr = takeRows(X, trainIdx), te = takeRows(X, testIdx);
      seenTrain.push(trainIdx.length);
      const mean = [0, 0], sd = [0, 0];
      for (let i = 0; i < tr.rows; i++) for (let j = 0; j < 2; j++) mean[j] += tr.data[2 * i + j] / tr.rows;
      for (let i = 0; i < tr.rows; i++) for (let j = 0; j < 2; j++) sd[j] += (tr.data[2 * i + j] - mean[j]) ** 2 / tr.rows;
      const f = (m: Matrix): Matrix => matrix(m.rows, 2, m.data.map((v, k) => (v - mean[k % 2]) / Math.sqrt(sd[k % 2])));
      return { Xtrain: f(tr), Xtest: f(te) };
    },
  });
  assert.deepEqual(seenTrain, [120, 120, 120, 120, 120]);
  assert.equal(r.folds.length, 5);
  const tested = new Uint8Array(150);
  for (const f of r.folds) for (const i of f.testIdx) tested[i]++;
  assert.ok(tested.every((v) => v === 1));
  assert.ok(r.accuracy.mean > 0.85, `accuracy ${r.accuracy.mean}`);
  assert.equal(r.accuracy.values.length, 5);
  let total = 0;
  for (const row of r.confusion) for (const v of row) total += v;
  assert.equal(total, 150);
  for (let i = 0; i < 150; i++) {
    const p = r.oofProbabilities.data.subarray(3 * i, 3 * i + 3);
    assert.ok(Math.abs(p[0] + p[1] + p[2] - 1) < 1e-9);
  }
  assert.ok(r.folds.every((f) => f.history.length > 0));
});

test('cross-validation of the MLP is deterministic and keeps per-fold history', () => {
  const { X, y } = blobs(90, 3);
  const run = () => crossValidate({
    X: matrix(X.rows, 2, X.data.map((v, k) => (k % 2 === 0 ? (v - 110) / 10 : v / 3))),
    y, nClasses: 3, folds: 3, seed: 1,
    makeModel: (fold) => new MlpClassifier({ epochs: 4, hiddenSizes: [8], seed: fold }),
  });
  const a = run(), b = run();
  assert.deepEqual(a.oofProbabilities.data, b.oofProbabilities.data);
  assert.equal(a.folds[0].history.length, 4);
  assert.ok(a.macroF1.mean > 0 && a.macroF1.mean <= 1);
});
