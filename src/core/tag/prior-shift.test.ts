import { test } from 'node:test';
import assert from 'node:assert/strict';
import { matrix, type Matrix } from '../common/matrix.ts';
import { createRng } from '../common/random.ts';
import { adjustToPriors, classPriors, PriorShiftEM } from './prior-shift.ts';
import { tagProbabilities } from './tag-tracks.ts';

/**
 * Three classes with Gaussian features (means −2, 0, 2, sd 1): the exact posteriors under the
 * training priors are calibrated by construction.
 */
function gaussianCase(n: number, priors: number[], trainingPriors: number[], seed: number): { P: Matrix; y: Int32Array } {
  const rng = createRng(seed);
  const means = [-2, 0, 2];
  const P = matrix(n, 3), y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let u = rng.next(), k = 0;
    while (k < 2 && u >= priors[k]) { u -= priors[k]; k++; }
    y[i] = k;
    const x = means[k] + rng.normal();
    let s = 0;
    for (let j = 0; j < 3; j++) { const v = trainingPriors[j] * Math.exp(-0.5 * (x - means[j]) ** 2); P.data[i * 3 + j] = v; s += v; }
    for (let j = 0; j < 3; j++) P.data[i * 3 + j] /= s;
  }
  return { P, y };
}

test('EM recovers the priors of a shifted sample from calibrated posteriors (synthetic, within 0.05)', () => {
  const train = [0.5, 0.3, 0.2], truth = [0.1, 0.3, 0.6];
  const { P } = gaussianCase(4000, truth, train, 3);
  const fit = new PriorShiftEM().fit(P, train);
  assert.ok(fit.converged, `no convergence in ${fit.iterations} iterations`);
  for (let k = 0; k < 3; k++) assert.ok(Math.abs(fit.priors[k] - truth[k]) < 0.05, `prior ${k}: ${fit.priors[k]} vs ${truth[k]}`);
  // The mean of the raw posteriors (no EM) is further from the truth than EM's estimate.
  const naive = [0, 1, 2].map((k) => { let s = 0; for (let i = 0; i < P.rows; i++) s += P.data[i * 3 + k]; return s / P.rows; });
  assert.ok(Math.abs(naive[2] - truth[2]) > Math.abs(fit.priors[2] - truth[2]) + 0.05, `naive ${naive}`);
  const adjusted = fit.transform(P);
  for (let i = 0; i < adjusted.rows; i++) {
    const s = adjusted.data[i * 3] + adjusted.data[i * 3 + 1] + adjusted.data[i * 3 + 2];
    assert.ok(Math.abs(s - 1) < 1e-12);
  }
  // Without a shift, EM stays at the training priors.
  const same = new PriorShiftEM().fit(gaussianCase(4000, train, train, 4).P, train);
  for (let k = 0; k < 3; k++) assert.ok(Math.abs(same.priors[k] - train[k]) < 0.05);
});

test('guards: a class with training prior 0 stays at 0, rows without mass are kept, bad priors are refused', () => {
  const P = matrix(3, 3, Float64Array.from([0.7, 0.3, 0, 0.2, 0.8, 0, 0, 0, 0]));
  const fit = new PriorShiftEM().fit(P, [0.5, 0.5, 0]);
  assert.equal(fit.priors[2], 0);
  assert.ok(Math.abs(fit.priors[0] + fit.priors[1] - 1) < 1e-12);
  const out = fit.transform(P);
  assert.deepEqual(Array.from(out.data.subarray(6)), [0, 0, 0]);
  assert.throws(() => new PriorShiftEM().fit(P, [1, 1]), /3 training priors/);
  assert.throws(() => new PriorShiftEM().fit(P, [0, 0, 0]), /sum to 0/);
  assert.throws(() => new PriorShiftEM().fit(P, [1, -1, 1]), /≥ 0/);
  assert.throws(() => new PriorShiftEM({ maxIterations: 0 }).fit(P, [1, 1, 1]), /maxIterations/);
  // A prior cannot be driven to exactly zero: the floor keeps every mood reachable.
  const allA = matrix(50, 2, Float64Array.from({ length: 100 }, (_, i) => (i % 2 === 0 ? 0.99 : 0.01)));
  assert.ok(new PriorShiftEM().fit(allA, [0.5, 0.5]).priors[1] >= 1e-4 * 0.99);
  assert.deepEqual(classPriors([0, 0, 1, 2], 3).map((v) => Math.round(v * 100)), Float64Array.from([50, 25, 25]));
  const a = adjustToPriors(matrix(1, 2, Float64Array.from([0.5, 0.5])), [0.5, 0.5], [0.8, 0.2]);
  assert.ok(Math.abs(a.data[0] - 0.8) < 1e-12);
});

test('tagProbabilities: auto adjusts the probabilities and reports the estimated mix; off leaves them; no priors is refused', () => {
  const train = [0.5, 0.3, 0.2];
  const { P } = gaussianCase(2000, [0.1, 0.3, 0.6], train, 9);
  const classes = ['Calm', 'Happy', 'Sad'];
  const off = tagProbabilities(classes, P, { priorShift: 'off', trainingPriors: train });
  assert.equal(off.estimatedPriors, null);
  assert.equal(off.proba, P);
  const auto = tagProbabilities(classes, P, { priorShift: 'auto', trainingPriors: train });
  assert.ok(auto.estimatedPriors && Math.abs(auto.estimatedPriors.Sad - 0.6) < 0.05);
  assert.ok(auto.counts.Sad > off.counts.Sad);
  assert.throws(() => tagProbabilities(classes, P, { priorShift: 'auto' }), /training priors.*--prior-shift off/);
});
