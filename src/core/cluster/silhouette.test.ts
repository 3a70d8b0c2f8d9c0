import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fromRows, matrix } from '../common/matrix.ts';
import { createRng } from '../common/random.ts';
import { silhouette, silhouetteSamples, sampleWithoutReplacement } from './silhouette.ts';

const close = (a: number, b: number, eps = 1e-12) => assert.ok(Math.abs(a - b) <= eps, `${a} vs ${b}`);

test('known answers from sklearn 1.2.1 (singleton cluster scores 0)', () => {
  const X = fromRows([[0], [1], [4], [5], [12]]);
  const l = [0, 0, 1, 1, 2];
  const s = silhouetteSamples(X, l);
  [0.7777777777777778, 0.7142857142857143, 0.7142857142857143, 0.7777777777777778, 0].forEach((v, i) => close(s[i], v));
  const r = silhouette(X, l);
  close(r.score, 0.5968253968253968);
  assert.equal(r.sampled, false);
  assert.equal(r.sampleSize, 5);
  const X2 = fromRows([[0, 0], [1, 0], [0, 1], [5, 5], [6, 5], [5, 7], [2, 3]]);
  close(silhouette(X2, Int32Array.from([0, 0, 0, 1, 1, 1, 1])).score, 0.59042219376391);
  // Label values are arbitrary.
  close(silhouette(X2, [7, 7, 7, -3, -3, -3, -3]).score, 0.59042219376391);
});

function twoBlobs(n: number, seed: number) {
  const rng = createRng(seed);
  const X = matrix(n, 2);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % 2;
    X.data[i * 2] = rng.normal() + (y[i] ? 6 : 0);
    X.data[i * 2 + 1] = rng.normal();
  }
  return { X, y };
}

test('sampled above maxExact: seeded, flagged, close to exact', () => {
  const { X, y } = twoBlobs(1200, 1);
  const exact = silhouette(X, y);
  assert.equal(exact.sampled, false);
  const a = silhouette(X, y, { maxExact: 500, sampleSize: 400, seed: 3 });
  const b = silhouette(X, y, { maxExact: 500, sampleSize: 400, seed: 3 });
  assert.equal(a.sampled, true);
  assert.equal(a.sampleSize, 400);
  assert.equal(a.score, b.score);
  assert.ok(Math.abs(a.score - exact.score) < 0.03, `${a.score} vs ${exact.score}`);
});

test('sample indices are distinct, sorted and seeded', () => {
  const s = sampleWithoutReplacement(100, 30, 9);
  assert.equal(new Set(s).size, 30);
  for (let i = 1; i < s.length; i++) assert.ok(s[i] > s[i - 1]);
  assert.deepEqual(s, sampleWithoutReplacement(100, 30, 9));
});

test('validation', () => {
  const X = fromRows([[0], [1], [2]]);
  assert.throws(() => silhouette(X, [0, 0, 0]), /number of clusters/);
  assert.throws(() => silhouette(X, [0, 1, 2]), /number of clusters/);
  assert.throws(() => silhouette(X, [0, 1]), /3 rows but 2 labels/);
  assert.throws(() => silhouette(X, [0, 1, 1], { maxExact: 1 }), /"maxExact"/);
  assert.throws(() => silhouette(fromRows([[0], [Infinity], [2]]), [0, 1, 1]), /non-finite/);
});
