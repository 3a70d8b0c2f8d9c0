/**
 * The original pipeline's Keras classifier, in plain TypeScript:
 *   Dense 64 ReLU → Dropout 0.2 → Dense 32 ReLU → Dropout 0.2 → Dense nClasses softmax,
 * trained with Adam (Keras' update: lr·√(1−β2ᵗ)/(1−β1ᵗ), ε added to √v, ε = 1e-7) on sparse
 * categorical cross-entropy, mini-batches reshuffled every epoch, Glorot-uniform kernels and zero
 * biases, inverted dropout at training only.
 *
 * Layout and speed: all parameters live in one flat Float64Array (per layer: kernel, then bias),
 * so Adam, best-weight snapshots and serialisation are single loops/copies. Kernels are stored
 * [out][in] row-major (the transpose of Keras' kernel: row j holds unit j's input weights). The
 * three products run on register blocks: the forward pass on 4 rows × 4 units tiles (16 dot
 * products over contiguous memory at once), dW[j][i] += Σ_r δ_rj·a_ri with the deltas of 4 rows ×
 * 4 units held in registers while the inputs stream past, and δprev_ri = Σ_j δ_rj·W[j][i] on
 * 4 rows × 4 inputs tiles. Each sum keeps one fixed order (forward: over inputs from the bias;
 * backward: groups of four rows/units, then the leftovers), so results do not depend on the
 * tiling. All per-batch buffers are allocated once per fit; a training step allocates nothing.
 *
 * Where WebAssembly SIMD is available (feature-tested once; always on Node ≥ 20) training runs on
 * the hand-assembled f64x2 kernels of wasm/kernels.ts instead: the training rows and their epoch
 * order, the batch activations and deltas, the weights (plus each kernel transposed for the
 * forward pass, refreshed after every step), the gradient, Adam's moments and the dropout
 * generator's state all live in one WebAssembly memory, with TypeScript views on it for the rest
 * (softmax, loss, bookkeeping). The kernels — gather, forward, dropout+ReLU (branch-free), bias,
 * weight and input gradients, Adam — vectorise across independent outputs only and round each
 * `*`/`+` as the TypeScript code does, so both paths give bit-identical weights and histories
 * (tested). ≈2.3× less CPU for training at batch 256 and ≈5× for prediction over many rows
 * (forwardAll uses the same forward kernel from 64 rows up). The option kernels: 'ts' forces TypeScript.
 *
 * Loss reduction follows Keras: a batch's loss is Σ_i w_{y_i}·CE_i / batchSize (class weights
 * multiply, the divisor stays the batch size), plus l2·Σ‖kernel‖² when l2 > 0 (Keras
 * `kernel_regularizer=l2(l2)`; biases are not penalised). The reported epoch loss/accuracy are,
 * as in Keras, running means over the epoch's training batches (with dropout active); valLoss and
 * valAccuracy are computed after the epoch in inference mode (no class weights, l2 included).
 *
 * Fitting runs in float64; the fitted weights are rounded to float32 (what `toState` stores), so a
 * model loaded from its state predicts bit-for-bit the same probabilities.
 */
import { argmaxRows, assertWidth, matrix, takeRows, type Matrix } from '../common/matrix.ts';
import { readState, type ModelState, type StateReader } from './model-state.ts';
import { assertFiniteMatrix, booleanCheck, finite, integer, resolveOptions, seedCheck, unitIntervalCheck, type Check } from '../common/options.ts';
import { createRng, shuffleInPlace, xoshiroSeed, type Rng } from '../common/random.ts';
import { assertLabels, classWeightsCheck, resolveClassWeights, type ClassWeightSpec } from '../evaluate/metrics.ts';
import { stratifiedTrainTestSplit } from '../evaluate/split.ts';
import { F64Arena, instantiateKernels, type WasmKernels } from '../wasm/kernels.ts';
import { DEFAULT_KERNELS, kernelsCheck, savedOptions, type Kernels } from '../common/kernels.ts';

export interface EarlyStopping {
  /** Epochs without an improvement of the validation loss before training stops. */
  patience: number;
  /** An improvement is a drop of more than minDelta. Default 0. */
  minDelta?: number;
  /**
   * Used only when `fit` is given no validation set: this stratified fraction of the training
   * rows is held out (seeded) to monitor (like sklearn MLPClassifier's validation_fraction). Default 0.1.
   */
  validationFraction?: number;
}

export interface MlpOptions {
  /** Units of each hidden ReLU layer. */
  hiddenSizes: readonly number[];
  /** Dropout rate after each hidden layer, in [0, 1). */
  dropout: number;
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  epochs: number;
  batchSize: number;
  /** Keras-style L2 on kernels: adds l2·Σw² to the loss. */
  l2: number;
  /** Per-class loss weights, 'balanced', or null for none. */
  classWeights: ClassWeightSpec;
  /**
   * Stop on validation loss and restore the best weights; null to train all epochs; 'auto' (the
   * default) = `AUTO_EARLY_STOPPING` when the training set has more than
   * `AUTO_EARLY_STOPPING_MIN_ROWS` rows, else null (sklearn's HistGradientBoosting rule).
   */
  earlyStopping: EarlyStopping | null | 'auto';
  /** Reshuffle the training rows every epoch. */
  shuffle: boolean;
  seed: number;
  /** 'wasm': training and large predictions on the WebAssembly SIMD kernels where available; 'ts': TypeScript only (bit-identical). */
  kernels: Kernels;
}

/**
 * Early stopping under 'auto'. Why on large sets only: on 100k generated tracks with cluster moods
 * it stops after about 34 of 50 epochs at the same test accuracy (0.967), a third less training;
 * on small labelled sets (data_moods: 617 training rows per fold) a 10 % validation split is
 * 60 rows, too few to monitor, and the 50 epochs are what the quality study chose.
 */
export const AUTO_EARLY_STOPPING: EarlyStopping = { patience: 5, validationFraction: 0.1 };
export const AUTO_EARLY_STOPPING_MIN_ROWS = 10_000;

/** The early stopping a fit on `rows` training rows uses. */
export function resolveEarlyStopping(es: MlpOptions['earlyStopping'], rows: number): EarlyStopping | null {
  if (es === 'auto') return rows > AUTO_EARLY_STOPPING_MIN_ROWS ? { ...AUTO_EARLY_STOPPING } : null;
  return es;
}

export const MLP_DEFAULTS: MlpOptions = {
  hiddenSizes: [64, 32],
  dropout: 0.2,
  learningRate: 1e-3,
  beta1: 0.9,
  beta2: 0.999,
  epsilon: 1e-7,
  epochs: 50,
  batchSize: 16,
  l2: 0,
  classWeights: null,
  earlyStopping: 'auto',
  shuffle: true,
  seed: 0,
  kernels: DEFAULT_KERNELS,
};

/** Options with early stopping decided (what a fit uses and a fitted model records). */
export type ResolvedMlpOptions = MlpOptions & { earlyStopping: EarlyStopping | null };

export interface EpochRecord {
  /** 1-based epoch number. */
  readonly epoch: number;
  readonly loss: number;
  readonly accuracy: number;
  readonly valLoss?: number;
  readonly valAccuracy?: number;
}

/**
 * A saved training history (absent in older files: empty). A loss that overflowed was written as
 * null by JSON and reads back as NaN.
 */
export function readHistory(r: StateReader, name = 'history'): EpochRecord[] {
  if (!r.has(name)) return [];
  return r.objects(name).map((e) => {
    const num = (f: string): number => (e.raw(f) === null ? NaN : e.number(f));
    const rec: EpochRecord = { epoch: e.int('epoch', 0), loss: num('loss'), accuracy: num('accuracy') };
    return e.has('valLoss') || e.has('valAccuracy') ? { ...rec, valLoss: num('valLoss'), valAccuracy: num('valAccuracy') } : rec;
  });
}

export interface FitOptions {
  validation?: { X: Matrix; y: Int32Array };
  onEpoch?: (e: EpochRecord) => void;
}

const MLP_CHECKS = {
  hiddenSizes: ((v) =>
    Array.isArray(v) && v.every((h) => Number.isInteger(h) && h >= 1) ? undefined : 'an array of integers ≥ 1') as Check<readonly number[]>,
  dropout: unitIntervalCheck,
  learningRate: finite({ min: 0, exclusiveMin: true }),
  beta1: unitIntervalCheck,
  beta2: unitIntervalCheck,
  epsilon: finite({ min: 0, exclusiveMin: true }),
  epochs: integer(1),
  batchSize: integer(1),
  l2: finite({ min: 0 }),
  classWeights: classWeightsCheck,
  earlyStopping: ((v) => {
    if (v === null || v === 'auto') return undefined;
    const ok =
      typeof v === 'object' &&
      Number.isInteger(v.patience) && v.patience >= 1 &&
      (v.minDelta === undefined || (Number.isFinite(v.minDelta) && v.minDelta >= 0)) &&
      (v.validationFraction === undefined || (v.validationFraction > 0 && v.validationFraction < 1));
    return ok ? undefined : "null, 'auto' or { patience: integer ≥ 1, minDelta?: ≥ 0, validationFraction?: in (0, 1) }";
  }) as Check<EarlyStopping | null | 'auto'>,
  shuffle: booleanCheck,
  seed: seedCheck,
  kernels: kernelsCheck,
};

/** Offsets of each layer's kernel and bias inside the flat parameter vector. */
interface Layout {
  readonly sizes: readonly number[];
  readonly kOff: readonly number[];
  readonly bOff: readonly number[];
  readonly total: number;
}

function layout(sizes: readonly number[]): Layout {
  const kOff: number[] = [], bOff: number[] = [];
  let p = 0;
  for (let l = 0; l + 1 < sizes.length; l++) {
    kOff.push(p);
    p += sizes[l] * sizes[l + 1];
    bOff.push(p);
    p += sizes[l + 1];
  }
  return { sizes, kOff, bOff, total: p };
}

/**
 * out[r][j] = b[j] + Σ_i a[r][i]·W[j][i] for rows 0..rows-1, with the kernel stored [out][in].
 * Register tiles of 4 rows × 4 units: each step of the inner loop loads 4 inputs and 4 weights
 * for 16 multiply-adds (a one-row loop loads 5 values for 4). Every sum still runs over i in
 * order from the bias, so the result is bit-for-bit that of the plain dot product. Measured
 * ≈1.7× the one-row loop in V8.
 */
export function denseForward(
  a: Float64Array, nIn: number, th: Float64Array, kOff: number, bOff: number, out: Float64Array, nOut: number, rows: number,
): void {
  const j4 = nOut - (nOut & 3), r4 = rows - (rows & 3);
  let r = 0;
  for (; r < r4; r += 4) {
    const a0 = r * nIn, a1 = a0 + nIn, a2 = a1 + nIn, a3 = a2 + nIn;
    const z0 = r * nOut, z1 = z0 + nOut, z2 = z1 + nOut, z3 = z2 + nOut;
    let j = 0;
    for (; j < j4; j += 4) {
      const w0 = kOff + j * nIn, w1 = w0 + nIn, w2 = w1 + nIn, w3 = w2 + nIn;
      const b0 = th[bOff + j], b1 = th[bOff + j + 1], b2 = th[bOff + j + 2], b3 = th[bOff + j + 3];
      let s00 = b0, s01 = b1, s02 = b2, s03 = b3;
      let s10 = b0, s11 = b1, s12 = b2, s13 = b3;
      let s20 = b0, s21 = b1, s22 = b2, s23 = b3;
      let s30 = b0, s31 = b1, s32 = b2, s33 = b3;
      for (let i = 0; i < nIn; i++) {
        const x0 = a[a0 + i], x1 = a[a1 + i], x2 = a[a2 + i], x3 = a[a3 + i];
        const v0 = th[w0 + i], v1 = th[w1 + i], v2 = th[w2 + i], v3 = th[w3 + i];
        s00 += x0 * v0; s01 += x0 * v1; s02 += x0 * v2; s03 += x0 * v3;
        s10 += x1 * v0; s11 += x1 * v1; s12 += x1 * v2; s13 += x1 * v3;
        s20 += x2 * v0; s21 += x2 * v1; s22 += x2 * v2; s23 += x2 * v3;
        s30 += x3 * v0; s31 += x3 * v1; s32 += x3 * v2; s33 += x3 * v3;
      }
      out[z0 + j] = s00; out[z0 + j + 1] = s01; out[z0 + j + 2] = s02; out[z0 + j + 3] = s03;
      out[z1 + j] = s10; out[z1 + j + 1] = s11; out[z1 + j + 2] = s12; out[z1 + j + 3] = s13;
      out[z2 + j] = s20; out[z2 + j + 1] = s21; out[z2 + j + 2] = s22; out[z2 + j + 3] = s23;
      out[z3 + j] = s30; out[z3 + j + 1] = s31; out[z3 + j + 2] = s32; out[z3 + j + 3] = s33;
    }
    for (; j < nOut; j++) {
      const w0 = kOff + j * nIn, b = th[bOff + j];
      let s0 = b, s1 = b, s2 = b, s3 = b;
      for (let i = 0; i < nIn; i++) {
        const v = th[w0 + i];
        s0 += a[a0 + i] * v; s1 += a[a1 + i] * v; s2 += a[a2 + i] * v; s3 += a[a3 + i] * v;
      }
      out[z0 + j] = s0; out[z1 + j] = s1; out[z2 + j] = s2; out[z3 + j] = s3;
    }
  }
  for (; r < rows; r++) {
    const ao = r * nIn, zo = r * nOut;
    for (let j = 0; j < nOut; j++) {
      const w0 = kOff + j * nIn;
      let s0 = th[bOff + j];
      for (let i = 0; i < nIn; i++) s0 += a[ao + i] * th[w0 + i];
      out[zo + j] = s0;
    }
  }
}

/**
 * grad[W][j][i] += Σ_r dz[r][j]·a[r][i] and grad[b][j] += Σ_r dz[r][j]. Rows are taken four at a
 * time (grad += d0·a0 + d1·a1 + d2·a2 + d3·a3, then the leftover rows one by one) for four units
 * at once: the 16 deltas of a 4 rows × 4 units block stay in registers while the loop runs over
 * the inputs (measured ≈1.5× a unit-at-a-time loop, and ahead of a 4 × 4 register tile, whose
 * 36 live values spill).
 */
function denseGradBias(dz: Float64Array, nOut: number, rows: number, grad: Float64Array, bOff: number): void {
  for (let r = 0; r < rows; r++) {
    const zo = r * nOut;
    for (let j = 0; j < nOut; j++) grad[bOff + j] += dz[zo + j];
  }
}

export function denseGradWeights(
  a: Float64Array, nIn: number, dz: Float64Array, nOut: number, rows: number, grad: Float64Array, kOff: number, bOff: number,
): void {
  denseGradBias(dz, nOut, rows, grad, bOff);
  const r4 = rows - (rows & 3), j4 = nOut - (nOut & 3);
  const n2 = 2 * nOut, n3 = 3 * nOut;
  let j = 0;
  for (; j < j4; j += 4) {
    const g0 = kOff + j * nIn, g1 = g0 + nIn, g2 = g1 + nIn, g3 = g2 + nIn;
    let r = 0;
    for (; r < r4; r += 4) {
      const zo = r * nOut + j;
      const d00 = dz[zo], d01 = dz[zo + 1], d02 = dz[zo + 2], d03 = dz[zo + 3];
      const d10 = dz[zo + nOut], d11 = dz[zo + nOut + 1], d12 = dz[zo + nOut + 2], d13 = dz[zo + nOut + 3];
      const d20 = dz[zo + n2], d21 = dz[zo + n2 + 1], d22 = dz[zo + n2 + 2], d23 = dz[zo + n2 + 3];
      const d30 = dz[zo + n3], d31 = dz[zo + n3 + 1], d32 = dz[zo + n3 + 2], d33 = dz[zo + n3 + 3];
      const a0 = r * nIn, a1 = a0 + nIn, a2 = a1 + nIn, a3 = a2 + nIn;
      for (let i = 0; i < nIn; i++) {
        const x0 = a[a0 + i], x1 = a[a1 + i], x2 = a[a2 + i], x3 = a[a3 + i];
        grad[g0 + i] += d00 * x0 + d10 * x1 + d20 * x2 + d30 * x3;
        grad[g1 + i] += d01 * x0 + d11 * x1 + d21 * x2 + d31 * x3;
        grad[g2 + i] += d02 * x0 + d12 * x1 + d22 * x2 + d32 * x3;
        grad[g3 + i] += d03 * x0 + d13 * x1 + d23 * x2 + d33 * x3;
      }
    }
    for (; r < rows; r++) {
      const zo = r * nOut + j, a0 = r * nIn;
      const d0 = dz[zo], d1 = dz[zo + 1], d2 = dz[zo + 2], d3 = dz[zo + 3];
      for (let i = 0; i < nIn; i++) {
        const x = a[a0 + i];
        grad[g0 + i] += d0 * x; grad[g1 + i] += d1 * x; grad[g2 + i] += d2 * x; grad[g3 + i] += d3 * x;
      }
    }
  }
  for (; j < nOut; j++) {
    const wo = kOff + j * nIn;
    let r = 0;
    for (; r < r4; r += 4) {
      const d0 = dz[r * nOut + j], d1 = dz[(r + 1) * nOut + j], d2 = dz[(r + 2) * nOut + j], d3 = dz[(r + 3) * nOut + j];
      const a0 = r * nIn, a1 = a0 + nIn, a2 = a1 + nIn, a3 = a2 + nIn;
      for (let i = 0; i < nIn; i++) grad[wo + i] += d0 * a[a0 + i] + d1 * a[a1 + i] + d2 * a[a2 + i] + d3 * a[a3 + i];
    }
    for (; r < rows; r++) {
      const d0 = dz[r * nOut + j], a0 = r * nIn;
      for (let i = 0; i < nIn; i++) grad[wo + i] += d0 * a[a0 + i];
    }
  }
}

/**
 * dPrev[r][i] = Σ_j dz[r][j]·W[j][i], then through ReLU and inverted dropout: where the layer
 * input a[r][i] is 0 (inactive or dropped) the gradient is 0, otherwise it is scaled by keepScale.
 * The unit sum is taken in groups of four units (then the leftover units one by one), in
 * registers over 4 rows × 4 inputs tiles.
 */
function denseGradInput(
  a: Float64Array, nIn: number, dz: Float64Array, nOut: number, rows: number, th: Float64Array, kOff: number, dPrev: Float64Array, keepScale: number,
): void {
  const r4 = rows - (rows & 3), j4 = nOut - (nOut & 3), i4 = nIn - (nIn & 3);
  const m2 = 2 * nIn, m3 = 3 * nIn;
  let r = 0;
  for (; r < r4; r += 4) {
    const z0 = r * nOut, z1 = z0 + nOut, z2 = z1 + nOut, z3 = z2 + nOut;
    const p0 = r * nIn, p1 = p0 + nIn, p2 = p1 + nIn, p3 = p2 + nIn;
    let i = 0;
    for (; i < i4; i += 4) {
      let t00 = 0, t01 = 0, t02 = 0, t03 = 0;
      let t10 = 0, t11 = 0, t12 = 0, t13 = 0;
      let t20 = 0, t21 = 0, t22 = 0, t23 = 0;
      let t30 = 0, t31 = 0, t32 = 0, t33 = 0;
      let j = 0;
      for (; j < j4; j += 4) {
        // w{u}{v}: unit j+u, input i+v;  d{q}{u}: row r+q, unit j+u.
        const wo = kOff + j * nIn + i;
        const w00 = th[wo], w01 = th[wo + 1], w02 = th[wo + 2], w03 = th[wo + 3];
        const w10 = th[wo + nIn], w11 = th[wo + nIn + 1], w12 = th[wo + nIn + 2], w13 = th[wo + nIn + 3];
        const w20 = th[wo + m2], w21 = th[wo + m2 + 1], w22 = th[wo + m2 + 2], w23 = th[wo + m2 + 3];
        const w30 = th[wo + m3], w31 = th[wo + m3 + 1], w32 = th[wo + m3 + 2], w33 = th[wo + m3 + 3];
        let d0 = dz[z0 + j], d1 = dz[z0 + j + 1], d2 = dz[z0 + j + 2], d3 = dz[z0 + j + 3];
        t00 += d0 * w00 + d1 * w10 + d2 * w20 + d3 * w30;
        t01 += d0 * w01 + d1 * w11 + d2 * w21 + d3 * w31;
        t02 += d0 * w02 + d1 * w12 + d2 * w22 + d3 * w32;
        t03 += d0 * w03 + d1 * w13 + d2 * w23 + d3 * w33;
        d0 = dz[z1 + j]; d1 = dz[z1 + j + 1]; d2 = dz[z1 + j + 2]; d3 = dz[z1 + j + 3];
        t10 += d0 * w00 + d1 * w10 + d2 * w20 + d3 * w30;
        t11 += d0 * w01 + d1 * w11 + d2 * w21 + d3 * w31;
        t12 += d0 * w02 + d1 * w12 + d2 * w22 + d3 * w32;
        t13 += d0 * w03 + d1 * w13 + d2 * w23 + d3 * w33;
        d0 = dz[z2 + j]; d1 = dz[z2 + j + 1]; d2 = dz[z2 + j + 2]; d3 = dz[z2 + j + 3];
        t20 += d0 * w00 + d1 * w10 + d2 * w20 + d3 * w30;
        t21 += d0 * w01 + d1 * w11 + d2 * w21 + d3 * w31;
        t22 += d0 * w02 + d1 * w12 + d2 * w22 + d3 * w32;
        t23 += d0 * w03 + d1 * w13 + d2 * w23 + d3 * w33;
        d0 = dz[z3 + j]; d1 = dz[z3 + j + 1]; d2 = dz[z3 + j + 2]; d3 = dz[z3 + j + 3];
        t30 += d0 * w00 + d1 * w10 + d2 * w20 + d3 * w30;
        t31 += d0 * w01 + d1 * w11 + d2 * w21 + d3 * w31;
        t32 += d0 * w02 + d1 * w12 + d2 * w22 + d3 * w32;
        t33 += d0 * w03 + d1 * w13 + d2 * w23 + d3 * w33;
      }
      for (; j < nOut; j++) {
        const wo = kOff + j * nIn + i;
        const w0 = th[wo], w1 = th[wo + 1], w2 = th[wo + 2], w3 = th[wo + 3];
        let d = dz[z0 + j];
        t00 += d * w0; t01 += d * w1; t02 += d * w2; t03 += d * w3;
        d = dz[z1 + j];
        t10 += d * w0; t11 += d * w1; t12 += d * w2; t13 += d * w3;
        d = dz[z2 + j];
        t20 += d * w0; t21 += d * w1; t22 += d * w2; t23 += d * w3;
        d = dz[z3 + j];
        t30 += d * w0; t31 += d * w1; t32 += d * w2; t33 += d * w3;
      }
      dPrev[p0 + i] = a[p0 + i] > 0 ? t00 * keepScale : 0; dPrev[p0 + i + 1] = a[p0 + i + 1] > 0 ? t01 * keepScale : 0;
      dPrev[p0 + i + 2] = a[p0 + i + 2] > 0 ? t02 * keepScale : 0; dPrev[p0 + i + 3] = a[p0 + i + 3] > 0 ? t03 * keepScale : 0;
      dPrev[p1 + i] = a[p1 + i] > 0 ? t10 * keepScale : 0; dPrev[p1 + i + 1] = a[p1 + i + 1] > 0 ? t11 * keepScale : 0;
      dPrev[p1 + i + 2] = a[p1 + i + 2] > 0 ? t12 * keepScale : 0; dPrev[p1 + i + 3] = a[p1 + i + 3] > 0 ? t13 * keepScale : 0;
      dPrev[p2 + i] = a[p2 + i] > 0 ? t20 * keepScale : 0; dPrev[p2 + i + 1] = a[p2 + i + 1] > 0 ? t21 * keepScale : 0;
      dPrev[p2 + i + 2] = a[p2 + i + 2] > 0 ? t22 * keepScale : 0; dPrev[p2 + i + 3] = a[p2 + i + 3] > 0 ? t23 * keepScale : 0;
      dPrev[p3 + i] = a[p3 + i] > 0 ? t30 * keepScale : 0; dPrev[p3 + i + 1] = a[p3 + i + 1] > 0 ? t31 * keepScale : 0;
      dPrev[p3 + i + 2] = a[p3 + i + 2] > 0 ? t32 * keepScale : 0; dPrev[p3 + i + 3] = a[p3 + i + 3] > 0 ? t33 * keepScale : 0;
    }
    for (let q = r; q < r + 4; q++) gradInputScalar(a, nIn, dz, nOut, th, kOff, dPrev, keepScale, q, i);
  }
  for (; r < rows; r++) gradInputScalar(a, nIn, dz, nOut, th, kOff, dPrev, keepScale, r, 0);
}

/** The same sums as denseGradInput for row r and inputs iFrom..nIn-1, one value at a time. */
function gradInputScalar(
  a: Float64Array, nIn: number, dz: Float64Array, nOut: number, th: Float64Array, kOff: number, dPrev: Float64Array, keepScale: number, r: number, iFrom: number,
): void {
  const j4 = nOut - (nOut & 3), zo = r * nOut, po = r * nIn;
  for (let i = iFrom; i < nIn; i++) {
    let t = 0;
    let j = 0;
    for (; j < j4; j += 4) {
      const wo = kOff + j * nIn + i;
      t += dz[zo + j] * th[wo] + dz[zo + j + 1] * th[wo + nIn] + dz[zo + j + 2] * th[wo + 2 * nIn] + dz[zo + j + 3] * th[wo + 3 * nIn];
    }
    for (; j < nOut; j++) t += dz[zo + j] * th[kOff + j * nIn + i];
    dPrev[po + i] = a[po + i] > 0 ? t * keepScale : 0;
  }
}

/**
 * The state of random.ts' generator (xoshiro128** seeded through splitmix32) for `seed`, as four
 * int32 words: createRng(seed) and this state produce the same stream. Kept in an Int32Array and
 * stepped in local variables by dropoutRelu, so the dropout loop allocates nothing (a closure
 * returning a double boxes it; at ~12k draws per batch of 256 that was ≈10 % of training time).
 */
function xoshiroState(seed: number): Int32Array {
  return Int32Array.from(xoshiroSeed(seed));
}

/**
 * ReLU then inverted dropout in place: z ← z·keepScale where z > 0 and u ≥ p, else 0, with one
 * uniform u drawn (from `state`, advanced) per positive unit only, in index order.
 */
function dropoutRelu(z: Float64Array, len: number, p: number, keepScale: number, state: Int32Array): void {
  let a = state[0], b = state[1], c = state[2], d = state[3];
  for (let i = 0; i < len; i++) {
    const zi = z[i];
    if (zi > 0) {
      const b5 = Math.imul(b, 5);
      const u = (Math.imul((b5 << 7) | (b5 >>> 25), 9) >>> 0) / 4294967296;
      const t = b << 9;
      c ^= a; d ^= b; b ^= c; a ^= d; c ^= t;
      d = (d << 11) | (d >>> 21);
      z[i] = u >= p ? zi * keepScale : 0;
    } else z[i] = 0;
  }
  state[0] = a; state[1] = b; state[2] = c; state[3] = d;
}

/** dropoutRelu on a copy of z with the stream of `seed` (exported for tests: it must match createRng(seed)). */
export function dropoutReluForTest(z: Float64Array, p: number, seed: number): Float64Array {
  const out = Float64Array.from(z);
  dropoutRelu(out, out.length, p, p > 0 ? 1 / (1 - p) : 1, xoshiroState(seed));
  return out;
}

function reluInPlace(z: Float64Array, len: number): void {
  for (let i = 0; i < len; i++) if (z[i] < 0) z[i] = 0;
}

/** Row-wise softmax in place; returns nothing. */
function softmaxRows(z: Float64Array, k: number, rows: number): void {
  for (let r = 0; r < rows; r++) {
    const o = r * k;
    let m = z[o];
    for (let c = 1; c < k; c++) if (z[o + c] > m) m = z[o + c];
    let s = 0;
    for (let c = 0; c < k; c++) { const e = Math.exp(z[o + c] - m); z[o + c] = e; s += e; }
    const inv = 1 / s;
    for (let c = 0; c < k; c++) z[o + c] *= inv;
  }
}

/** Inference forward pass over X in chunks; writes logits (softmax=false) or probabilities. */
function forwardAll(theta: Float64Array, lay: Layout, X: Matrix, softmax: boolean, kernels: Kernels, wasm?: WasmForward | null): Matrix {
  const sizes = lay.sizes, L = sizes.length - 1, k = sizes[L], d = sizes[0];
  const n = X.rows;
  if (kernels === 'wasm' && n >= WASM_MIN_PREDICT_ROWS) {
    const w = wasm ?? wasmForward(theta, lay);
    if (w) return w(X, softmax);
  }
  const out = matrix(n, k);
  const chunk = 512;
  const bufs = sizes.slice(1, L).map((h) => new Float64Array(chunk * h));
  const logits = new Float64Array(chunk * k);
  for (let start = 0; start < n; start += chunk) {
    const rows = Math.min(chunk, n - start);
    let a = X.data.subarray(start * d, (start + rows) * d);
    for (let l = 0; l < L; l++) {
      const dst = l === L - 1 ? logits : bufs[l];
      denseForward(a, sizes[l], theta, lay.kOff[l], lay.bOff[l], dst, sizes[l + 1], rows);
      if (l < L - 1) reluInPlace(dst, rows * sizes[l + 1]);
      a = dst;
    }
    if (softmax) softmaxRows(logits, k, rows);
    out.data.set(logits.subarray(0, rows * k), start * k);
  }
  return out;
}

/** Below this many rows, setting up a WebAssembly instance costs more than it saves. */
const WASM_MIN_PREDICT_ROWS = 64;

type WasmForward = (X: Matrix, softmax: boolean) => Matrix;

/**
 * forwardAll on the WebAssembly kernels (the same sums in the same order, so the same bits) for
 * fixed weights, or null without WebAssembly SIMD. The weights are copied into the instance's
 * memory once, each kernel transposed; X is copied in chunk by chunk. FittedMlp keeps one.
 */
function wasmForward(theta: Float64Array, lay: Layout): WasmForward | null {
  const sizes = lay.sizes, L = sizes.length - 1, k = sizes[L], d = sizes[0];
  const chunk = 512;
  const outP = sizes.map((s) => s + (s & 1));
  const wk = instantiateKernels(F64Arena.bytesFor([lay.total, ...sizes.map((s) => chunk * s),
    ...sizes.slice(1).map((s, l) => sizes[l] * outP[l + 1])]));
  if (!wk) return null;
  const arena = new F64Arena(wk.memory);
  const th = arena.alloc(lay.total);
  th.set(theta);
  const bufs = sizes.map((s) => arena.alloc(chunk * s));
  const wt = sizes.slice(1).map((s, l) => arena.alloc(sizes[l] * outP[l + 1]));
  for (let l = 0; l < L; l++) wk.transpose(th.byteOffset + lay.kOff[l] * 8, sizes[l], sizes[l + 1], wt[l].byteOffset, outP[l + 1] * 8);
  return (X, softmax) => {
    const n = X.rows, out = matrix(n, k), logits = bufs[L];
    for (let start = 0; start < n; start += chunk) {
      const rows = Math.min(chunk, n - start);
      bufs[0].set(X.data.subarray(start * d, (start + rows) * d));
      for (let l = 0; l < L; l++) {
        wk.forward(bufs[l].byteOffset, sizes[l], wt[l].byteOffset, outP[l + 1] * 8, th.byteOffset + lay.bOff[l] * 8, bufs[l + 1].byteOffset, sizes[l + 1], rows);
        if (l < L - 1) wk.relu(bufs[l + 1].byteOffset, rows * sizes[l + 1]);
      }
      if (softmax) softmaxRows(logits, k, rows);
      out.data.set(logits.subarray(0, rows * k), start * k);
    }
    return out;
  };
}

function l2Penalty(theta: Float64Array, lay: Layout, l2: number): number {
  if (l2 === 0) return 0;
  let s = 0;
  for (let l = 0; l < lay.kOff.length; l++) {
    const end = lay.kOff[l] + lay.sizes[l] * lay.sizes[l + 1];
    for (let p = lay.kOff[l]; p < end; p++) s += theta[p] * theta[p];
  }
  return l2 * s;
}

/** Mean cross-entropy and accuracy of the current weights on (X, y), inference mode. */
function evaluate(theta: Float64Array, lay: Layout, X: Matrix, y: Int32Array, l2: number, kernels: Kernels): { loss: number; accuracy: number } {
  const p = forwardAll(theta, lay, X, true, kernels);
  const k = p.cols, n = p.rows;
  let loss = 0, ok = 0;
  for (let i = 0; i < n; i++) {
    const o = i * k;
    loss -= Math.log(Math.max(p.data[o + y[i]], 1e-300));
    let best = 0;
    for (let c = 1; c < k; c++) if (p.data[o + c] > p.data[o + best]) best = c;
    if (best === y[i]) ok++;
  }
  return { loss: loss / n + l2Penalty(theta, lay, l2), accuracy: ok / n };
}

export class MlpClassifier {
  readonly options: Partial<MlpOptions>;
  constructor(options: Partial<MlpOptions> = {}) {
    this.options = { ...options };
  }

  fit(X: Matrix, y: Int32Array, nClasses: number, opts: FitOptions = {}): FittedMlp {
    const given = resolveOptions(MLP_DEFAULTS, this.options, MLP_CHECKS, 'MlpClassifier');
    // The fitted model records what was done: 'auto' becomes the early stopping actually used.
    const o: ResolvedMlpOptions = { ...given, earlyStopping: resolveEarlyStopping(given.earlyStopping, X.rows) };
    const who = 'MlpClassifier.fit';
    if (!Number.isInteger(nClasses) || nClasses < 2) throw new RangeError(`${who}: nClasses must be an integer ≥ 2, got ${nClasses}`);
    if (X.rows < 1) throw new RangeError(`${who}: cannot fit on 0 rows`);
    assertLabels(y, nClasses, who, X.rows);
    assertFiniteMatrix(X, who);
    const classW = resolveClassWeights(o.classWeights, y, nClasses, who);

    const rng = createRng(o.seed);
    const initRng = rng.fork(), shuffleRng = rng.fork();
    // rng.fork() is createRng(next u32); the dropout stream is the same generator, inlined.
    const dropState = xoshiroState(rng.next() * 4294967296);
    const splitRng = rng.fork();

    let Xt = X, yt = y;
    let val = opts.validation;
    if (val) {
      assertWidth(val.X, X.cols, `${who} (validation)`);
      assertLabels(val.y, nClasses, `${who} (validation)`, val.X.rows);
    } else if (o.earlyStopping) {
      const split = stratifiedTrainTestSplit(y, { testSize: o.earlyStopping.validationFraction ?? 0.1, seed: splitRng.int(2 ** 31) });
      Xt = takeRows(X, split.train);
      yt = Int32Array.from(split.train, (i) => y[i]);
      val = { X: takeRows(X, split.test), y: Int32Array.from(split.test, (i) => y[i]) };
    }

    const sizes = [X.cols, ...o.hiddenSizes, nClasses];
    const lay = layout(sizes);
    const theta = new Float64Array(lay.total);
    glorotInit(theta, lay, initRng);
    const state = trainLoop(theta, lay, Xt, yt, classW, o, shuffleRng, dropState, val, opts.onEpoch);

    return new FittedMlp(o, sizes, roundToF32(state.theta), state.history, state.bestEpoch);
  }
}

function roundToF32(theta: Float64Array): Float64Array {
  return Float64Array.from(Float32Array.from(theta));
}

/** Keras GlorotUniform: U(−√(6/(fanIn+fanOut)), +…) for kernels, zeros for biases. */
function glorotInit(theta: Float64Array, lay: Layout, rng: Rng): void {
  for (let l = 0; l < lay.kOff.length; l++) {
    const fanIn = lay.sizes[l], fanOut = lay.sizes[l + 1];
    const limit = Math.sqrt(6 / (fanIn + fanOut));
    const end = lay.kOff[l] + fanIn * fanOut;
    for (let p = lay.kOff[l]; p < end; p++) theta[p] = (2 * rng.next() - 1) * limit;
  }
}

interface TrainResult {
  theta: Float64Array;
  history: EpochRecord[];
  bestEpoch: number;
}

function trainLoop(
  theta: Float64Array, lay: Layout, X: Matrix, y: Int32Array, classW: Float64Array | undefined, o: ResolvedMlpOptions,
  shuffleRng: Rng, dropState: Int32Array, val: { X: Matrix; y: Int32Array } | undefined, onEpoch: ((e: EpochRecord) => void) | undefined,
): TrainResult {
  const sizes = lay.sizes, L = sizes.length - 1, k = sizes[L], d = sizes[0];
  const n = X.rows, B = Math.min(o.batchSize, n);
  const xd = X.data;
  // Per-batch buffers: acts[0] = input rows, acts[l] = output of layer l (logits→probabilities at L).
  // With WebAssembly SIMD, the batch buffers, the weights and their gradient live in the
  // kernels' linear memory (TypeScript works on views of it), plus each kernel transposed
  // ([in][out], rows padded to an even width) for the forward kernel, refreshed after every step.
  const outP = sizes.map((s) => s + (s & 1));
  const wk: WasmKernels | null = o.kernels === 'wasm'
    ? instantiateKernels(F64Arena.bytesFor([...sizes.map((s) => B * s), ...sizes.map((s) => B * s), lay.total, lay.total,
      lay.total, lay.total, 2, n * d, (n + 1) >> 1, (B * Math.max(...sizes) + 2) >> 1, ...sizes.slice(1).map((s, l) => sizes[l] * outP[l + 1])]))
    : null;
  const arena = wk ? new F64Arena(wk.memory) : null;
  const alloc = (len: number): Float64Array => (arena ? arena.alloc(len) : new Float64Array(len));
  const acts = sizes.map((s) => alloc(B * s));
  const deltas = sizes.map((s) => alloc(B * s));
  const grad = alloc(lay.total);
  const th = arena ? arena.alloc(lay.total) : theta;
  if (th !== theta) th.set(theta);
  const m = alloc(lay.total), v = alloc(lay.total);
  const drop = arena ? arena.allocI32(4) : dropState;
  if (drop !== dropState) drop.set(dropState);
  const dropScratch = arena ? arena.allocI32(B * Math.max(...sizes) + 1) : null;
  // The training rows and their epoch order also live there, so the batch gather runs in WebAssembly.
  const xw = arena ? arena.alloc(n * d) : null;
  if (xw) xw.set(xd);
  const order = arena ? arena.allocI32(n) : new Int32Array(n);
  const wt = wk ? sizes.slice(1).map((s, l) => alloc(sizes[l] * outP[l + 1])) : [];
  const transposeKernels = (): void => {
    for (let l = 0; l < L; l++) wk?.transpose(th.byteOffset + lay.kOff[l] * 8, sizes[l], sizes[l + 1], wt[l].byteOffset, outP[l + 1] * 8);
  };
  if (wk) transposeKernels();
  for (let i = 0; i < n; i++) order[i] = i;
  const p = o.dropout, keepScale = p > 0 ? 1 / (1 - p) : 1;
  const { learningRate: lr, beta1: b1, beta2: b2, epsilon: eps, l2 } = o;
  let b1t = 1, b2t = 1;

  const es = o.earlyStopping;
  const minDelta = es?.minDelta ?? 0;
  let best = Infinity, bestEpoch = 0, wait = 0;
  const bestTheta = es ? new Float64Array(lay.total) : undefined;
  const history: EpochRecord[] = [];

  for (let epoch = 1; epoch <= o.epochs; epoch++) {
    if (o.shuffle) shuffleInPlace(order, shuffleRng);
    let lossSum = 0, correct = 0;
    for (let start = 0; start < n; start += B) {
      const rows = Math.min(B, n - start);
      // Gather the batch.
      const a0 = acts[0];
      if (wk && xw) wk.gather(xw.byteOffset, d, order.byteOffset + start * 4, rows, a0.byteOffset);
      else for (let r = 0; r < rows; r++) {
        const src = order[start + r] * d;
        for (let j = 0; j < d; j++) a0[r * d + j] = xd[src + j];
      }
      // Forward.
      for (let l = 0; l < L; l++) {
        const nOut = sizes[l + 1], z = acts[l + 1];
        if (wk) wk.forward(acts[l].byteOffset, sizes[l], wt[l].byteOffset, outP[l + 1] * 8, th.byteOffset + lay.bOff[l] * 8, z.byteOffset, nOut, rows);
        else denseForward(acts[l], sizes[l], th, lay.kOff[l], lay.bOff[l], z, nOut, rows);
        if (l < L - 1) {
          const len = rows * nOut;
          if (p > 0 && wk && dropScratch) wk.dropoutRelu(z.byteOffset, len, p, keepScale, drop.byteOffset, dropScratch.byteOffset);
          else if (p > 0) dropoutRelu(z, len, p, keepScale, drop);
          else if (wk) wk.relu(z.byteOffset, len);
          else reluInPlace(z, len);
        }
      }
      // Softmax, loss and output delta: δ = w_y·(p − onehot)/rows.
      const probs = acts[L], dOut = deltas[L];
      softmaxRows(probs, k, rows);
      let batchLoss = 0;
      const invB = 1 / rows;
      for (let r = 0; r < rows; r++) {
        const o2 = r * k, yr = y[order[start + r]];
        const w = classW ? classW[yr] : 1;
        let bestC = 0;
        for (let c = 0; c < k; c++) {
          const pc = probs[o2 + c];
          if (pc > probs[o2 + bestC]) bestC = c;
          dOut[o2 + c] = w * pc * invB;
        }
        if (bestC === yr) correct++;
        dOut[o2 + yr] -= w * invB;
        batchLoss -= w * Math.log(Math.max(probs[o2 + yr], 1e-300));
      }
      lossSum += batchLoss + rows * l2Penalty(th, lay, l2);
      // Backward.
      grad.fill(0);
      for (let l = L - 1; l >= 0; l--) {
        const nIn = sizes[l], nOut = sizes[l + 1];
        if (wk) {
          wk.gradBias(deltas[l + 1].byteOffset, nOut, rows, grad.byteOffset + lay.bOff[l] * 8);
          wk.gradWeights(acts[l].byteOffset, nIn, deltas[l + 1].byteOffset, nOut, rows, grad.byteOffset + lay.kOff[l] * 8);
          if (l > 0) wk.gradInput(acts[l].byteOffset, nIn, deltas[l + 1].byteOffset, nOut, rows, th.byteOffset + lay.kOff[l] * 8, deltas[l].byteOffset, keepScale);
        } else {
          denseGradWeights(acts[l], nIn, deltas[l + 1], nOut, rows, grad, lay.kOff[l], lay.bOff[l]);
          if (l > 0) denseGradInput(acts[l], nIn, deltas[l + 1], nOut, rows, th, lay.kOff[l], deltas[l], keepScale);
        }
      }
      if (l2 > 0) {
        const twoL2 = 2 * l2;
        for (let l = 0; l < L; l++) {
          const end = lay.kOff[l] + sizes[l] * sizes[l + 1];
          for (let q = lay.kOff[l]; q < end; q++) grad[q] += twoL2 * th[q];
        }
      }
      // Adam (Keras form).
      b1t *= b1; b2t *= b2;
      const alpha = (lr * Math.sqrt(1 - b2t)) / (1 - b1t);
      const c1 = 1 - b1, c2 = 1 - b2;
      if (wk) wk.adam(th.byteOffset, grad.byteOffset, m.byteOffset, v.byteOffset, lay.total, alpha, c1, c2, eps);
      else for (let q = 0; q < th.length; q++) {
        const g = grad[q];
        const mq = m[q] + (g - m[q]) * c1;
        const vq = v[q] + (g * g - v[q]) * c2;
        m[q] = mq; v[q] = vq;
        th[q] -= (alpha * mq) / (Math.sqrt(vq) + eps);
      }
      if (wk) transposeKernels();
    }
    let rec: EpochRecord = { epoch, loss: lossSum / n, accuracy: correct / n };
    if (val) {
      const ev = evaluate(th, lay, val.X, val.y, l2, o.kernels);
      rec = { ...rec, valLoss: ev.loss, valAccuracy: ev.accuracy };
    }
    history.push(rec);
    onEpoch?.(rec);
    if (es && bestTheta) {
      const cur = rec.valLoss as number;
      if (cur < best - minDelta) {
        best = cur; bestEpoch = epoch; wait = 0;
        bestTheta.set(th);
      } else if (++wait >= es.patience) break;
    }
  }
  if (es && bestTheta && bestEpoch > 0) return { theta: bestTheta, history, bestEpoch };
  if (th !== theta) theta.set(th);
  return { theta, history, bestEpoch: history.length };
}

/** A fitted MLP. Weights are float32 values (held as float64 for the forward pass). */
export class FittedMlp {
  readonly nFeatures: number;
  readonly nClasses: number;
  constructor(
    readonly options: MlpOptions,
    /** [nFeatures, ...hiddenSizes, nClasses]. */
    readonly layerSizes: readonly number[],
    private readonly theta: Float64Array,
    readonly history: readonly EpochRecord[],
    /** Epoch whose weights the model holds (the last one unless early stopping restored a better one). */
    readonly bestEpoch: number,
  ) {
    const lay = layout(layerSizes);
    if (theta.length !== lay.total) throw new Error(`mlp: ${theta.length} parameters do not fit layer sizes ${layerSizes.join('-')}`);
    this.lay = lay;
    this.nFeatures = layerSizes[0];
    this.nClasses = layerSizes[layerSizes.length - 1];
  }
  private readonly lay: Layout;
  /** The WebAssembly forward pass over these weights, built on the first large enough prediction. */
  private wasmFwd: WasmForward | null | undefined;
  private wasm(rows: number): WasmForward | null | undefined {
    if (this.wasmFwd === undefined && this.options.kernels === 'wasm' && rows >= WASM_MIN_PREDICT_ROWS) this.wasmFwd = wasmForward(this.theta, this.lay);
    return this.wasmFwd;
  }

  /** Kernel of layer l as a new Float32Array, [out][in] row-major (row j = unit j's input weights; Keras' kernel transposed). */
  kernel(l: number): Float32Array {
    const s = this.layerSizes;
    return Float32Array.from(this.theta.subarray(this.lay.kOff[l], this.lay.kOff[l] + s[l] * s[l + 1]));
  }

  bias(l: number): Float32Array {
    return Float32Array.from(this.theta.subarray(this.lay.bOff[l], this.lay.bOff[l] + this.layerSizes[l + 1]));
  }

  /** Pre-softmax scores (n × nClasses), e.g. for temperature scaling. */
  predictLogits(X: Matrix): Matrix {
    assertWidth(X, this.nFeatures, 'MlpClassifier');
    return forwardAll(this.theta, this.lay, X, false, this.options.kernels, this.wasm(X.rows));
  }

  predictProba(X: Matrix): Matrix {
    assertWidth(X, this.nFeatures, 'MlpClassifier');
    return forwardAll(this.theta, this.lay, X, true, this.options.kernels, this.wasm(X.rows));
  }

  predict(X: Matrix): Int32Array {
    return argmaxRows(this.predictLogits(X));
  }

  toState(): ModelState {
    const arrays: Record<string, Float32Array> = {};
    for (let l = 0; l + 1 < this.layerSizes.length; l++) {
      arrays[`kernel${l}`] = this.kernel(l);
      arrays[`bias${l}`] = this.bias(l);
    }
    return {
      kind: 'mlp',
      formatVersion: 1,
      config: {
        options: { ...savedOptions(this.options), hiddenSizes: [...this.options.hiddenSizes] },
        layerSizes: [...this.layerSizes],
        kernelLayout: 'out-in',
        history: this.history.map((h) => ({ ...h })),
        bestEpoch: this.bestEpoch,
      },
      arrays,
    };
  }

  static fromState(s: ModelState): FittedMlp {
    const r = readState(s, 'mlp', 1);
    const options = r.options<MlpOptions>((p) => resolveOptions(MLP_DEFAULTS, p, MLP_CHECKS, 'mlp state'));
    const sizes = r.ints('layerSizes', 1, 2);
    if (r.has('kernelLayout') && r.string('kernelLayout') !== 'out-in') r.fail('kernelLayout', `must be "out-in", got ${JSON.stringify(r.raw('kernelLayout'))}`);
    const lay = layout(sizes);
    const theta = new Float64Array(lay.total);
    for (let l = 0; l + 1 < sizes.length; l++) {
      theta.set(r.array(`kernel${l}`, 'float32', sizes[l] * sizes[l + 1]), lay.kOff[l]);
      theta.set(r.array(`bias${l}`, 'float32', sizes[l + 1]), lay.bOff[l]);
    }
    const history = readHistory(r);
    const bestEpoch = r.int('bestEpoch', 0, history.length);
    return new FittedMlp(options, sizes, roundToF32(theta), history, bestEpoch);
  }
}

export { argmaxRows } from '../common/matrix.ts';
