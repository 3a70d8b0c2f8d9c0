/** Fitting the MLP: validation split, Glorot initialisation and the Adam training loop (TypeScript or WebAssembly kernels). */
import { assertWidth, takeRows, type Matrix } from '../../common/matrix.ts';
import { assertFiniteMatrix, resolveOptions } from '../../common/options.ts';
import { createRng, shuffleInPlace, type Rng } from '../../common/random.ts';
import { assertLabels, resolveClassWeights } from '../../evaluate/metrics.ts';
import { stratifiedTrainTestSplit } from '../../evaluate/split.ts';
import { F64Arena, instantiateKernels, type WasmKernels } from '../../wasm/kernels.ts';
import type { EpochRecord, FitOptions } from '../training-history.ts';
import { denseForward, denseGradInput, denseGradWeights, reluInPlace, softmaxRows } from './dense.ts';
import { dropoutRelu, xoshiroState } from './dropout.ts';
import { FittedMlp } from './fitted.ts';
import { evaluate, l2Penalty } from './forward.ts';
import { layout, roundToF32, type Layout } from './layout.ts';
import { checkRowOptions, softmaxRowDelta, takeRowOptions, type RowFitOptions } from '../partial-labels.ts';
import { MLP_CHECKS, MLP_DEFAULTS, resolveEarlyStopping, type MlpOptions, type ResolvedMlpOptions } from './options.ts';

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
    checkRowOptions(opts, X.rows, nClasses, y, who);

    const rng = createRng(o.seed);
    const initRng = rng.fork(), shuffleRng = rng.fork();
    // rng.fork() is createRng(next u32); the dropout stream is the same generator, inlined.
    const dropState = xoshiroState(rng.next() * 4294967296);
    const splitRng = rng.fork();

    let Xt = X, yt = y;
    let rows: RowFitOptions = opts;
    let val = opts.validation;
    if (val) {
      assertWidth(val.X, X.cols, `${who} (validation)`);
      assertLabels(val.y, nClasses, `${who} (validation)`, val.X.rows);
    } else if (o.earlyStopping) {
      const split = stratifiedTrainTestSplit(y, { testSize: o.earlyStopping.validationFraction ?? 0.1, seed: splitRng.int(2 ** 31) });
      Xt = takeRows(X, split.train);
      yt = Int32Array.from(split.train, (i) => y[i]);
      rows = takeRowOptions(opts, split.train, nClasses);
      val = { X: takeRows(X, split.test), y: Int32Array.from(split.test, (i) => y[i]) };
    }

    const sizes = [X.cols, ...o.hiddenSizes, nClasses];
    const lay = layout(sizes);
    const theta = new Float64Array(lay.total);
    glorotInit(theta, lay, initRng);
    const state = trainLoop(theta, lay, Xt, yt, classW, o, shuffleRng, dropState, val, opts.onEpoch, rows);

    return new FittedMlp(o, sizes, roundToF32(state.theta), state.history, state.bestEpoch);
  }
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
  rows: RowFitOptions = {},
): TrainResult {
  const rowW = rows.sampleWeight, rowSets = rows.labelSets;
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
        const row = order[start + r];
        const o2 = r * k, yr = y[row];
        const w = (classW ? classW[yr] : 1) * (rowW ? rowW[row] : 1);
        let bestC = 0;
        for (let c = 1; c < k; c++) if (probs[o2 + c] > probs[o2 + bestC]) bestC = c;
        if (bestC === yr) correct++;
        batchLoss += softmaxRowDelta(probs, dOut, o2, k, yr, w, invB, rowSets, row * k);
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

