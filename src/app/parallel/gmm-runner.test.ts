import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GaussianMixture } from '../../core/cluster/gmm.ts';
import { GMM_CHUNK_ROWS } from '../../core/cluster/gmm-passes.ts';
import { matrix } from '../../core/common/matrix.ts';
import { createRng } from '../../core/common/random.ts';
import { workerGmmRunner } from './gmm-runner.ts';

// Enough rows for several chunks, so the worker and this thread both take some.
const rows = GMM_CHUNK_ROWS * 4 + 123;
const rng = createRng(4);
const X = matrix(rows, 3);
for (let i = 0; i < rows; i++) {
  const c = i % 3;
  for (let j = 0; j < 3; j++) X.data[i * 3 + j] = rng.normal() + (c === j ? 3 : 0);
}

for (const covarianceType of ['full', 'diag'] as const) {
  test(`Gaussian mixture (${covarianceType}) with EM passes on 2 threads equals the one-thread fit exactly`, () => {
    const o = { k: 3, covarianceType, seed: 2, maxIter: 30 };
    const seq = new GaussianMixture(o).fit(X);
    const par = new GaussianMixture(o).fit(X, workerGmmRunner(2));
    assert.deepEqual(par.fitInfo, seq.fitInfo);
    assert.deepEqual(Array.from(par.means.data), Array.from(seq.means.data));
    assert.deepEqual(Array.from(par.covariances), Array.from(seq.covariances));
    assert.deepEqual(Array.from(par.weights), Array.from(seq.weights));
  });
}

test('small inputs stay on this thread (no worker for fewer than 4 chunks)', () => {
  const small = matrix(500, 3, X.data.slice(0, 1500));
  const runner = workerGmmRunner(2)(small, 3);
  assert.equal(runner.X, small);
  runner.close();
});
