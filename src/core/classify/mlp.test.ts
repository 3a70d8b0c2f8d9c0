import { test } from 'node:test';
import assert from 'node:assert/strict';
import { matrix, type Matrix } from '../common/matrix.ts';
import { createRng } from '../common/random.ts';
import { dropoutReluForTest, FittedMlp, MLP_DEFAULTS, MlpClassifier } from './mlp.ts';
import { accuracy } from '../evaluate/metrics.ts';

function blobs(n: number, d: number, k: number, seed: number, spread = 3): { X: Matrix; y: Int32Array } {
  const rng = createRng(seed);
  const centers = Array.from({ length: k }, () => Array.from({ length: d }, () => rng.normal() * spread));
  const X = matrix(n, d);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % k;
    y[i] = c;
    for (let j = 0; j < d; j++) X.data[i * d + j] = centers[c][j] + rng.normal();
  }
  return { X, y };
}

/** XOR-ish: class = sign(x0) xor sign(x1), not linearly separable. */
function xor(n: number, seed: number): { X: Matrix; y: Int32Array } {
  const rng = createRng(seed);
  const X = matrix(n, 2);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const a = rng.next() * 2 - 1, b = rng.next() * 2 - 1;
    X.data[2 * i] = a; X.data[2 * i + 1] = b;
    y[i] = (a > 0) !== (b > 0) ? 1 : 0;
  }
  return { X, y };
}

test('defaults are the original pipeline and pass their own checks', () => {
  assert.deepEqual([...MLP_DEFAULTS.hiddenSizes], [64, 32]);
  assert.equal(MLP_DEFAULTS.dropout, 0.2);
  assert.equal(MLP_DEFAULTS.learningRate, 1e-3);
  assert.equal(MLP_DEFAULTS.epsilon, 1e-7);
  assert.equal(MLP_DEFAULTS.epochs, 50);
  assert.equal(MLP_DEFAULTS.batchSize, 16);
  const { X, y } = blobs(40, 3, 2, 1);
  const m = new MlpClassifier({ epochs: 1 }).fit(X, y, 2);
  assert.deepEqual([...m.layerSizes], [3, 64, 32, 2]);
});

test('learns separable blobs', () => {
  const { X, y } = blobs(400, 5, 4, 2);
  const m = new MlpClassifier({ epochs: 20, seed: 3 }).fit(X, y, 4);
  assert.ok(accuracy(y, m.predict(X)) > 0.97);
  assert.equal(m.history.length, 20);
  assert.ok(m.history[19].loss < m.history[0].loss);
  const p = m.predictProba(X);
  assert.equal(p.rows, 400);
  assert.equal(p.cols, 4);
  for (let i = 0; i < p.rows; i++) {
    let s = 0;
    for (let c = 0; c < 4; c++) s += p.data[i * 4 + c];
    assert.ok(Math.abs(s - 1) < 1e-12);
  }
});

test('learns XOR', () => {
  const { X, y } = xor(400, 4);
  const m = new MlpClassifier({ epochs: 60, hiddenSizes: [16, 8], dropout: 0, learningRate: 0.01, seed: 1 }).fit(X, y, 2);
  assert.ok(accuracy(y, m.predict(X)) > 0.93, `accuracy ${accuracy(y, m.predict(X))}`);
});

test('same seed gives identical weights and history; another seed differs', () => {
  const { X, y } = blobs(120, 4, 3, 5);
  const a = new MlpClassifier({ epochs: 3, seed: 7 }).fit(X, y, 3);
  const b = new MlpClassifier({ epochs: 3, seed: 7 }).fit(X, y, 3);
  const c = new MlpClassifier({ epochs: 3, seed: 8 }).fit(X, y, 3);
  assert.deepEqual(a.predictProba(X).data, b.predictProba(X).data);
  assert.deepEqual(a.history, b.history);
  assert.notDeepEqual(a.kernel(0), c.kernel(0));
});

test('state round-trip gives identical probabilities', () => {
  const { X, y } = blobs(100, 4, 3, 6);
  const m = new MlpClassifier({ epochs: 3, hiddenSizes: [8, 5] }).fit(X, y, 3);
  const s = m.toState();
  assert.equal(s.kind, 'mlp');
  assert.equal(s.formatVersion, 1);
  for (const a of Object.values(s.arrays)) assert.ok(a instanceof Float32Array);
  assert.equal(Object.keys(s.arrays).length, 6);
  const back = FittedMlp.fromState(s);
  assert.deepEqual(back.predictProba(X).data, m.predictProba(X).data);
  assert.deepEqual(back.history, m.history);
  // Config survives JSON.
  const viaJson = FittedMlp.fromState({ ...s, config: JSON.parse(JSON.stringify(s.config)) });
  assert.deepEqual(viaJson.predict(X), m.predict(X));
  assert.throws(() => FittedMlp.fromState({ ...s, kind: 'logreg' }), /expected a mlp/);
  assert.throws(() => FittedMlp.fromState({ ...s, formatVersion: 2 }), /format version 2/);
});

test('rejects wrong width, bad labels and bad options', () => {
  const { X, y } = blobs(30, 4, 2, 7);
  const m = new MlpClassifier({ epochs: 1 }).fit(X, y, 2);
  assert.throws(() => m.predict(matrix(2, 3)), /fitted on 4 features but got 3/);
  assert.throws(() => new MlpClassifier().fit(X, new Int32Array(30).fill(2), 2), /label 2/);
  assert.throws(() => new MlpClassifier().fit(X, y.subarray(0, 10), 2), /10 labels for 30 rows/);
  assert.throws(() => new MlpClassifier({ dropout: 1 }).fit(X, y, 2), /"dropout"/);
  assert.throws(() => new MlpClassifier({ batchSize: 0 }).fit(X, y, 2), /"batchSize"/);
  assert.throws(() => new MlpClassifier({ classWeights: [1] }).fit(X, y, 2), /one weight per class/);
  const bad = matrix(30, 4, Float64Array.from(X.data));
  bad.data[5] = NaN;
  assert.throws(() => new MlpClassifier().fit(bad, y, 2), /non-finite/);
});

test('validation history and early stopping restore the best epoch', () => {
  const { X, y } = blobs(200, 4, 3, 8, 1);
  const val = blobs(90, 4, 3, 9, 1);
  const seen: number[] = [];
  const m = new MlpClassifier({ epochs: 200, batchSize: 8, learningRate: 0.01, hiddenSizes: [32], earlyStopping: { patience: 3 } }).fit(
    X, y, 3, { validation: val, onEpoch: (e) => seen.push(e.epoch) },
  );
  assert.ok(m.history.length < 200, 'stopped early');
  assert.deepEqual(seen, m.history.map((h) => h.epoch));
  const vl = m.history.map((h) => h.valLoss as number);
  assert.equal(m.bestEpoch, vl.indexOf(Math.min(...vl)) + 1);
  assert.equal(m.history.length, m.bestEpoch + 3);
  // Without a validation set a stratified fraction is held out.
  const m2 = new MlpClassifier({ epochs: 5, earlyStopping: { patience: 2, validationFraction: 0.2 } }).fit(X, y, 3);
  assert.ok(m2.history[0].valLoss !== undefined);
});

test('class weights shift predictions toward the up-weighted class', () => {
  const { X, y } = blobs(200, 2, 2, 10, 0.3);
  const base = new MlpClassifier({ epochs: 5, seed: 1 }).fit(X, y, 2);
  const w = new MlpClassifier({ epochs: 5, seed: 1, classWeights: [1, 20] }).fit(X, y, 2);
  const count1 = (p: Int32Array): number => p.reduce((s, v) => s + v, 0);
  assert.ok(count1(w.predict(X)) > count1(base.predict(X)));
});

test('backpropagation matches finite differences of the loss', () => {
  // One full-batch Adam step with β1 = β2 = 0 and a huge ε is plain gradient descent:
  // Δθ = −lr·g/(|g| + ε) ≈ −(lr/ε)·g. Compare that g with central differences of the mean CE.
  const { X, y } = blobs(24, 3, 3, 11, 1);
  const base = { hiddenSizes: [5, 4], dropout: 0, batchSize: 24, epochs: 1, beta1: 0, beta2: 0, seed: 2 };
  const eps = 1e6, lr = 1e3;
  const m0 = new MlpClassifier({ ...base, learningRate: 1e-300 }).fit(X, y, 3);
  const m1 = new MlpClassifier({ ...base, learningRate: lr, epsilon: eps }).fit(X, y, 3);
  const theta0 = Float64Array.from(m0.toState().arrays.kernel0); // layer 0 kernel only, [out][in]
  const s0 = m0.toState();
  const loss = (state: typeof s0): number => {
    const p = FittedMlp.fromState(state).predictProba(X);
    let l = 0;
    for (let i = 0; i < X.rows; i++) l -= Math.log(p.data[i * 3 + y[i]]);
    return l / X.rows;
  };
  const k1 = m1.toState().arrays.kernel0;
  // Analytic gradient from the step (float32 state: compare to ~1e-3 relative).
  const checks: [string, number, number][] = [];
  for (const idx of [0, 3, 7, 12]) {
    const g = ((theta0[idx] - k1[idx]) * eps) / lr;
    const h = 1e-3;
    const plus = new Float32Array(s0.arrays.kernel0), minus = new Float32Array(s0.arrays.kernel0);
    plus[idx] += h; minus[idx] -= h;
    const hp = plus[idx] - s0.arrays.kernel0[idx], hm = s0.arrays.kernel0[idx] - minus[idx];
    const fd = (loss({ ...s0, arrays: { ...s0.arrays, kernel0: plus } }) - loss({ ...s0, arrays: { ...s0.arrays, kernel0: minus } })) / (hp + hm);
    checks.push([`kernel0[${idx}]`, g, fd]);
  }
  assert.ok(checks.some(([, , fd]) => Math.abs(fd) > 1e-3), 'some gradients are far from zero');
  for (const [name, g, fd] of checks) {
    assert.ok(Math.abs(g - fd) < 2e-3 * Math.max(1e-2, Math.abs(fd)) + 2e-4, `${name}: backprop ${g} vs finite difference ${fd}`);
  }
});

test('blocked forward pass equals a plain loop over kernel() and bias() for sizes that are not multiples of four', () => {
  for (const [rows, d, hidden, k] of [[7, 3, [5, 3], 2], [13, 6, [9], 5], [4, 11, [64, 32], 7], [1, 2, [1], 3]] as const) {
    const { X, y } = blobs(rows, d, k, 20 + rows, 1);
    const m = new MlpClassifier({ epochs: 2, batchSize: 5, hiddenSizes: hidden, seed: 4 }).fit(X, y, k);
    const sizes = m.layerSizes, L = sizes.length - 1;
    const z = m.predictLogits(X);
    for (let r = 0; r < rows; r++) {
      let a = Array.from(X.data.subarray(r * d, (r + 1) * d));
      for (let l = 0; l < L; l++) {
        const W = m.kernel(l), b = m.bias(l), out: number[] = [];
        for (let j = 0; j < sizes[l + 1]; j++) {
          let s = b[j];
          for (let i = 0; i < sizes[l]; i++) s += a[i] * W[j * sizes[l] + i];
          out.push(l < L - 1 ? Math.max(0, s) : s);
        }
        a = out;
      }
      assert.deepEqual(Array.from(z.data.subarray(r * k, (r + 1) * k)), a);
    }
  }
});

test('the inlined dropout stream is random.ts createRng: one draw per positive unit, in order', () => {
  for (const seed of [0, 1, 12345, 0xffffffff]) {
    const z = Float64Array.from({ length: 500 }, (_, i) => (i % 3 === 0 ? -1 : i % 7 === 0 ? 0 : 1 + i / 100));
    const got = dropoutReluForTest(z, 0.3, seed);
    const rng = createRng(seed);
    for (let i = 0; i < z.length; i++) {
      const want = z[i] > 0 && rng.next() >= 0.3 ? z[i] * (1 / (1 - 0.3)) : 0;
      assert.equal(got[i], want, `seed ${seed}, unit ${i}`);
    }
  }
});

test('the WebAssembly SIMD kernels and the TypeScript kernels train bit-identical weights', () => {
  // Odd widths everywhere (inputs, hidden units, classes, batch tail) exercise the vector tails.
  const configs: Array<{ d: number; k: number; n: number; opts: Partial<typeof MLP_DEFAULTS> }> = [
    { d: 11, k: 4, n: 300, opts: { epochs: 3, batchSize: 256 } },
    { d: 7, k: 3, n: 157, opts: { epochs: 3, batchSize: 13, hiddenSizes: [9, 5], l2: 1e-3 } },
    { d: 2, k: 2, n: 90, opts: { epochs: 4, batchSize: 7, hiddenSizes: [3], dropout: 0 } },
    { d: 5, k: 5, n: 120, opts: { epochs: 3, batchSize: 32, hiddenSizes: [17, 6, 3] } },
  ];
  for (const { d, k, n, opts } of configs) {
    const { X, y } = blobs(n, d, k, 11);
    const ts = new MlpClassifier({ ...opts, seed: 4, kernels: 'ts' }).fit(X, y, k);
    const wasm = new MlpClassifier({ ...opts, seed: 4, kernels: 'wasm' }).fit(X, y, k);
    assert.deepEqual(wasm.history, ts.history, JSON.stringify(opts));
    for (let l = 0; l + 1 < ts.layerSizes.length; l++) {
      assert.deepEqual(wasm.kernel(l), ts.kernel(l));
      assert.deepEqual(wasm.bias(l), ts.bias(l));
    }
  }
});

test('prediction on the WebAssembly kernels equals the TypeScript forward pass bit for bit', () => {
  const { X, y } = blobs(1037, 7, 3, 12);
  const fit = (kernels: 'wasm' | 'ts') => new MlpClassifier({ epochs: 2, hiddenSizes: [13, 5], seed: 2, kernels }).fit(X, y, 3);
  // Training is bit-identical (above), so the two models hold the same weights.
  const ts = fit('ts'), wasm = fit('wasm');
  assert.deepEqual(wasm.predictProba(X).data, ts.predictProba(X).data);
  assert.deepEqual(wasm.predictLogits(X).data, ts.predictLogits(X).data);
  // A loaded model predicts with the default kernels, the same bits again.
  assert.deepEqual(FittedMlp.fromState(ts.toState()).predictProba(X).data, ts.predictProba(X).data);
});
