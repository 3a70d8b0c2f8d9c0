/**
 * Gaussian mixture fitted by EM, following sklearn's `mixture/_gaussian_mixture.py`:
 *
 * - Init (`init_params='kmeans'`): hard responsibilities from a K-Means fit (one k-means++
 *   restart) on the same seeded generator; parameters from those by one M-step.
 * - E-step: log N(x | μ, Σ) through the Cholesky factor L of Σ (solve L z = x − μ;
 *   log N = −½(d·log 2π + |z|²) − Σ log L_jj), weighted and normalised with log-sum-exp.
 * - M-step: N_k = Σ r_ik + 10·ε; μ_k = Σ r_ik x_i / N_k; Σ_k = Σ r_ik (x_i − μ_k)(x_i − μ_k)ᵀ / N_k
 *   + regCovar·I ('full'), or its diagonal ('diag'); weights N_k / n.
 * - Stop when the mean log-likelihood per sample (sklearn's lower bound, computed in the E-step)
 *   changes by less than `tol`, or after `maxIter` iterations. With `nInit` > 1 the run with the
 *   highest final lower bound is kept.
 * - Reported likelihood, BIC and AIC are sklearn's `score`, `bic`, `aic` on the training data:
 *   the fitted parameters (after the last M-step) evaluated once more.
 *   Free parameters: k·d means + (k − 1) weights + k·d(d+1)/2 ('full') or k·d ('diag') covariances.
 */
import { assertWidth, matrix, type Matrix } from '../common/matrix.ts';
import { readState, type ModelState } from '../classify/model-state.ts';
import { assertFiniteMatrix, finite, integer, oneOf, resolveOptions, seedCheck } from '../common/options.ts';
import { createRng } from '../common/random.ts';
import { DEFAULT_KERNELS, kernelsCheck, savedOptions, type Kernels } from '../common/kernels.ts';
import { KMEANS_DEFAULTS, kmeansFit } from './kmeans.ts';
import { addPartials, gmmPassesInline, logDensities, type CovarianceType, type GmmPassRunner, type GmmRunnerFactory } from './gmm-passes.ts';

export type { CovarianceType } from './gmm-passes.ts';

export interface GMMOptions {
  /** Number of mixture components. */
  k: number;
  covarianceType: CovarianceType;
  /** Stop when the mean log-likelihood per sample changes by less than this. */
  tol: number;
  /** Added to the covariance diagonals, keeping them positive definite. */
  regCovar: number;
  maxIter: number;
  /** EM runs from different K-Means initialisations; the best lower bound wins. */
  nInit: number;
  seed: number;
  /** 'wasm': full-covariance passes on the WebAssembly SIMD kernels of wasm/gmm-kernel.ts where available; 'ts': TypeScript only (bit-identical). */
  kernels: Kernels;
}

export const GMM_DEFAULTS: GMMOptions = {
  k: 4,
  covarianceType: 'full',
  tol: 1e-3,
  regCovar: 1e-6,
  maxIter: 100,
  nInit: 1,
  seed: 0,
  kernels: DEFAULT_KERNELS,
};

const GMM_CHECKS = {
  k: integer(1),
  covarianceType: oneOf<CovarianceType>(['full', 'diag']),
  tol: finite({ min: 0 }),
  regCovar: finite({ min: 0 }),
  maxIter: integer(1),
  nInit: integer(1),
  seed: seedCheck,
  kernels: kernelsCheck,
};

export function resolveGMMOptions(partial?: Partial<GMMOptions>): GMMOptions {
  return resolveOptions(GMM_DEFAULTS, partial, GMM_CHECKS, 'GaussianMixture');
}

const LOG_2PI = Math.log(2 * Math.PI);
const EPS10 = 10 * Number.EPSILON;

export class GaussianMixture {
  readonly options: Partial<GMMOptions>;
  constructor(options: Partial<GMMOptions> = {}) {
    this.options = { ...options };
  }

  /**
   * `passes` decides where EM's row passes run (e.g. on worker threads); the result does not
   * depend on it (see gmm-passes.ts).
   */
  fit(X: Matrix, passes: GmmRunnerFactory = gmmPassesInline): FittedGaussianMixture {
    const o = resolveGMMOptions(this.options);
    if (X.rows < o.k) throw new RangeError(`GaussianMixture: option "k" must be ≤ the number of rows (${X.rows}), got ${o.k}`);
    if (X.cols < 1) throw new RangeError('GaussianMixture: input has no columns');
    assertFiniteMatrix(X, 'GaussianMixture');
    const n = X.rows, d = X.cols, k = o.k;
    const rng = createRng(o.seed);
    const runner = passes(X, k);
    try {
      const resp = runner.resp;
      let best: { params: Params; lowerBound: number; converged: boolean; nIter: number } | null = null;
      for (let run = 0; run < o.nInit; run++) {
        const km = kmeansFit(X, { ...KMEANS_DEFAULTS, k, nInit: 1, kernels: o.kernels }, rng);
        resp.fill(0);
        for (let i = 0; i < n; i++) resp[i * k + km.labels[i]] = 1;
        let params = mStep(runner, k, d, o.covarianceType, o.regCovar, o.kernels);
        let lowerBound = -Infinity;
        let converged = false;
        let it = 0;
        while (it < o.maxIter) {
          it++;
          const prev = lowerBound;
          lowerBound = eStep(runner, params) / n;
          params = mStep(runner, k, d, o.covarianceType, o.regCovar, o.kernels);
          if (Math.abs(lowerBound - prev) < o.tol) { converged = true; break; }
        }
        if (best === null || lowerBound > best.lowerBound) best = { params, lowerBound, converged, nIter: it };
      }
      const { params, lowerBound, converged, nIter } = best!;
      const total = eStep(runner, params);
      return new FittedGaussianMixture(o, d, params.weights, matrix(k, d, params.means), params.covariances, {
        logLikelihood: { total, mean: total / n },
        lowerBound,
        converged,
        nIter,
        nSamples: n,
      });
    } finally {
      runner.close();
    }
  }
}

export interface GMMFitInfo {
  /** Log-likelihood of the training data under the fitted model: total and mean per row. */
  logLikelihood: { total: number; mean: number };
  /** Mean log-likelihood per row at the last E-step (sklearn's lower_bound_). */
  lowerBound: number;
  converged: boolean;
  nIter: number;
  nSamples: number;
}

export class FittedGaussianMixture {
  /** 'full': k × d × d Cholesky factors (lower); 'diag': k × d standard deviations. */
  private readonly chol: Float64Array;
  /** log weight + log-determinant term per component. */
  private readonly logConst: Float64Array;

  constructor(
    readonly options: GMMOptions,
    readonly nFeatures: number,
    /** k mixing weights, summing to 1. */
    readonly weights: Float64Array,
    /** k × d. */
    readonly means: Matrix,
    /** 'full': k × d × d row-major covariance matrices; 'diag': k × d variances. */
    readonly covariances: Float64Array,
    readonly fitInfo: GMMFitInfo,
  ) {
    const f = factorise(covariances, options.k, nFeatures, options.covarianceType);
    this.chol = f.chol;
    this.logConst = new Float64Array(options.k);
    for (let c = 0; c < options.k; c++) this.logConst[c] = Math.log(weights[c]) - f.halfLogDet[c] - 0.5 * nFeatures * LOG_2PI;
  }

  get k(): number {
    return this.options.k;
  }
  get converged(): boolean {
    return this.fitInfo.converged;
  }
  get nIter(): number {
    return this.fitInfo.nIter;
  }
  get logLikelihood(): { total: number; mean: number } {
    return this.fitInfo.logLikelihood;
  }

  /** Free parameters, counted as sklearn's `_n_parameters`. */
  get nParameters(): number {
    const { k } = this.options, d = this.nFeatures;
    const cov = this.options.covarianceType === 'full' ? (k * d * (d + 1)) / 2 : k * d;
    return cov + k * d + k - 1;
  }

  /** BIC on the training data: −2·logL + p·ln n (lower is better). */
  get bic(): number {
    return -2 * this.fitInfo.logLikelihood.total + this.nParameters * Math.log(this.fitInfo.nSamples);
  }

  /** AIC on the training data: −2·logL + 2p. */
  get aic(): number {
    return -2 * this.fitInfo.logLikelihood.total + 2 * this.nParameters;
  }

  /** Log-density of each row under the mixture. */
  scoreSamples(X: Matrix): Float64Array {
    assertWidth(X, this.nFeatures, 'GaussianMixture');
    const out = new Float64Array(X.rows);
    logDensities(X, this.means.data, this.chol, this.logConst, this.options.covarianceType, this.options.kernels, null, out);
    return out;
  }

  /** Mean log-likelihood per row (sklearn's `score`). */
  score(X: Matrix): number {
    const s = this.scoreSamples(X);
    let t = 0;
    for (let i = 0; i < s.length; i++) t += s[i];
    return t / s.length;
  }

  /** n × k posterior membership probabilities (rows sum to 1). */
  predictProba(X: Matrix): Matrix {
    assertWidth(X, this.nFeatures, 'GaussianMixture');
    const out = matrix(X.rows, this.options.k);
    logDensities(X, this.means.data, this.chol, this.logConst, this.options.covarianceType, this.options.kernels, out.data, null);
    return out;
  }

  /** Most probable component of each row. */
  predict(X: Matrix): Int32Array {
    const p = this.predictProba(X);
    const k = this.options.k;
    const labels = new Int32Array(X.rows);
    for (let i = 0; i < X.rows; i++) {
      let b = 0;
      for (let c = 1; c < k; c++) if (p.data[i * k + c] > p.data[i * k + b]) b = c;
      labels[i] = b;
    }
    return labels;
  }

  toState(): ModelState {
    return {
      kind: 'gmm',
      formatVersion: 1,
      config: { options: savedOptions(this.options), nFeatures: this.nFeatures, fitInfo: structuredClone(this.fitInfo) },
      arrays: {
        weights: Float64Array.from(this.weights),
        means: Float64Array.from(this.means.data),
        covariances: Float64Array.from(this.covariances),
      },
    };
  }

  static fromState(s: ModelState): FittedGaussianMixture {
    const r = readState(s, 'gmm', 1);
    const o = r.options(resolveGMMOptions);
    const d = r.int('nFeatures', 1);
    const weights = Float64Array.from(r.array('weights', 'float64', o.k));
    const means = Float64Array.from(r.array('means', 'float64', o.k * d));
    const cov = Float64Array.from(r.array('covariances', 'float64', o.covarianceType === 'full' ? o.k * d * d : o.k * d));
    const f = r.object('fitInfo'), ll = f.object('logLikelihood');
    const fitInfo: GMMFitInfo = {
      logLikelihood: { total: ll.number('total'), mean: ll.number('mean') },
      lowerBound: f.number('lowerBound'),
      converged: f.boolean('converged'),
      nIter: f.int('nIter', 0),
      nSamples: f.int('nSamples', 1),
    };
    return new FittedGaussianMixture(o, d, weights, matrix(o.k, d, means), cov, fitInfo);
  }
}

// ---- kernels ---------------------------------------------------------------------------------

interface Params {
  weights: Float64Array;
  means: Float64Array;
  covariances: Float64Array;
  chol: Float64Array;
  logConst: Float64Array;
  type: CovarianceType;
  kernels: Kernels;
}

/** Cholesky factors ('full') or standard deviations ('diag') and ½·log|Σ| per component. */
function factorise(cov: Float64Array, k: number, d: number, type: CovarianceType): { chol: Float64Array; halfLogDet: Float64Array } {
  const halfLogDet = new Float64Array(k);
  if (type === 'diag') {
    const chol = new Float64Array(k * d);
    for (let t = 0; t < k * d; t++) {
      if (!(cov[t] > 0)) throw illDefined();
      chol[t] = Math.sqrt(cov[t]);
    }
    for (let c = 0; c < k; c++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += Math.log(chol[c * d + j]);
      halfLogDet[c] = s;
    }
    return { chol, halfLogDet };
  }
  const chol = new Float64Array(k * d * d);
  for (let c = 0; c < k; c++) {
    const o = c * d * d;
    for (let i = 0; i < d; i++) {
      for (let j = 0; j <= i; j++) {
        let s = cov[o + i * d + j];
        for (let t = 0; t < j; t++) s -= chol[o + i * d + t] * chol[o + j * d + t];
        if (i === j) {
          if (!(s > 0)) throw illDefined();
          chol[o + i * d + i] = Math.sqrt(s);
        } else {
          chol[o + i * d + j] = s / chol[o + j * d + j];
        }
      }
    }
    let s = 0;
    for (let i = 0; i < d; i++) s += Math.log(chol[o + i * d + i]);
    halfLogDet[c] = s;
  }
  return { chol, halfLogDet };
}

function illDefined(): Error {
  return new RangeError(
    'GaussianMixture: a component has an ill-defined (not positive definite) covariance; ' +
      'try fewer components, scaled input, or a larger regCovar',
  );
}

/** E-step: responsibilities into the runner's `resp`; returns the total log-likelihood. */
function eStep(runner: GmmPassRunner, p: Params): number {
  const parts = runner.run({ kind: 'estep', means: p.means, chol: p.chol, logConst: p.logConst, type: p.type, kernels: p.kernels });
  let total = 0;
  for (const part of parts) total += part[0];
  return total;
}

/** M-step from the runner's responsibilities: means first, then the scatter around them. */
function mStep(runner: GmmPassRunner, k: number, d: number, type: CovarianceType, reg: number, kernels: Kernels): Params {
  const n = runner.X.rows;
  const stats = addPartials(runner.run({ kind: 'stats', k }));
  const nk = stats.subarray(0, k);
  const means = stats.slice(k);
  for (let c = 0; c < k; c++) {
    nk[c] += EPS10;
    for (let j = 0; j < d; j++) means[c * d + j] /= nk[c];
  }
  const covariances = addPartials(runner.run({ kind: 'scatter', k, means, type, kernels }));
  if (type === 'full') {
    const dd = d * d;
    for (let c = 0; c < k; c++) {
      const co = c * dd;
      for (let a = 0; a < d; a++) {
        for (let b = 0; b <= a; b++) {
          const v = covariances[co + a * d + b] / nk[c];
          covariances[co + a * d + b] = v;
          covariances[co + b * d + a] = v;
        }
        covariances[co + a * d + a] += reg;
      }
    }
  } else {
    for (let c = 0; c < k; c++) for (let j = 0; j < d; j++) covariances[c * d + j] = covariances[c * d + j] / nk[c] + reg;
  }
  const weights = new Float64Array(k);
  for (let c = 0; c < k; c++) weights[c] = nk[c] / n;
  const f = factorise(covariances, k, d, type);
  const logConst = new Float64Array(k);
  for (let c = 0; c < k; c++) logConst[c] = Math.log(weights[c]) - f.halfLogDet[c] - 0.5 * d * LOG_2PI;
  return { weights, means, covariances, chol: f.chol, logConst, type, kernels };
}
