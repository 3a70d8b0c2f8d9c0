import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fromRows, matrix, type Matrix } from '../common/matrix.ts';
import { createRng } from '../common/random.ts';
import { GaussianMixture, FittedGaussianMixture, GMM_DEFAULTS } from './gmm.ts';
import { adjustedRandIndex } from '../evaluate/adjusted-rand.ts';
import { gmmKernelBytes } from '../wasm/gmm-kernel.ts';
import { wasmSimdAvailable } from '../wasm/kernels.ts';

const close = (a: number, b: number, eps: number) => assert.ok(Math.abs(a - b) <= eps, `${a} vs ${b}`);

/** Three 2-D clusters with different shapes (one correlated). */
function mixture(nPer: number, seed: number): { X: Matrix; y: Int32Array } {
  const rng = createRng(seed);
  const X = matrix(3 * nPer, 2);
  const y = new Int32Array(3 * nPer);
  for (let i = 0; i < 3 * nPer; i++) {
    const c = i % 3;
    y[i] = c;
    const a = rng.normal(), b = rng.normal();
    if (c === 0) { X.data[i * 2] = a; X.data[i * 2 + 1] = b; }
    else if (c === 1) { X.data[i * 2] = 12 + 2 * a; X.data[i * 2 + 1] = 0.3 * b; }
    else { X.data[i * 2] = a; X.data[i * 2 + 1] = 12 + 0.9 * a + 0.3 * b; }
  }
  return { X, y };
}

test('k = 1 full: closed-form mean, population covariance and log-likelihood', () => {
  const X = fromRows([[0, 0], [2, 0], [0, 2], [2, 2], [1, 3]]);
  const g = new GaussianMixture({ k: 1, regCovar: 0 }).fit(X);
  close(g.means.data[0], 1, 1e-12);
  close(g.means.data[1], 1.4, 1e-12);
  // Population covariance: var x = 0.8, var y = 1.44, cov = 0.4 ... computed by hand below.
  const n = 5, mx = 1, my = 1.4;
  let sxx = 0, syy = 0, sxy = 0;
  for (let i = 0; i < n; i++) {
    const dx = X.data[i * 2] - mx, dy = X.data[i * 2 + 1] - my;
    sxx += dx * dx; syy += dy * dy; sxy += dx * dy;
  }
  sxx /= n; syy /= n; sxy /= n;
  close(g.covariances[0], sxx, 1e-12);
  close(g.covariances[1], sxy, 1e-12);
  close(g.covariances[3], syy, 1e-12);
  const det = sxx * syy - sxy * sxy;
  // At the MLE, Σ (x−μ)ᵀΣ⁻¹(x−μ) = n·d, so logL = −n/2 (d ln 2π + ln|Σ| + d).
  close(g.logLikelihood.total, (-n / 2) * (2 * Math.log(2 * Math.PI) + Math.log(det) + 2), 1e-9);
  close(g.logLikelihood.mean, g.logLikelihood.total / n, 1e-12);
  assert.equal(g.nParameters, 5);
  close(g.bic, -2 * g.logLikelihood.total + 5 * Math.log(5), 1e-9);
  close(g.aic, -2 * g.logLikelihood.total + 10, 1e-9);
  close(g.weights[0], 1, 1e-12);
});

test('recovers a three-component mixture (full), probabilities sum to 1', () => {
  const { X, y } = mixture(100, 1);
  const g = new GaussianMixture({ k: 3, seed: 2 }).fit(X);
  assert.ok(g.converged);
  assert.ok(adjustedRandIndex(y, g.predict(X)) > 0.98);
  for (let c = 0; c < 3; c++) close(g.weights[c], 1 / 3, 0.02);
  const P = g.predictProba(X);
  assert.equal(P.rows, 300);
  assert.equal(P.cols, 3);
  for (let i = 0; i < 300; i++) close(P.data[i * 3] + P.data[i * 3 + 1] + P.data[i * 3 + 2], 1, 1e-12);
  close(g.score(X), g.logLikelihood.mean, 1e-12);
  // The correlated cluster: its covariance has a clearly positive off-diagonal term.
  const means = g.means.data;
  const top = [0, 1, 2].find((c) => means[c * 2 + 1] > 6)!;
  assert.ok(g.covariances[top * 4 + 1] > 0.5);
  // Full fits the correlated cluster better than diag.
  const gd = new GaussianMixture({ k: 3, seed: 2, covarianceType: 'diag' }).fit(X);
  assert.ok(g.logLikelihood.total > gd.logLikelihood.total);
  assert.equal(gd.covariances.length, 6);
  assert.equal(gd.nParameters, 3 * 2 + 3 * 2 + 2);
  assert.equal(g.nParameters, 3 * 3 + 3 * 2 + 2);
});

test('seeded determinism and nInit keeps the best lower bound', () => {
  const { X } = mixture(40, 3);
  const a = new GaussianMixture({ k: 3, seed: 9, nInit: 2 }).fit(X);
  const b = new GaussianMixture({ k: 3, seed: 9, nInit: 2 }).fit(X);
  assert.deepEqual(a.means.data, b.means.data);
  assert.deepEqual(a.covariances, b.covariances);
  assert.equal(a.logLikelihood.total, b.logLikelihood.total);
  const one = new GaussianMixture({ k: 3, seed: 9, nInit: 1 }).fit(X);
  assert.ok(a.fitInfo.lowerBound >= one.fitInfo.lowerBound);
});

test('state round-trip gives identical predictions (full and diag)', () => {
  const { X } = mixture(30, 4);
  for (const covarianceType of ['full', 'diag'] as const) {
    const g = new GaussianMixture({ k: 3, covarianceType }).fit(X);
    const s = g.toState();
    assert.equal(s.kind, 'gmm');
    assert.equal(s.formatVersion, 1);
    const r = FittedGaussianMixture.fromState({ ...s, config: JSON.parse(JSON.stringify(s.config)) });
    assert.deepEqual(r.predict(X), g.predict(X));
    assert.deepEqual(r.predictProba(X).data, g.predictProba(X).data);
    assert.deepEqual(r.scoreSamples(X), g.scoreSamples(X));
    assert.equal(r.bic, g.bic);
    assert.equal(r.converged, g.converged);
    assert.throws(() => FittedGaussianMixture.fromState({ ...s, kind: 'kmeans' }), /expected a gmm/);
  }
});

test('wrong width is rejected; options validated in fit', () => {
  const { X } = mixture(10, 5);
  const g = new GaussianMixture({ k: 2 }).fit(X);
  for (const f of [() => g.predict(matrix(1, 3)), () => g.predictProba(matrix(1, 3)), () => g.scoreSamples(matrix(1, 1))]) {
    assert.throws(f, /GaussianMixture was fitted on 2 features/);
  }
  assert.deepEqual(new GaussianMixture().options, {});
  assert.equal(GMM_DEFAULTS.regCovar, 1e-6);
  assert.throws(() => new GaussianMixture({ covarianceType: 'tied' as 'full' }).fit(X), /"covarianceType" must be one of "full", "diag", got "tied"/);
  assert.throws(() => new GaussianMixture({ k: 0 }).fit(X), /"k"/);
  assert.throws(() => new GaussianMixture({ regCovar: -1 }).fit(X), /"regCovar"/);
  assert.throws(() => new GaussianMixture({ tol: NaN }).fit(X), /"tol"/);
  assert.throws(() => new GaussianMixture({ k: 31 }).fit(X), /≤ the number of rows/);
});

test('duplicate rows: regCovar keeps covariances positive definite', () => {
  const X = fromRows([[1, 1], [1, 1], [1, 1], [5, 5], [5, 5], [5, 5]]);
  const g = new GaussianMixture({ k: 2 }).fit(X);
  assert.ok(Number.isFinite(g.logLikelihood.total));
  assert.throws(() => new GaussianMixture({ k: 2, regCovar: 0 }).fit(X), /ill-defined/);
});

test('full covariance: the WebAssembly kernels and TypeScript give bit-identical mixtures, scores and probabilities', () => {
  const rng = createRng(31);
  for (const [d, k, n] of [[1, 2, 301], [2, 3, 1000], [5, 4, 2001], [9, 4, 8193 + 8192 + 7], [4, 7, 999]]) {
    const X = matrix(n, d);
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) X.data[i * d + j] = rng.normal() + (i % k) * (j % 2 ? 1.5 : -1);
    const fit = (wasm: boolean): FittedGaussianMixture =>
      new GaussianMixture({ k, covarianceType: 'full', seed: d + k, maxIter: 40, kernels: wasm ? 'wasm' : 'ts' }).fit(X);
    const w = fit(true), t = fit(false);
    const what = `d=${d} k=${k} n=${n}`;
    const same = (a: ArrayLike<number>, b: ArrayLike<number>, part: string) =>
      assert.ok(a.length === b.length && Array.from(a).every((v, i) => Object.is(v, b[i])), `${what}: ${part}`);
    same(w.weights, t.weights, 'weights');
    same(w.means.data, t.means.data, 'means');
    same(w.covariances, t.covariances, 'covariances');
    assert.deepEqual(w.fitInfo, t.fitInfo, what);
    same(w.predictProba(X).data, t.predictProba(X).data, 'predictProba');
    assert.ok(Object.is(w.score(X), t.score(X)), `${what}: score`);
  }
  // Where WebAssembly SIMD exists the kernel compiles, so the fits above really compared both paths.
  if (wasmSimdAvailable()) assert.ok(WebAssembly.validate(gmmKernelBytes(9, 4)));
});
