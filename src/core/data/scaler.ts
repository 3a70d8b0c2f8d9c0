/**
 * Feature scaling: StandardScaler (z-scores with the population standard deviation, like
 * sklearn's `StandardScaler`, ddof = 0) and MinMaxScaler (to a [min, max] feature range).
 * A constant column gets scale 1 (sklearn's `_handle_zeros_in_scale`), so it maps to 0 / min
 * instead of NaN.
 */
import { assertWidth, matrix, type Matrix } from '../common/matrix.ts';
import { readState, type ModelState } from '../classify/model-state.ts';
import { booleanCheck, finite, resolveOptions } from '../common/options.ts';

// ---- StandardScaler --------------------------------------------------------------------------

export interface StandardScalerOptions {
  /** Subtract the column mean (sklearn with_mean). */
  withMean: boolean;
  /** Divide by the population std (sklearn with_std). */
  withStd: boolean;
}

export const STANDARD_SCALER_DEFAULTS: StandardScalerOptions = { withMean: true, withStd: true };


const STANDARD_SCALER_CHECKS = { withMean: booleanCheck, withStd: booleanCheck };

export class StandardScaler {
  readonly options: Partial<StandardScalerOptions>;
  constructor(options: Partial<StandardScalerOptions> = {}) {
    this.options = { ...options };
  }

  fit(X: Matrix): FittedStandardScaler {
    const o = resolveOptions(STANDARD_SCALER_DEFAULTS, this.options, STANDARD_SCALER_CHECKS, 'StandardScaler');
    if (X.rows < 1) throw new RangeError('StandardScaler: cannot fit on 0 rows');
    const { mean, variance } = columnMeanVariance(X);
    const d = X.cols;
    const scale = new Float64Array(d);
    for (let j = 0; j < d; j++) {
      const s = Math.sqrt(variance[j]);
      // sklearn treats scales below 10·eps·|mean|-ish as zero; a plain "tiny" guard does the same job here.
      scale[j] = o.withStd && s > 1e-12 * Math.max(1, Math.abs(mean[j])) ? s : 1;
    }
    if (!o.withMean) mean.fill(0);
    return new FittedStandardScaler(o, d, mean, scale, variance);
  }
}

export class FittedStandardScaler {
  constructor(
    readonly options: StandardScalerOptions,
    readonly nFeatures: number,
    /** Subtracted per column (zeros when withMean is false). */
    readonly mean: Float64Array,
    /** Divided per column (ones when withStd is false; 1 for zero-variance columns). */
    readonly scale: Float64Array,
    /** Population variance of each column seen in fit. */
    readonly variance: Float64Array,
  ) {}

  transform(X: Matrix): Matrix {
    assertWidth(X, this.nFeatures, 'StandardScaler');
    return affine(X, this.mean, this.scale, 0, false);
  }

  inverseTransform(X: Matrix): Matrix {
    assertWidth(X, this.nFeatures, 'StandardScaler');
    return affine(X, this.mean, this.scale, 0, true);
  }

  toState(): ModelState {
    return {
      kind: 'standard-scaler',
      formatVersion: 1,
      config: { options: { ...this.options }, nFeatures: this.nFeatures },
      arrays: { mean: Float64Array.from(this.mean), scale: Float64Array.from(this.scale), variance: Float64Array.from(this.variance) },
    };
  }

  static fromState(s: ModelState): FittedStandardScaler {
    const r = readState(s, 'standard-scaler', 1);
    const options = r.options<StandardScalerOptions>((p) => resolveOptions(STANDARD_SCALER_DEFAULTS, p, STANDARD_SCALER_CHECKS, 'StandardScaler'));
    const nFeatures = r.int('nFeatures', 1);
    const mean = Float64Array.from(r.array('mean', 'float64', nFeatures));
    const scale = Float64Array.from(r.array('scale', 'float64', nFeatures));
    const variance = Float64Array.from(r.array('variance', 'float64', nFeatures));
    return new FittedStandardScaler(options, nFeatures, mean, scale, variance);
  }
}

// ---- MinMaxScaler ----------------------------------------------------------------------------

export interface MinMaxScalerOptions {
  /** Target range of each feature (sklearn feature_range). */
  min: number;
  max: number;
}

export const MINMAX_SCALER_DEFAULTS: MinMaxScalerOptions = { min: 0, max: 1 };

const MINMAX_SCALER_CHECKS = { min: finite(), max: finite() };

export class MinMaxScaler {
  readonly options: Partial<MinMaxScalerOptions>;
  constructor(options: Partial<MinMaxScalerOptions> = {}) {
    this.options = { ...options };
  }

  fit(X: Matrix): FittedMinMaxScaler {
    const o = resolveOptions(MINMAX_SCALER_DEFAULTS, this.options, MINMAX_SCALER_CHECKS, 'MinMaxScaler');
    if (!(o.max > o.min)) throw new RangeError(`MinMaxScaler: option "max" must be > min (${o.min}), got ${o.max}`);
    if (X.rows < 1) throw new RangeError('MinMaxScaler: cannot fit on 0 rows');
    const d = X.cols, n = X.rows, x = X.data;
    const dataMin = new Float64Array(d).fill(Infinity);
    const dataMax = new Float64Array(d).fill(-Infinity);
    for (let i = 0; i < n; i++) {
      const o2 = i * d;
      for (let j = 0; j < d; j++) {
        const v = x[o2 + j];
        if (v < dataMin[j]) dataMin[j] = v;
        if (v > dataMax[j]) dataMax[j] = v;
      }
    }
    // x' = (x - dataMin) / range * (max - min) + min, written as (x - offset) / scale + min.
    const scale = new Float64Array(d);
    for (let j = 0; j < d; j++) {
      const range = dataMax[j] - dataMin[j];
      scale[j] = (range > 0 ? range : 1) / (o.max - o.min);
    }
    return new FittedMinMaxScaler(o, d, dataMin, dataMax, scale);
  }
}

export class FittedMinMaxScaler {
  constructor(
    readonly options: MinMaxScalerOptions,
    readonly nFeatures: number,
    readonly dataMin: Float64Array,
    readonly dataMax: Float64Array,
    /** Data units per output unit (range / (max − min); a constant column uses range 1). */
    readonly scale: Float64Array,
  ) {}

  transform(X: Matrix): Matrix {
    assertWidth(X, this.nFeatures, 'MinMaxScaler');
    return affine(X, this.dataMin, this.scale, this.options.min, false);
  }

  inverseTransform(X: Matrix): Matrix {
    assertWidth(X, this.nFeatures, 'MinMaxScaler');
    return affine(X, this.dataMin, this.scale, this.options.min, true);
  }

  toState(): ModelState {
    return {
      kind: 'minmax-scaler',
      formatVersion: 1,
      config: { options: { ...this.options }, nFeatures: this.nFeatures },
      arrays: { dataMin: Float64Array.from(this.dataMin), dataMax: Float64Array.from(this.dataMax), scale: Float64Array.from(this.scale) },
    };
  }

  static fromState(s: ModelState): FittedMinMaxScaler {
    const r = readState(s, 'minmax-scaler', 1);
    const options = r.options<MinMaxScalerOptions>((p) => resolveOptions(MINMAX_SCALER_DEFAULTS, p, MINMAX_SCALER_CHECKS, 'MinMaxScaler'));
    const nFeatures = r.int('nFeatures', 1);
    const dataMin = Float64Array.from(r.array('dataMin', 'float64', nFeatures));
    const dataMax = Float64Array.from(r.array('dataMax', 'float64', nFeatures));
    const scale = Float64Array.from(r.array('scale', 'float64', nFeatures));
    return new FittedMinMaxScaler(options, nFeatures, dataMin, dataMax, scale);
  }
}

// ---- shared kernels --------------------------------------------------------------------------

/** Column means and population variances (two-pass for accuracy). */
export function columnMeanVariance(X: Matrix): { mean: Float64Array; variance: Float64Array } {
  const n = X.rows, d = X.cols, x = X.data;
  const mean = new Float64Array(d);
  const variance = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    const o = i * d;
    for (let j = 0; j < d; j++) mean[j] += x[o + j];
  }
  for (let j = 0; j < d; j++) mean[j] /= n;
  for (let i = 0; i < n; i++) {
    const o = i * d;
    for (let j = 0; j < d; j++) {
      const t = x[o + j] - mean[j];
      variance[j] += t * t;
    }
  }
  for (let j = 0; j < d; j++) variance[j] /= n;
  return { mean, variance };
}

/** forward: (x − offset) / scale + shift;  inverse: (x − shift) · scale + offset. */
function affine(X: Matrix, offset: Float64Array, scale: Float64Array, shift: number, inverse: boolean): Matrix {
  const n = X.rows, d = X.cols, x = X.data;
  const out = matrix(n, d);
  const y = out.data;
  for (let i = 0; i < n; i++) {
    const o = i * d;
    if (inverse) for (let j = 0; j < d; j++) y[o + j] = (x[o + j] - shift) * scale[j] + offset[j];
    else for (let j = 0; j < d; j++) y[o + j] = (x[o + j] - offset[j]) / scale[j] + shift;
  }
  return out;
}
