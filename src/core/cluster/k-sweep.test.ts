import { test } from 'node:test';
import assert from 'node:assert/strict';
import { matrix } from '../common/matrix.ts';
import { createRng } from '../common/random.ts';
import { kneeIndex, sweepK } from './k-sweep.ts';

function blobs(k: number, n: number, seed: number) {
  const rng = createRng(seed);
  const X = matrix(k * n, 2);
  for (let c = 0; c < k; c++) {
    const cx = 10 * Math.cos((2 * Math.PI * c) / k), cy = 10 * Math.sin((2 * Math.PI * c) / k);
    for (let i = 0; i < n; i++) {
      const r = c * n + i;
      X.data[r * 2] = cx + 0.6 * rng.normal();
      X.data[r * 2 + 1] = cy + 0.6 * rng.normal();
    }
  }
  return X;
}

test('kneeIndex: clear elbow, straight line and too few points', () => {
  assert.equal(kneeIndex([1, 2, 3, 4, 5, 6], [100, 40, 10, 8, 6, 4]), 2);
  assert.equal(kneeIndex([1, 2, 3, 4], [4, 3, 2, 1]), null);
  assert.equal(kneeIndex([1, 2], [2, 1]), null);
  assert.equal(kneeIndex([2, 3, 4], [5, 5, 5]), null);
  assert.throws(() => kneeIndex([1, 2, 3], [1, 2]), /3 x values but 2/);
});

test('sweepK finds k = 4 on four separated blobs, by knee and by silhouette', () => {
  const X = blobs(4, 40, 1);
  const r = sweepK(X, { kMin: 2, kMax: 7, nInit: 2, seed: 1 });
  assert.deepEqual(r.points.map((p) => p.k), [2, 3, 4, 5, 6, 7]);
  assert.equal(r.kneeK, 4);
  assert.equal(r.bestSilhouetteK, 4);
  assert.equal(r.chosenK, 4);
  assert.equal(r.chosenBy, 'knee');
  for (const p of r.points) {
    assert.equal(p.sampled, false);
    assert.equal(p.silhouetteRows, 160);
  }
  for (let i = 1; i < r.points.length; i++) assert.ok(r.points[i].inertia <= r.points[i - 1].inertia * 1.0001);
});

test('sweepK is seeded and reports sampling', () => {
  const X = blobs(3, 60, 2);
  const a = sweepK(X, { kMin: 2, kMax: 4, nInit: 1, seed: 5, silhouetteMaxExact: 100, silhouetteSample: 100 });
  const b = sweepK(X, { kMin: 2, kMax: 4, nInit: 1, seed: 5, silhouetteMaxExact: 100, silhouetteSample: 100 });
  assert.deepEqual(a, b);
  assert.ok(a.points.every((p) => p.sampled && p.silhouetteRows === 100));
});

test('sweepK falls back to silhouette with only two ks; validates options', () => {
  const X = blobs(2, 20, 3);
  const r = sweepK(X, { kMin: 2, kMax: 3, nInit: 1 });
  assert.equal(r.kneeK, null);
  assert.equal(r.chosenBy, 'silhouette');
  assert.equal(r.chosenK, 2);
  assert.throws(() => sweepK(X, { kMin: 1 }), /"kMin"/);
  assert.throws(() => sweepK(X, { kMin: 5, kMax: 3 }), /"kMax" must be ≥ kMin/);
  assert.throws(() => sweepK(X, { kMax: 40 }), /"kMax" must be ≤ rows − 1/);
});

test('the sweep\'s silhouette is exact up to 10,000 rows by default and sampled only above', () => {
  const X = blobs(3, 60, 2);
  const r = sweepK(X, { kMin: 2, kMax: 3, nInit: 1, seed: 1 });
  assert.ok(r.points.every((p) => !p.sampled && p.silhouetteRows === X.rows));
});
