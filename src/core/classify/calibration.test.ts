import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fromRows, matrix } from '../common/matrix.ts';
import { createRng } from '../common/random.ts';
import { applyTemperature, brierScore, expectedCalibrationError, fitTemperature, reliabilityBins, temperatureNll } from './calibration.ts';
import { logLoss } from '../evaluate/metrics.ts';

const close = (a: number, b: number, tol = 1e-12): void => assert.ok(Math.abs(a - b) < tol, `${a} vs ${b}`);

test('ECE is 0 when confidence 0.8 comes with 80 % accuracy', () => {
  const p = matrix(10, 2);
  const y = new Int32Array(10);
  for (let i = 0; i < 10; i++) { p.data[2 * i] = 0.8; p.data[2 * i + 1] = 0.2; y[i] = i < 8 ? 0 : 1; }
  close(expectedCalibrationError(p, y), 0);
  const bins = reliabilityBins(p, y);
  assert.equal(bins[7].count, 10); // 0.8 is in (0.7, 0.8]
});

test('ECE on a hand-computed case', () => {
  const p = fromRows([[0.9, 0.1], [0.9, 0.1], [0.3, 0.7], [0.6, 0.4]]);
  const y = Int32Array.from([0, 1, 1, 0]);
  // (0.8,0.9]: 2 rows, acc 0.5, conf 0.9 → 0.4·2/4; (0.6,0.7]: 0.3·1/4; (0.5,0.6]: 0.4·1/4.
  close(expectedCalibrationError(p, y), 0.2 + 0.075 + 0.1);
});

test('Brier score', () => {
  const p = fromRows([[0.9, 0.1], [0.9, 0.1]]);
  close(brierScore(p, Int32Array.from([0, 1])), (0.02 + 1.62) / 2);
  close(brierScore(fromRows([[1, 0, 0]]), Int32Array.from([0])), 0);
});

test('temperature scaling recovers T and lowers NLL on over-confident logits', () => {
  const rng = createRng(5);
  const n = 2000, K = 3;
  const z = matrix(n, K), y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    const e: number[] = [];
    for (let c = 0; c < K; c++) { const v = rng.normal(); z.data[i * K + c] = 3 * v; e.push(Math.exp(v)); s += Math.exp(v); }
    // True probabilities are softmax(v); the model reports logits 3v (over-confident).
    let u = rng.next() * s, c = 0;
    while (c < K - 1 && u > e[c]) { u -= e[c]; c++; }
    y[i] = c;
  }
  const T = fitTemperature(z, y, { from: 'logits' });
  assert.ok(T > 2.5 && T < 3.6, `T = ${T}`);
  const before = temperatureNll(z, y, 1, { from: 'logits' });
  const after = temperatureNll(z, y, T, { from: 'logits' });
  assert.ok(after < before - 0.1);
  const calibrated = applyTemperature(z, T, { from: 'logits' });
  close(logLoss(y, calibrated), after, 1e-9);
  // From probabilities: same T (log-softmax differs from z by a per-row constant).
  const probs = applyTemperature(z, 1, { from: 'logits' });
  close(fitTemperature(probs, y, { from: 'probs' }), T, 1e-6);
  assert.throws(() => applyTemperature(z, 0, { from: 'logits' }), /T must be/);
});
