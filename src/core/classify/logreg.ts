/**
 * L2-regularised logistic regression, as sklearn's `LogisticRegression(penalty='l2', C=1,
 * solver='lbfgs')`: it minimises
 *     Σ_i w_i · CE_i + 1/(2C) · ‖W‖²        (w_i = class weight of row i's label, intercept not penalised)
 * with L-BFGS, to a much tighter tolerance than sklearn's default (so it lands on the same optimum
 * whether or not sklearn's 100 iterations converged fully).
 *
 * - More than two classes: multinomial softmax with one coefficient row per class (sklearn's
 *   multinomial, coef_ K × d).
 * - Two classes: the binary sigmoid model with a single coefficient row for class 1 (sklearn's
 *   coef_ 1 × d); the logits are [0, w·x + b]. This is not the same as a 2-class softmax, whose
 *   penalty would act on two rows.
 *
 * Internally the objective is divided by the number of rows (same minimiser) so the gradient
 * tolerance does not depend on the data size. Coefficients stay float64 in the state too (the
 * model is tiny, and float32 rounding would move probabilities by ~1e-7 relative).
 */
import { assertWidth, matrix, type Matrix } from '../common/matrix.ts';
import { readState, type ModelState } from './model-state.ts';
import { assertFiniteMatrix, booleanCheck, finite, integer, resolveOptions } from '../common/options.ts';
import { assertLabels, classWeightsCheck, resolveClassWeights, type ClassWeightSpec } from '../evaluate/metrics.ts';
import { denseForward, denseGradWeights } from './mlp/dense.ts';
import { readHistory, type EpochRecord, type FitOptions } from './training-history.ts';
import { checkRowOptions, expOverSet, maxOverSet } from './partial-labels.ts';
import { F64Arena, instantiateKernels, type WasmKernels } from '../wasm/kernels.ts';
import { DEFAULT_KERNELS, kernelsCheck, savedOptions, type Kernels } from '../common/kernels.ts';

export interface LogRegOptions {
  /** Inverse regularisation strength (sklearn C). */
  C: number;
  /** Maximum L-BFGS iterations. */
  maxIter: number;
  /** Stop when the largest gradient component of the per-row objective is below this. */
  tol: number;
  fitIntercept: boolean;
  /** Per-class loss weights, 'balanced' (sklearn's), or null. */
  classWeights: ClassWeightSpec;
  /** L-BFGS memory (number of correction pairs). */
  memory: number;
  /** 'wasm': the dense products of fitting on the WebAssembly SIMD kernels where available; 'ts': TypeScript only (bit-identical). */
  kernels: Kernels;
}

export const LOGREG_DEFAULTS: LogRegOptions = {
  C: 1,
  maxIter: 1000,
  tol: 1e-7,
  fitIntercept: true,
  classWeights: null,
  memory: 10,
  kernels: DEFAULT_KERNELS,
};

const LOGREG_CHECKS = {
  C: finite({ min: 0, exclusiveMin: true }),
  maxIter: integer(1),
  tol: finite({ min: 0, exclusiveMin: true }),
  fitIntercept: booleanCheck,
  classWeights: classWeightsCheck,
  memory: integer(1, 100),
  kernels: kernelsCheck,
};

/** Number of coefficient rows: 1 for binary, K otherwise. */
function rowsFor(nClasses: number): number {
  return nClasses === 2 ? 1 : nClasses;
}

/** Logits n × K from coefficient rows (R × d) and intercepts (R). */
function logitsOf(X: Matrix, coef: Float64Array, intercept: Float64Array, nClasses: number, out: Float64Array): void {
  const n = X.rows, d = X.cols, x = X.data, R = rowsFor(nClasses), K = nClasses;
  const shift = R === 1 ? 1 : 0; // binary: class 0 logit is fixed at 0
  for (let i = 0; i < n; i++) {
    const xo = i * d, zo = i * K;
    if (shift) out[zo] = 0;
    for (let r = 0; r < R; r++) {
      const wo = r * d;
      let s = intercept[r];
      for (let j = 0; j < d; j++) s += coef[wo + j] * x[xo + j];
      out[zo + r + shift] = s;
    }
  }
}

function softmaxInPlace(z: Float64Array, n: number, K: number): void {
  for (let i = 0; i < n; i++) {
    const o = i * K;
    let m = z[o];
    for (let c = 1; c < K; c++) if (z[o + c] > m) m = z[o + c];
    let s = 0;
    for (let c = 0; c < K; c++) { const e = Math.exp(z[o + c] - m); z[o + c] = e; s += e; }
    for (let c = 0; c < K; c++) z[o + c] /= s;
  }
}

interface Problem {
  X: Matrix;
  y: Int32Array;
  w: Float64Array | undefined;
  /** Per-row weights (multiplying w), or undefined. */
  sw: Float64Array | undefined;
  /** Partial labels, n × K flags (see FitOptions.labelSets), or undefined. */
  sets: Uint8Array | undefined;
  K: number;
  R: number;
  alpha: number; // 1/(C·n)
  fitIntercept: boolean;
  z: Float64Array; // K logits of the current row
  e: Float64Array; // K exponentials of the current row
  zc: Float64Array; // LOSS_CHUNK × R logits (TypeScript path)
  dzc: Float64Array; // LOSS_CHUNK × R deltas (TypeScript path)
  wasm: WasmLoss | null;
}

/**
 * Objective (per-row) and its gradient at theta = [coef (R×d), intercept (R)]. Also returns the
 * training accuracy at theta (free: the logits are already there).
 */
function lossGrad(p: Problem, theta: Float64Array, grad: Float64Array): { loss: number; accuracy: number } {
  const { X, y, w, sw, sets, K, R, z, e, wasm } = p;
  const n = X.rows, d = X.cols, x = X.data;
  const shift = R === 1 ? 1 : 0;
  grad.fill(0);
  if (wasm) {
    wasm.th.set(theta);
    wasm.g.fill(0);
    wasm.wk.transpose(wasm.th.byteOffset, d, R, wasm.wt.byteOffset, wasm.ws);
  }
  z[0] = 0;
  let loss = 0, ok = 0;
  // The logits and the gradient are dense products (mlp/dense.ts's kernels, in WebAssembly SIMD when
  // available: the same sums in the same order either way), chunk by chunk; the softmax, loss and
  // deltas run per row in between, with one exp per class.
  for (let from = 0; from < n; from += LOSS_CHUNK) {
    const rows = Math.min(LOSS_CHUNK, n - from);
    const a = x.subarray(from * d, (from + rows) * d);
    let Z: Float64Array, DZ: Float64Array;
    if (wasm) {
      wasm.xc.set(a);
      wasm.wk.forward(wasm.xc.byteOffset, d, wasm.wt.byteOffset, wasm.ws, wasm.th.byteOffset + R * d * 8, wasm.z.byteOffset, R, rows);
      Z = wasm.z; DZ = wasm.dz;
    } else {
      denseForward(a, d, theta, 0, R * d, p.zc, R, rows);
      Z = p.zc; DZ = p.dzc;
    }
    for (let r = 0; r < rows; r++) {
      const zo = r * R;
      for (let q = 0; q < R; q++) z[q + shift] = Z[zo + q];
      let m = z[0], arg = 0;
      for (let c = 1; c < K; c++) if (z[c] > m) { m = z[c]; arg = c; }
      const yi = y[from + r];
      if (arg === yi) ok++;
      // Partial labels: the softmax over the row's label set only; other classes get no gradient.
      const so = (from + r) * K;
      const mS = maxOverSet(z, K, yi, sets, so, m);
      const se = expOverSet(z, e, K, sets, so, mS);
      const wi = (w ? w[yi] : 1) * (sw ? sw[from + r] : 1);
      loss += wi * (mS + Math.log(se) - z[yi]);
      const scale = wi / se;
      for (let q = 0; q < R; q++) {
        const c = q + shift;
        DZ[zo + q] = wi === 0 ? 0 : e[c] * scale - (c === yi ? wi : 0);
      }
    }
    if (wasm) {
      wasm.wk.gradBias(wasm.dz.byteOffset, R, rows, wasm.g.byteOffset + R * d * 8);
      wasm.wk.gradWeights(wasm.xc.byteOffset, d, wasm.dz.byteOffset, R, rows, wasm.g.byteOffset);
    } else {
      denseGradWeights(a, d, DZ, R, rows, grad, 0, R * d);
    }
  }
  if (wasm) grad.set(wasm.g);
  const coef = theta.subarray(0, R * d);
  const gW = grad.subarray(0, R * d), gb = grad.subarray(R * d);
  const invN = 1 / n;
  let pen = 0;
  for (let q = 0; q < R * d; q++) {
    pen += coef[q] * coef[q];
    gW[q] = gW[q] * invN + p.alpha * coef[q];
  }
  for (let r = 0; r < R; r++) gb[r] = p.fitIntercept ? gb[r] * invN : 0;
  return { loss: loss * invN + 0.5 * p.alpha * pen, accuracy: ok / n };
}

/**
 * Rows per chunk of the loss: a multiple of 4, so the dense kernels group rows by four exactly as
 * over the whole matrix, and the gradient sums run in the same order.
 */
const LOSS_CHUNK = 4096;

/** The dense kernels' buffers for one fit, in WebAssembly memory. */
interface WasmLoss {
  readonly wk: WasmKernels;
  readonly xc: Float64Array;
  readonly z: Float64Array;
  readonly dz: Float64Array;
  readonly th: Float64Array;
  readonly g: Float64Array;
  readonly wt: Float64Array;
  /** Row stride of wt in bytes (units rounded up to even). */
  readonly ws: number;
}

function wasmLoss(d: number, R: number, kernels: Kernels): WasmLoss | null {
  if (kernels !== 'wasm') return null;
  const P = R * (d + 1), Rp = R + (R & 1);
  const lengths = [LOSS_CHUNK * d, LOSS_CHUNK * R, LOSS_CHUNK * R, P, P, d * Rp];
  const wk = instantiateKernels(F64Arena.bytesFor(lengths));
  if (!wk) return null;
  const arena = new F64Arena(wk.memory);
  const [xc, z, dz, th, g, wt] = lengths.map((len) => arena.alloc(len));
  return { wk, xc, z, dz, th, g, wt, ws: Rp * 8 };
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function maxAbs(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) { const v = Math.abs(a[i]); if (v > m) m = v; }
  return m;
}

export class LogisticRegression {
  readonly options: Partial<LogRegOptions>;
  constructor(options: Partial<LogRegOptions> = {}) {
    this.options = { ...options };
  }

  fit(X: Matrix, y: Int32Array, nClasses: number, opts: FitOptions = {}): FittedLogisticRegression {
    const o = resolveOptions(LOGREG_DEFAULTS, this.options, LOGREG_CHECKS, 'LogisticRegression');
    const who = 'LogisticRegression.fit';
    if (!Number.isInteger(nClasses) || nClasses < 2) throw new RangeError(`${who}: nClasses must be an integer ≥ 2, got ${nClasses}`);
    if (X.rows < 1) throw new RangeError(`${who}: cannot fit on 0 rows`);
    assertLabels(y, nClasses, who, X.rows);
    assertFiniteMatrix(X, who);
    const val = opts.validation;
    if (val) {
      assertWidth(val.X, X.cols, `${who} (validation)`);
      assertLabels(val.y, nClasses, `${who} (validation)`, val.X.rows);
    }
    const w = resolveClassWeights(o.classWeights, y, nClasses, who);
    checkRowOptions(opts, X.rows, nClasses, y, who);
    const d = X.cols, K = nClasses, R = rowsFor(K), P = R * (d + 1);
    const prob: Problem = { X, y, w, sw: opts.sampleWeight, sets: opts.labelSets, K, R, alpha: 1 / (o.C * X.rows), fitIntercept: o.fitIntercept, z: new Float64Array(K), e: new Float64Array(K),
      zc: new Float64Array(LOSS_CHUNK * R), dzc: new Float64Array(LOSS_CHUNK * R), wasm: wasmLoss(d, R, o.kernels) };

    const history: EpochRecord[] = [];
    const record = (iter: number, theta: Float64Array, ev: { loss: number; accuracy: number }): void => {
      let rec: EpochRecord = { epoch: iter, loss: ev.loss, accuracy: ev.accuracy };
      if (val) {
        const f = new FittedLogisticRegression(o, d, K, theta.slice(0, R * d), theta.slice(R * d), 0, false, []);
        const pr = f.predictProba(val.X);
        let vl = 0, ok = 0;
        for (let i = 0; i < pr.rows; i++) {
          const row = pr.data.subarray(i * K, (i + 1) * K);
          vl -= Math.log(Math.max(row[val.y[i]], 1e-300));
          let best = 0;
          for (let c = 1; c < K; c++) if (row[c] > row[best]) best = c;
          if (best === val.y[i]) ok++;
        }
        rec = { ...rec, valLoss: vl / pr.rows, valAccuracy: ok / pr.rows };
      }
      history.push(rec);
      opts.onEpoch?.(rec);
    };

    // L-BFGS with backtracking (Armijo) line search; the objective is smooth and strictly convex.
    const theta = new Float64Array(P), g = new Float64Array(P);
    const thetaNew = new Float64Array(P), gNew = new Float64Array(P), dir = new Float64Array(P);
    const m = o.memory;
    const S: Float64Array[] = [], Y: Float64Array[] = [], rho: number[] = [];
    const alphaBuf = new Float64Array(m);
    let ev = lossGrad(prob, theta, g);
    let f = ev.loss;
    let iter = 0, converged = maxAbs(g) <= o.tol;
    while (!converged && iter < o.maxIter) {
      // Two-loop recursion: dir = −H·g.
      dir.set(g);
      for (let k = S.length - 1; k >= 0; k--) {
        const a = rho[k] * dot(S[k], dir);
        alphaBuf[k] = a;
        for (let q = 0; q < P; q++) dir[q] -= a * Y[k][q];
      }
      const gamma = S.length ? dot(S[S.length - 1], Y[Y.length - 1]) / dot(Y[Y.length - 1], Y[Y.length - 1]) : 1 / Math.max(1, Math.sqrt(dot(g, g)));
      for (let q = 0; q < P; q++) dir[q] *= gamma;
      for (let k = 0; k < S.length; k++) {
        const bta = rho[k] * dot(Y[k], dir);
        for (let q = 0; q < P; q++) dir[q] += S[k][q] * (alphaBuf[k] - bta);
      }
      for (let q = 0; q < P; q++) dir[q] = -dir[q];
      let slope = dot(g, dir);
      if (!(slope < 0)) {
        // Not a descent direction (numerical trouble): restart from steepest descent.
        S.length = 0; Y.length = 0; rho.length = 0;
        for (let q = 0; q < P; q++) dir[q] = -g[q];
        slope = -dot(g, g);
      }
      let step = 1, accepted = false, evNew = ev;
      for (let ls = 0; ls < 60; ls++) {
        for (let q = 0; q < P; q++) thetaNew[q] = theta[q] + step * dir[q];
        evNew = lossGrad(prob, thetaNew, gNew);
        if (evNew.loss <= f + 1e-4 * step * slope) { accepted = true; break; }
        step *= 0.5;
      }
      iter++;
      if (!accepted) break; // no decrease possible at float precision: we are at the optimum
      const s = new Float64Array(P), yv = new Float64Array(P);
      for (let q = 0; q < P; q++) { s[q] = thetaNew[q] - theta[q]; yv[q] = gNew[q] - g[q]; }
      const sy = dot(s, yv);
      if (sy > 1e-12 * Math.sqrt(dot(s, s) * dot(yv, yv))) {
        if (S.length === m) { S.shift(); Y.shift(); rho.shift(); }
        S.push(s); Y.push(yv); rho.push(1 / sy);
      }
      const fOld = f;
      theta.set(thetaNew); g.set(gNew); f = evNew.loss; ev = evNew;
      record(iter, theta, ev);
      converged = maxAbs(g) <= o.tol || Math.abs(fOld - f) <= 1e-15 * Math.max(1, Math.abs(f));
    }
    if (history.length === 0) record(0, theta, ev);
    return new FittedLogisticRegression(o, d, K, theta.slice(0, R * d), theta.slice(R * d), iter, converged, history);
  }
}

export class FittedLogisticRegression {
  constructor(
    readonly options: LogRegOptions,
    readonly nFeatures: number,
    readonly nClasses: number,
    /** Coefficient rows, R × nFeatures row-major (R = 1 for two classes — class 1 vs 0 — else nClasses). */
    readonly coef: Float64Array,
    readonly intercept: Float64Array,
    /** L-BFGS iterations run. */
    readonly nIter: number,
    readonly converged: boolean,
    /** Per L-BFGS iteration: objective (per row, penalty included), training accuracy, validation if given. */
    readonly history: readonly EpochRecord[],
  ) {
    const R = rowsFor(nClasses);
    if (coef.length !== R * nFeatures || intercept.length !== R) {
      throw new Error(`logreg: coefficient arrays do not match ${nFeatures} features and ${nClasses} classes`);
    }
  }

  /** Coefficients as a matrix (sklearn coef_): 1 × d for two classes, K × d otherwise. */
  get coefficients(): Matrix {
    return matrix(rowsFor(this.nClasses), this.nFeatures, Float64Array.from(this.coef));
  }

  /** Logits n × nClasses (for two classes: [0, w·x + b]). */
  decisionFunction(X: Matrix): Matrix {
    assertWidth(X, this.nFeatures, 'LogisticRegression');
    const out = matrix(X.rows, this.nClasses);
    logitsOf(X, this.coef, this.intercept, this.nClasses, out.data);
    return out;
  }

  predictProba(X: Matrix): Matrix {
    const z = this.decisionFunction(X);
    softmaxInPlace(z.data, z.rows, z.cols);
    return z;
  }

  predict(X: Matrix): Int32Array {
    const z = this.decisionFunction(X);
    const out = new Int32Array(z.rows), K = z.cols;
    for (let i = 0; i < z.rows; i++) {
      let best = 0;
      for (let c = 1; c < K; c++) if (z.data[i * K + c] > z.data[i * K + best]) best = c;
      out[i] = best;
    }
    return out;
  }

  toState(): ModelState {
    return {
      kind: 'logreg',
      formatVersion: 1,
      config: {
        options: { ...savedOptions(this.options), classWeights: Array.isArray(this.options.classWeights) ? [...this.options.classWeights] : this.options.classWeights },
        nFeatures: this.nFeatures,
        nClasses: this.nClasses,
        nIter: this.nIter,
        converged: this.converged,
        history: this.history.map((h) => ({ ...h })),
      },
      arrays: { coef: Float64Array.from(this.coef), intercept: Float64Array.from(this.intercept) },
    };
  }

  static fromState(s: ModelState): FittedLogisticRegression {
    const r = readState(s, 'logreg', 1);
    const options = r.options<LogRegOptions>((p) => resolveOptions(LOGREG_DEFAULTS, p, LOGREG_CHECKS, 'logreg state'));
    const nFeatures = r.int('nFeatures', 1), nClasses = r.int('nClasses', 2);
    const R = rowsFor(nClasses);
    return new FittedLogisticRegression(
      options, nFeatures, nClasses,
      Float64Array.from(r.array('coef', 'float64', R * nFeatures)), Float64Array.from(r.array('intercept', 'float64', R)),
      r.int('nIter', 0, 0), r.boolean('converged', true), readHistory(r),
    );
  }
}
