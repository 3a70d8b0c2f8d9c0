import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fromRows, matrix } from '../common/matrix.ts';
import { createRng } from '../common/random.ts';
import { PCA, FittedPCA, symmetricEigen } from './pca.ts';

const close = (a: number, b: number, eps = 1e-10) => assert.ok(Math.abs(a - b) <= eps, `${a} vs ${b}`);
const R = Math.SQRT1_2;

test('known answer: variance along the diagonals', () => {
  const X = fromRows([[1, 1], [-1, -1], [2, 2], [-2, -2], [0.5, -0.5], [-0.5, 0.5]]);
  const p = new PCA().fit(X);
  close(p.explainedVariance[0], 4);
  close(p.explainedVariance[1], 0.2);
  close(p.explainedVarianceRatio[0], 4 / 4.2);
  close(p.explainedVarianceRatio[1], 0.2 / 4.2);
  // Largest-|loading| positive; on the exact tie the first loading decides.
  close(p.components.data[0], R);
  close(p.components.data[1], R);
  close(p.components.data[2], R);
  close(p.components.data[3], -R);
  const Z = p.transform(X);
  close(Z.data[0], Math.SQRT2);
  close(Z.data[1], 0);
  p.inverseTransform(Z).data.forEach((v, i) => close(v, X.data[i]));
});

test('known covariance: samples from a known 3-D Gaussian recover its eigenvectors', () => {
  // Σ = Q diag(9, 4, 1) Qᵀ with Q a rotation; sample x = Q diag(3, 2, 1) z.
  const c = Math.cos(0.4), s = Math.sin(0.4);
  const Q = [[c, -s, 0], [s, c, 0], [0, 0, 1]];
  const sd = [3, 2, 1];
  const rng = createRng(1);
  const n = 4000;
  const X = matrix(n, 3);
  for (let i = 0; i < n; i++) {
    const z = [sd[0] * rng.normal(), sd[1] * rng.normal(), sd[2] * rng.normal()];
    for (let r = 0; r < 3; r++) X.data[i * 3 + r] = 5 + Q[r][0] * z[0] + Q[r][1] * z[1] + Q[r][2] * z[2];
  }
  const p = new PCA({ nComponents: 3 }).fit(X);
  [9, 4, 1].forEach((v, i) => close(p.explainedVariance[i], v, 0.06 * v));
  for (let comp = 0; comp < 3; comp++) {
    let dot = 0;
    for (let r = 0; r < 3; r++) dot += p.components.data[comp * 3 + r] * Q[r][comp];
    assert.ok(Math.abs(dot) > 0.99, `component ${comp}: |cos| = ${Math.abs(dot)}`);
  }
  let sum = 0;
  p.explainedVarianceRatio.forEach((v) => (sum += v));
  close(sum, 1, 1e-12);
});

test('symmetricEigen on a known matrix', () => {
  const { values, vectors } = symmetricEigen(Float64Array.from([2, 1, 0, 1, 2, 0, 0, 0, 5]), 3);
  close(values[0], 5); close(values[1], 3); close(values[2], 1);
  assert.deepEqual(Array.from(vectors.subarray(0, 3)).map((v) => Math.round(v * 1e9) / 1e9), [0, 0, 1]);
  close(vectors[3], R); close(vectors[4], R);
  close(vectors[6], R); close(vectors[7], -R);
});

test('state round-trip, determinism, width and option validation', () => {
  const rng = createRng(2);
  const X = matrix(50, 4);
  for (let i = 0; i < X.data.length; i++) X.data[i] = rng.normal() * (1 + (i % 4));
  const p = new PCA({ nComponents: 3 }).fit(X);
  assert.deepEqual(new PCA({ nComponents: 3 }).fit(X).components.data, p.components.data);
  const s = p.toState();
  assert.equal(s.kind, 'pca');
  const r = FittedPCA.fromState({ ...s, config: JSON.parse(JSON.stringify(s.config)) });
  assert.deepEqual(r.transform(X).data, p.transform(X).data);
  assert.throws(() => p.transform(matrix(1, 3)), /PCA was fitted on 4 features but got 3/);
  assert.throws(() => new PCA({ nComponents: 5 }).fit(X), /"nComponents" must be ≤ the number of features \(4\)/);
  assert.throws(() => new PCA({ nComponents: 0 }).fit(X), /"nComponents"/);
  assert.throws(() => new PCA().fit(matrix(1, 4)), /at least 2 rows/);
  assert.throws(() => FittedPCA.fromState({ ...s, formatVersion: 9 }), /format version 9/);
});
