/**
 * Prior shift (label shift): a catalogue's mix of moods differs from the training sets', while
 * what each mood sounds like stays the same. Given calibrated posteriors p(k | x) learned under
 * the training priors π_tr, the EM of Saerens, Latinne & Decaestecker (2002, "Adjusting the
 * outputs of a classifier to new a priori probabilities", Neural Computation 14) estimates the
 * catalogue's priors π and the posteriors under them:
 *
 *   E: p'(k | x) ∝ (π(k) / π_tr(k)) · p(k | x)        M: π(k) = mean over the catalogue of p'(k | x)
 *
 * starting from π = π_tr. Each step raises the catalogue's likelihood, so it converges; it needs
 * calibrated inputs (a temperature-scaled model), since over-confident posteriors push π towards
 * the corners.
 */
import { matrix, type Matrix } from '../common/matrix.ts';
import { resolveOptions } from '../common/options.ts';

export interface PriorShiftOptions {
  /** Stop when no prior moves by more than this in one step. */
  tolerance: number;
  maxIterations: number;
  /**
   * Floor for every estimated prior. A mood that EM drives to exactly 0 could never come back
   * (its ratio stays 0), and one catalogue should not be able to erase a mood from every track.
   */
  minPrior: number;
  /**
   * A Dirichlet prior on the estimated mix, centred on the training priors, worth this many
   * tracks per catalogue track (0 = the plain maximum-likelihood EM of the paper). Under concept
   * shift (moods that sound different in another catalogue) the posteriors are not calibrated
   * there, and plain EM runs into the corners; the prior holds it back.
   */
  priorStrength: number;
}

export const PRIOR_SHIFT_DEFAULTS: PriorShiftOptions = { tolerance: 1e-6, maxIterations: 1000, minPrior: 1e-4, priorStrength: 0 };

export class PriorShiftEM {
  constructor(readonly options: Partial<PriorShiftOptions> = {}) {}

  /** Estimates the priors of the rows of `proba` (rows × classes, calibrated under `trainingPriors`). */
  fit(proba: Matrix, trainingPriors: ArrayLike<number>): FittedPriorShift {
    const o = resolveOptions(PRIOR_SHIFT_DEFAULTS, this.options, {
      tolerance: (v) => (v > 0 && Number.isFinite(v) ? undefined : 'a finite number > 0'),
      maxIterations: (v) => (Number.isInteger(v) && v >= 1 ? undefined : 'an integer ≥ 1'),
      minPrior: (v) => (v >= 0 && v < 1 / Math.max(1, proba.cols) ? undefined : `a number in [0, 1/${proba.cols})`),
      priorStrength: (v) => (v >= 0 && Number.isFinite(v) ? undefined : 'a finite number ≥ 0'),
    }, 'PriorShiftEM');
    const K = proba.cols, n = proba.rows;
    const base = normalisePriors(trainingPriors, K);
    const priors = Float64Array.from(base);
    const ratio = new Float64Array(K);
    const next = new Float64Array(K);
    let iterations = 0, converged = n === 0;
    while (!converged && iterations < o.maxIterations) {
      iterations++;
      for (let k = 0; k < K; k++) ratio[k] = base[k] > 0 ? priors[k] / base[k] : 0;
      next.fill(0);
      let used = 0;
      for (let i = 0; i < n; i++) {
        const off = i * K;
        let s = 0;
        for (let k = 0; k < K; k++) s += ratio[k] * proba.data[off + k];
        // A row with no mass on any mood the model can predict carries no evidence about the mix.
        if (!(s > 0)) continue;
        used++;
        for (let k = 0; k < K; k++) next[k] += (ratio[k] * proba.data[off + k]) / s;
      }
      if (used === 0) break;
      // MAP M-step: the expected counts plus the Dirichlet's pseudo-counts at the training mix.
      const pseudo = o.priorStrength * used;
      for (let k = 0; k < K; k++) next[k] = base[k] > 0 ? Math.max(o.minPrior, (next[k] + pseudo * base[k]) / (used + pseudo)) : 0;
      const total = next.reduce((a, b) => a + b, 0);
      let change = 0;
      for (let k = 0; k < K; k++) {
        const v = next[k] / total;
        change = Math.max(change, Math.abs(v - priors[k]));
        priors[k] = v;
      }
      converged = change < o.tolerance;
    }
    return new FittedPriorShift(base, priors, iterations, converged);
  }
}

export class FittedPriorShift {
  constructor(
    /** The priors the model's posteriors assume (normalised). */
    readonly trainingPriors: Float64Array,
    /** The estimated priors of the catalogue the shift was fitted on. */
    readonly priors: Float64Array,
    readonly iterations: number,
    readonly converged: boolean,
  ) {}

  /** Posteriors re-weighted from the training priors to the estimated ones (rows sum to 1). */
  transform(proba: Matrix): Matrix {
    return adjustToPriors(proba, this.trainingPriors, this.priors);
  }
}

/** Bayes' rule for a change of priors: p'(k|x) ∝ p(k|x) · to(k) / from(k); rows with no mass stay as they are. */
export function adjustToPriors(proba: Matrix, from: ArrayLike<number>, to: ArrayLike<number>): Matrix {
  const K = proba.cols;
  if (from.length !== K || to.length !== K) throw new RangeError(`adjustToPriors: ${from.length} and ${to.length} priors for ${K} classes`);
  const ratio = Float64Array.from({ length: K }, (_, k) => (from[k] > 0 ? to[k] / from[k] : 0));
  const out = matrix(proba.rows, K);
  for (let i = 0; i < proba.rows; i++) {
    const off = i * K;
    let s = 0;
    for (let k = 0; k < K; k++) s += ratio[k] * proba.data[off + k];
    if (!(s > 0)) { out.data.set(proba.data.subarray(off, off + K), off); continue; }
    for (let k = 0; k < K; k++) out.data[off + k] = (ratio[k] * proba.data[off + k]) / s;
  }
  return out;
}

/** Checks and normalises a prior vector: K finite values ≥ 0 with a positive sum. */
export function normalisePriors(priors: ArrayLike<number>, K: number): Float64Array {
  if (priors.length !== K) throw new RangeError(`expected ${K} training priors, got ${priors.length}`);
  let s = 0;
  for (let k = 0; k < K; k++) {
    if (!(Number.isFinite(priors[k]) && priors[k] >= 0)) throw new RangeError(`training prior ${k} must be a finite number ≥ 0, got ${priors[k]}`);
    s += priors[k];
  }
  if (!(s > 0)) throw new RangeError('training priors sum to 0');
  return Float64Array.from({ length: K }, (_, k) => priors[k] / s);
}

/** Class frequencies of integer labels, optionally weighted (the priors a model was trained under). */
export function classPriors(y: ArrayLike<number>, K: number, weights?: ArrayLike<number>): Float64Array {
  const out = new Float64Array(K);
  for (let i = 0; i < y.length; i++) out[y[i]] += weights ? weights[i] : 1;
  const s = out.reduce((a, b) => a + b, 0);
  if (s > 0) for (let k = 0; k < K; k++) out[k] /= s;
  return out;
}
