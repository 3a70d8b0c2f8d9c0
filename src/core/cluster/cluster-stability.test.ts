import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clusterStability } from './cluster-stability.ts';
import { matrix } from '../common/matrix.ts';
import { createRng } from '../common/random.ts';

function blobs(n: number, centres: number[][], spread: number, seed: number) {
  const rng = createRng(seed), d = centres[0].length, X = matrix(n, d);
  for (let i = 0; i < n; i++) {
    const c = centres[i % centres.length];
    for (let j = 0; j < d; j++) X.data[i * d + j] = c[j] + spread * rng.normal();
  }
  return X;
}

test('well separated clusters are stable (bootstrap ARI ≈ 1); k beyond the structure is less stable', () => {
  const X = blobs(600, [[0, 0], [10, 0], [0, 10]], 0.5, 1);
  const s3 = clusterStability(X, { k: 3, bootstraps: 6, seed: 0 });
  assert.equal(s3.pairs.length, 15);
  assert.ok(s3.mean > 0.99, `k=3 mean ARI ${s3.mean}`);
  assert.ok(s3.std < 0.01);
  const u = clusterStability(blobs(600, [[0, 0]], 1, 2), { k: 4, bootstraps: 6, seed: 0 });
  assert.ok(u.mean < s3.mean, `one blob cut in 4: ${u.mean}`);
  assert.deepEqual(clusterStability(X, { k: 3, bootstraps: 3, seed: 7 }), clusterStability(X, { k: 3, bootstraps: 3, seed: 7 }), 'seeded');
});

test('clusterStability refuses bad arguments', () => {
  const X = blobs(20, [[0, 0]], 1, 3);
  assert.throws(() => clusterStability(X, { k: 1 }), /k must be/);
  assert.throws(() => clusterStability(X, { k: 2, bootstraps: 1 }), /bootstraps/);
});
