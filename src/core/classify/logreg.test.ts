import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fromRows, matrix, type Matrix } from '../common/matrix.ts';
import { createRng } from '../common/random.ts';
import { FittedLogisticRegression, LOGREG_DEFAULTS, LogisticRegression } from './logreg.ts';
import { accuracy } from '../evaluate/metrics.ts';

function blobs(n: number, d: number, k: number, seed: number): { X: Matrix; y: Int32Array } {
  const rng = createRng(seed);
  const centers = Array.from({ length: k }, () => Array.from({ length: d }, () => rng.normal() * 3));
  const X = matrix(n, d);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % k;
    for (let j = 0; j < d; j++) X.data[i * d + j] = centers[y[i]][j] + rng.normal();
  }
  return { X, y };
}

test('defaults match sklearn (C = 1, intercept)', () => {
  assert.equal(LOGREG_DEFAULTS.C, 1);
  assert.equal(LOGREG_DEFAULTS.fitIntercept, true);
  assert.equal(LOGREG_DEFAULTS.classWeights, null);
});

test('binary separable case: right sign, probabilities sum to 1, sklearn-shaped coef', () => {
  // y = 1 when x0 > 0; x1 is noise.
  const X = fromRows([[-2, 0.1], [-1.5, -0.3], [-1, 0.2], [-0.5, 0], [0.5, 0.1], [1, -0.2], [1.5, 0.3], [2, 0]]);
  const y = Int32Array.from([0, 0, 0, 0, 1, 1, 1, 1]);
  const m = new LogisticRegression().fit(X, y, 2);
  assert.ok(m.converged);
  assert.equal(m.coefficients.rows, 1);
  assert.ok(m.coef[0] > 0.5, `coef ${m.coef[0]}`);
  assert.ok(Math.abs(m.coef[1]) < Math.abs(m.coef[0]) / 5);
  assert.deepEqual(m.predict(X), y);
  const p = m.predictProba(X);
  for (let i = 0; i < p.rows; i++) assert.ok(Math.abs(p.data[2 * i] + p.data[2 * i + 1] - 1) < 1e-12);
  // Symmetric data → intercept ≈ 0 and P(x0 = 0) ≈ 0.5.
  assert.ok(Math.abs(m.intercept[0]) < 0.1);
  // Stationarity: gradient of Σ CE + ‖w‖²/2 vanishes — check the w0 component by hand.
  let g0 = 0;
  for (let i = 0; i < 8; i++) g0 += (p.data[2 * i + 1] - y[i]) * X.data[2 * i];
  assert.ok(Math.abs(g0 + m.coef[0]) < 1e-5, `stationarity ${g0 + m.coef[0]}`);
});

test('matches sklearn on a fixed 3-class problem', () => {
  // sklearn 1.2.1: LogisticRegression(tol=1e-10, max_iter=10000).fit(X, y) on these 9 rows.
  const X = fromRows([[0, 0], [1, 0.5], [0.5, 1], [3, 3], [4, 3.5], [3.5, 4], [0, 4], [0.5, 3], [1, 3.5]]);
  const y = Int32Array.from([0, 0, 0, 1, 1, 1, 2, 2, 2]);
  const m = new LogisticRegression().fit(X, y, 3);
  // Multinomial with L2: coefficient rows sum to zero at the optimum (intercepts unpenalised, Σ_k grad = 0).
  for (let j = 0; j < 2; j++) assert.ok(Math.abs(m.coef[j] + m.coef[2 + j] + m.coef[4 + j]) < 1e-6);
  const skCoef = [-0.2654, -0.9329, 0.9371, 0.2536, -0.6717, 0.6793];
  const skIntercept = [2.5914, -2.1588, -0.4326];
  skCoef.forEach((v, i) => assert.ok(Math.abs(m.coef[i] - v) < 2e-3, `coef[${i}] ${m.coef[i]} vs ${v}`));
  skIntercept.forEach((v, i) => assert.ok(Math.abs(m.intercept[i] - v) < 2e-3, `intercept[${i}] ${m.intercept[i]} vs ${v}`));
  const p0 = m.predictProba(X).data.subarray(0, 3);
  [0.9458, 0.0082, 0.046].forEach((v, i) => assert.ok(Math.abs(p0[i] - v) < 1e-3));
  assert.deepEqual(m.predict(X), y);
  assert.equal(accuracy(y, m.predict(X)), 1);
});

test('learns 4 blobs; deterministic; state round-trip gives identical probabilities', () => {
  const { X, y } = blobs(300, 5, 4, 1);
  const a = new LogisticRegression().fit(X, y, 4);
  const b = new LogisticRegression().fit(X, y, 4);
  assert.ok(accuracy(y, a.predict(X)) > 0.95);
  assert.deepEqual(a.coef, b.coef);
  const s = a.toState();
  assert.equal(s.kind, 'logreg');
  assert.equal(s.formatVersion, 1);
  const back = FittedLogisticRegression.fromState({ ...s, config: JSON.parse(JSON.stringify(s.config)) });
  assert.deepEqual(back.predictProba(X).data, a.predictProba(X).data);
  assert.ok(a.history.length === a.nIter && a.history.at(-1)!.loss <= a.history[0].loss);
});

test('stronger regularisation shrinks coefficients; class weights move the boundary', () => {
  const { X, y } = blobs(200, 3, 2, 2);
  const loose = new LogisticRegression({ C: 10 }).fit(X, y, 2);
  const tight = new LogisticRegression({ C: 0.01 }).fit(X, y, 2);
  const norm = (c: Float64Array): number => Math.hypot(...c);
  assert.ok(norm(tight.coef) < norm(loose.coef));
  const base = new LogisticRegression({ C: 0.01 }).fit(X, y, 2);
  const w = new LogisticRegression({ C: 0.01, classWeights: [1, 10] }).fit(X, y, 2);
  assert.ok(w.intercept[0] > base.intercept[0]);
});

test('rejects wrong width and bad input', () => {
  const { X, y } = blobs(30, 3, 2, 3);
  const m = new LogisticRegression().fit(X, y, 2);
  assert.throws(() => m.predict(matrix(1, 4)), /fitted on 3 features but got 4/);
  assert.throws(() => new LogisticRegression({ C: 0 }).fit(X, y, 2), /"C"/);
  assert.throws(() => new LogisticRegression().fit(X, y, 1), /nClasses/);
  assert.throws(() => FittedLogisticRegression.fromState({ ...m.toState(), kind: 'mlp' }), /expected a logreg/);
});

test('WebAssembly and TypeScript dense products give bit-identical fits (several chunks, binary and multinomial, class weights)', () => {
  const rng = createRng(9);
  const n = 4096 * 2 + 37, d = 5;
  const X = matrix(n, d);
  const y3 = new Int32Array(n), y2 = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y3[i] = i % 3; y2[i] = i % 2;
    for (let j = 0; j < d; j++) X.data[i * d + j] = rng.normal() + (j === y3[i] ? 1 : 0);
  }
  for (const [y, k, opts] of [[y3, 3, {}], [y2, 2, {}], [y3, 3, { classWeights: [1, 0, 2] }]] as const) {
    const fit = (kernels: 'wasm' | 'ts') => new LogisticRegression({ maxIter: 30, ...opts, kernels }).fit(X, y, k);
    const ts = fit('ts');
    const wasm = fit('wasm');
    assert.deepEqual(Array.from(wasm.coef), Array.from(ts.coef));
    assert.deepEqual(Array.from(wasm.intercept), Array.from(ts.intercept));
    assert.equal(wasm.nIter, ts.nIter);
  }
});
