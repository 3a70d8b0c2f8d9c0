/**
 * Adapting a trained mood model to one catalogue from a few corrections (tracks whose mood a user
 * set by hand), with the original model as the prior.
 *
 * The adapted classifier keeps the original one and re-weighs its output:
 *
 *   logit_k(x) = a · log p_k(x) + b_k + Σ_j V_kj · x_j          (x: the model's scaled inputs)
 *
 * which is the original model exactly at a = 1/T (its temperature), b = 0, V = 0. The corrections
 * fit (a, b, V) by maximum a posteriori: their cross-entropy plus λ/2 · ‖θ − θ₀‖², a Gaussian prior
 * centred on the original. `b` learns the catalogue's mood mix and any constant bias, `a` its
 * confidence, `V` how this catalogue's moods lie in feature space differently from the training
 * sets'. The objective is convex (logits linear in θ), so Newton's method finds its minimum.
 *
 * λ and whether `V` is used at all are chosen by cross-validation on the corrections themselves
 * (held-out cross-entropy): with ten corrections the bias-only form wins, with a hundred the
 * feature term can pay for itself. Nothing but the corrections is looked at.
 */
import { assertWidth, matrix, type Matrix } from '../common/matrix.ts';
import { ModelStateError, readState, type ModelState } from './model-state.ts';
import { resolveOptions } from '../common/options.ts';
import { createRng, permutation } from '../common/random.ts';
import type { FittedClassifier } from './classifiers.ts';
import { withEngineered } from '../data/feature-matrix.ts';
import type { FittedMoodClassifier } from './mood-classifier.ts';
import { InputError } from '../common/errors.ts';

export interface CatalogueAdapterOptions {
  /** Prior strengths tried by cross-validation (larger = closer to the original). */
  l2Grid: readonly number[];
  /** Cross-validation folds over the corrections (fewer when there are fewer corrections). */
  folds: number;
  /** Newton iterations per fit. */
  maxIterations: number;
  /** Also fit the feature term V (cross-validation decides whether it is kept). */
  features: boolean;
  /** Pseudo-counts of the original training mix in the adapted model's training priors. */
  priorPseudoCounts: number;
  /** Pick the simplest candidate within one standard error of the best (else the best). */
  oneStandardError: boolean;
  seed: number;
}

export const CATALOGUE_ADAPTER_DEFAULTS: CatalogueAdapterOptions = {
  l2Grid: [1, 3, 10, 30, 100],
  folds: 5,
  maxIterations: 50,
  features: true,
  priorPseudoCounts: 10,
  oneStandardError: true,
  seed: 0,
};

/** What cross-validation chose, for the model card and `adapt --json`. */
export interface AdaptationSummary {
  readonly corrections: number;
  readonly l2: number;
  readonly features: boolean;
  /** Held-out cross-entropy per candidate (l2 Infinity: the original model), on the same folds. */
  readonly candidates: readonly { l2: number; features: boolean; crossEntropy: number }[];
  readonly originalCrossEntropy: number;
  readonly perClass: Readonly<Record<string, number>>;
}

export class CatalogueAdapter {
  constructor(readonly options: Partial<CatalogueAdapterOptions> = {}) {}

  /**
   * The model adapted to the corrections: `X` raw model inputs (rows × model.inputFeatures, as
   * model.featureMatrix gives them), `y` class indices of model.classes.
   */
  fit(model: FittedMoodClassifier, X: Matrix, y: Int32Array): { model: FittedMoodClassifier; summary: AdaptationSummary } {
    const o = resolveOptions(CATALOGUE_ADAPTER_DEFAULTS, this.options, {
      l2Grid: (v) => (Array.isArray(v) && v.length > 0 && v.every((x) => x > 0 && Number.isFinite(x)) ? undefined : 'a non-empty list of numbers > 0'),
      folds: (v) => (Number.isInteger(v) && v >= 2 ? undefined : 'an integer ≥ 2'),
      maxIterations: (v) => (Number.isInteger(v) && v >= 1 ? undefined : 'an integer ≥ 1'),
      priorPseudoCounts: (v) => (v >= 0 && Number.isFinite(v) ? undefined : 'a number ≥ 0'),
    }, 'CatalogueAdapter');
    const K = model.classes.length;
    if (X.rows !== y.length) throw new RangeError(`${y.length} labels for ${X.rows} corrections`);
    if (X.rows === 0) throw new InputError('no corrections to adapt to');
    for (let i = 0; i < y.length; i++) if (!(y[i] >= 0 && y[i] < K)) throw new RangeError(`correction ${i}: class ${y[i]} is not one of the model's ${K}`);
    assertWidth(X, model.inputFeatures.length, 'catalogue adapter');
    const base = model.classifier instanceof AdaptedClassifier ? model.classifier.base : model.classifier;
    // An adapted model is adapted again from its original: corrections accumulate, priors do not stack.
    const a0 = model.classifier instanceof AdaptedClassifier ? model.classifier.a0 : 1 / model.temperature;
    const Xs = model.scaler.transform(withEngineered(X, model.selection));
    const L = logProba(base.predictProba(Xs));
    const data: Problem = { L, Xs, y, K, a0 };

    const n = X.rows;
    const folds = Math.min(o.folds, n);
    const foldOf = foldsOf(y, K, folds, o.seed);
    const candidates: { l2: number; features: boolean; crossEntropy: number }[] = [];
    const perRow: Float64Array[] = [];
    // Simplest first: the original itself (an infinitely strong prior), then bias and scale only,
    // strongest prior first, then with the feature term.
    const originalLosses = Float64Array.from({ length: n }, (_, i) => rowCrossEntropy(data, initialTheta(data, false), false, i));
    perRow.push(originalLosses);
    candidates.push({ l2: Infinity, features: false, crossEntropy: mean(originalLosses) });
    const forms = o.features && n >= 2 * K ? [false, true] : [false];
    const grid = [...o.l2Grid].sort((a, b) => b - a);
    for (const features of forms) {
      for (const l2 of grid) {
        const losses = new Float64Array(n);
        for (let f = 0; f < folds; f++) {
          const train: number[] = [], test: number[] = [];
          for (let i = 0; i < n; i++) (foldOf[i] === f ? test : train).push(i);
          if (!train.length || !test.length) continue;
          const theta = fitNewton(subset(data, train), l2, features, o.maxIterations);
          const held = subset(data, test);
          test.forEach((r, t) => { losses[r] = rowCrossEntropy(held, theta, features, t); });
        }
        perRow.push(losses);
        candidates.push({ l2, features, crossEntropy: mean(losses) });
      }
    }
    const originalCrossEntropy = candidates[0].crossEntropy;
    // The one-standard-error rule: the simplest candidate within one standard error of the best,
    // since ten corrections cannot tell close candidates apart and the simpler one stays nearer
    // the original.
    let bestIdx = 0;
    candidates.forEach((c, i) => { if (c.crossEntropy < candidates[bestIdx].crossEntropy) bestIdx = i; });
    const bound = candidates[bestIdx].crossEntropy + (o.oneStandardError ? standardError(perRow[bestIdx]) : 0);
    const best = candidates.find((c) => c.crossEntropy <= bound)!;
    const theta = best.l2 === Infinity ? initialTheta(data, false) : fitNewton(data, best.l2, best.features, o.maxIterations);
    const d = Xs.cols;
    const adapted = new AdaptedClassifier(base, a0, theta[0], theta.slice(1, 1 + K), best.features ? theta.slice(1 + K) : new Float64Array(K * d));

    const counts = new Float64Array(K);
    for (let i = 0; i < n; i++) counts[y[i]]++;
    const original = model.trainingPriors ?? new Float64Array(K).fill(1 / K);
    const priors = Float64Array.from({ length: K }, (_, k) => (counts[k] + o.priorPseudoCounts * original[k]) / (n + o.priorPseudoCounts));
    const out = model.withClassifier(adapted).withTemperature(1).withTrainingPriors(priors);
    return {
      model: out,
      summary: {
        corrections: n, l2: best.l2, features: best.features, candidates, originalCrossEntropy,
        perClass: Object.fromEntries(model.classes.map((c, k) => [c, counts[k]])),
      },
    };
  }
}

/** The original classifier with the adaptation layer on top (see the file comment). */
export class AdaptedClassifier implements FittedClassifier {
  readonly nFeatures: number;
  readonly nClasses: number;
  constructor(
    readonly base: FittedClassifier,
    /** The original's inverse temperature: where `a` starts and what the prior pulls it to. */
    readonly a0: number,
    readonly a: number,
    readonly bias: Float64Array,
    /** nClasses × nFeatures, row-major. */
    readonly coef: Float64Array,
  ) {
    this.nFeatures = base.nFeatures;
    this.nClasses = base.nClasses;
    if (bias.length !== this.nClasses || coef.length !== this.nClasses * this.nFeatures) throw new Error('adapted classifier: bias or coefficients have the wrong size');
  }

  predictProba(X: Matrix): Matrix {
    assertWidth(X, this.nFeatures, 'adapted classifier');
    const L = logProba(this.base.predictProba(X));
    const K = this.nClasses, d = this.nFeatures;
    const out = matrix(X.rows, K);
    for (let i = 0; i < X.rows; i++) {
      const z = out.data.subarray(i * K, (i + 1) * K);
      for (let k = 0; k < K; k++) {
        let s = this.a * L.data[i * K + k] + this.bias[k];
        for (let j = 0; j < d; j++) s += this.coef[k * d + j] * X.data[i * d + j];
        z[k] = s;
      }
      softmaxRow(z);
    }
    return out;
  }

  toState(): ModelState {
    const b = this.base.toState();
    const arrays: ModelState['arrays'] = { bias: this.bias, coef: this.coef };
    for (const [name, v] of Object.entries(b.arrays)) arrays[`base/${name}`] = v;
    return {
      kind: 'adapted',
      formatVersion: 1,
      config: { a0: this.a0, a: this.a, base: { kind: b.kind, formatVersion: b.formatVersion, config: b.config } },
      arrays,
    };
  }

  static fromState(s: ModelState, load: (state: ModelState) => FittedClassifier): AdaptedClassifier {
    const r = readState(s, 'adapted', 1);
    const b = r.object('base');
    const a0 = r.number('a0'), a = r.number('a');
    const arrays: ModelState['arrays'] = {};
    for (const name of r.arrayNames()) if (name.startsWith('base/')) arrays[name.slice(5)] = s.arrays[name];
    let base: FittedClassifier;
    try {
      base = load({ kind: b.string('kind'), formatVersion: b.int('formatVersion', 1), config: b.object('config').fields, arrays });
    } catch (e) {
      // The base's own reader names its field; say it is the base.
      if (e instanceof ModelStateError) throw new ModelStateError('adapted', `base (${e.kind}) ${e.field}`, e.problem);
      throw e;
    }
    const bias = Float64Array.from(r.array('bias', 'float64', base.nClasses));
    const coef = Float64Array.from(r.array('coef', 'float64', base.nClasses * base.nFeatures));
    return new AdaptedClassifier(base, a0, a, bias, coef);
  }
}

// ── the fit ────────────────────────────────────────────────────────────────────────────────

interface Problem {
  /** log p of the original classifier, rows × K. */
  L: Matrix;
  /** Scaled inputs, rows × d. */
  Xs: Matrix;
  y: Int32Array;
  K: number;
  a0: number;
}

function subset(p: Problem, rows: readonly number[]): Problem {
  const pick = (m: Matrix) => {
    const out = matrix(rows.length, m.cols);
    rows.forEach((r, i) => out.data.set(m.data.subarray(r * m.cols, (r + 1) * m.cols), i * m.cols));
    return out;
  };
  return { ...p, L: pick(p.L), Xs: pick(p.Xs), y: Int32Array.from(rows, (r) => p.y[r]) };
}

/** θ = [a, b (K), V (K × d)]; the V block is left out when `features` is false. */
function initialTheta(p: Problem, features: boolean): Float64Array {
  const t = new Float64Array(1 + p.K + (features ? p.K * p.Xs.cols : 0));
  t[0] = p.a0;
  return t;
}

function logitsInto(p: Problem, theta: Float64Array, features: boolean, i: number, z: Float64Array): void {
  const { K } = p, d = p.Xs.cols;
  for (let k = 0; k < K; k++) {
    let s = theta[0] * p.L.data[i * K + k] + theta[1 + k];
    if (features) for (let j = 0; j < d; j++) s += theta[1 + K + k * d + j] * p.Xs.data[i * d + j];
    z[k] = s;
  }
  softmaxRow(z);
}

function rowCrossEntropy(p: Problem, theta: Float64Array, features: boolean, i: number): number {
  const z = new Float64Array(p.K);
  logitsInto(p, theta, features, i, z);
  return -Math.log(Math.max(z[p.y[i]], 1e-300));
}

function mean(a: Float64Array): number {
  let s = 0;
  for (const v of a) s += v;
  return a.length ? s / a.length : 0;
}

function standardError(a: Float64Array): number {
  if (a.length < 2) return 0;
  const m = mean(a);
  let s = 0;
  for (const v of a) s += (v - m) ** 2;
  return Math.sqrt(s / (a.length - 1) / a.length);
}

function crossEntropy(p: Problem, theta: Float64Array, features: boolean): number {
  const z = new Float64Array(p.K);
  let ce = 0;
  for (let i = 0; i < p.y.length; i++) {
    logitsInto(p, theta, features, i, z);
    ce -= Math.log(Math.max(z[p.y[i]], 1e-300));
  }
  return ce;
}

/**
 * Newton's method on Σ_i CE_i + λ/2 · ‖θ − θ₀‖² (convex; the penalty makes the Hessian positive
 * definite), with step halving so the objective never rises.
 */
function fitNewton(p: Problem, l2: number, features: boolean, maxIterations: number): Float64Array {
  const { K } = p, d = p.Xs.cols, n = p.y.length;
  const theta0 = initialTheta(p, features);
  const P = theta0.length;
  let theta = Float64Array.from(theta0);
  const objective = (t: Float64Array): number => {
    let pen = 0;
    for (let q = 0; q < P; q++) pen += (t[q] - theta0[q]) ** 2;
    return crossEntropy(p, t, features) + 0.5 * l2 * pen;
  };
  let f = objective(theta);
  const z = new Float64Array(K);
  // Non-zero entries of ∂logit_k/∂θ for one row: a → log p_k, b_k → 1, V_k· → x.
  const idx = new Int32Array(2 + d), val = new Float64Array(2 + d);
  for (let it = 0; it < maxIterations; it++) {
    const g = new Float64Array(P), H = new Float64Array(P * P);
    for (let q = 0; q < P; q++) { g[q] = l2 * (theta[q] - theta0[q]); H[q * P + q] = l2; }
    for (let i = 0; i < n; i++) {
      logitsInto(p, theta, features, i, z);
      const cols = (k: number): number => {
        idx[0] = 0; val[0] = p.L.data[i * K + k];
        idx[1] = 1 + k; val[1] = 1;
        if (!features) return 2;
        for (let j = 0; j < d; j++) { idx[2 + j] = 1 + K + k * d + j; val[2 + j] = p.Xs.data[i * d + j]; }
        return 2 + d;
      };
      for (let k = 0; k < K; k++) {
        const r = z[k] - (k === p.y[i] ? 1 : 0);
        const m = cols(k);
        for (let u = 0; u < m; u++) g[idx[u]] += r * val[u];
      }
      // H += Σ_{k,k'} (δ_kk' p_k − p_k p_k') · F_k F_k'ᵀ
      for (let k = 0; k < K; k++) {
        const mk = cols(k);
        const ik = Int32Array.from(idx.subarray(0, mk)), vk = Float64Array.from(val.subarray(0, mk));
        for (let k2 = 0; k2 < K; k2++) {
          const w = (k === k2 ? z[k] : 0) - z[k] * z[k2];
          if (w === 0) continue;
          const m2 = cols(k2);
          for (let u = 0; u < mk; u++) {
            const row = ik[u] * P, wu = w * vk[u];
            for (let v = 0; v < m2; v++) H[row + idx[v]] += wu * val[v];
          }
        }
      }
    }
    const step = solveSpd(H, g, P);
    let t = 1, next = theta, fNext = f;
    for (let ls = 0; ls < 30; ls++) {
      next = Float64Array.from(theta, (v, q) => v - t * step[q]);
      fNext = objective(next);
      if (fNext <= f) break;
      t /= 2;
    }
    if (!(fNext <= f)) break;
    const gain = f - fNext;
    theta = next; f = fNext;
    if (gain <= 1e-10 * Math.max(1, Math.abs(f))) break;
  }
  return theta;
}

/** Solves H x = g for a symmetric positive definite H (Cholesky). */
function solveSpd(H: Float64Array, g: Float64Array, P: number): Float64Array {
  const Lc = new Float64Array(P * P);
  for (let i = 0; i < P; i++) {
    for (let j = 0; j <= i; j++) {
      let s = H[i * P + j];
      for (let k = 0; k < j; k++) s -= Lc[i * P + k] * Lc[j * P + k];
      Lc[i * P + j] = i === j ? Math.sqrt(Math.max(s, 1e-12)) : s / Lc[j * P + j];
    }
  }
  const x = Float64Array.from(g);
  for (let i = 0; i < P; i++) { let s = x[i]; for (let k = 0; k < i; k++) s -= Lc[i * P + k] * x[k]; x[i] = s / Lc[i * P + i]; }
  for (let i = P - 1; i >= 0; i--) { let s = x[i]; for (let k = i + 1; k < P; k++) s -= Lc[k * P + i] * x[k]; x[i] = s / Lc[i * P + i]; }
  return x;
}

/** Folds that spread each class over the folds (a class with fewer members than folds is fine). */
function foldsOf(y: Int32Array, K: number, folds: number, seed: number): Int32Array {
  const order = permutation(y.length, createRng(seed));
  const out = new Int32Array(y.length);
  let pos = 0;
  for (let k = 0; k < K; k++) for (const i of order) if (y[i] === k) out[i] = pos++ % folds;
  return out;
}

function logProba(P: Matrix): Matrix {
  const out = matrix(P.rows, P.cols);
  for (let i = 0; i < P.data.length; i++) out.data[i] = Math.log(Math.max(P.data[i], 1e-15));
  return out;
}

function softmaxRow(z: Float64Array): void {
  let m = -Infinity;
  for (const v of z) if (v > m) m = v;
  let s = 0;
  for (let k = 0; k < z.length; k++) { z[k] = Math.exp(z[k] - m); s += z[k]; }
  for (let k = 0; k < z.length; k++) z[k] /= s;
}
