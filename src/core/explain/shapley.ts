/**
 * Shapley values of one class probability over a model's input features, "interventional" form:
 * the value of a coalition S is the mean prediction over a background sample when the features in
 * S take the explained track's values and the others keep each background row's values.
 *
 * With d ≤ maxExactFeatures (13 by default → at most 8,192 coalitions) every coalition is evaluated
 * and the values are exact. Above that, random permutations (antithetic pairs) are sampled and the
 * result says so (`exact: false`). Either way the attributions add up to prediction − baseline up to
 * rounding, because every permutation's marginal contributions telescope to v(N) − v(∅).
 */
import { matrix, type Matrix } from '../common/matrix.ts';
import { createRng, shuffleInPlace } from '../common/random.ts';
import type { MoodTagger } from '../classify/mood-model.ts';

/** Probabilities (rows × classes) for raw feature rows. */
export type ProbaFn = (X: Matrix) => Matrix;

/** The part of a MoodTagger explanations need. */
export type ExplainableModel = Pick<MoodTagger, 'classes' | 'inputFeatures' | 'predictProbaRaw'>;

export interface ShapleyOptions {
  /** Class whose probability is explained. Default: the class predicted for x. */
  classIndex?: number;
  /** Largest feature count explained exactly (2^d coalitions). Default 13. */
  maxExactFeatures?: number;
  /** Permutations sampled above maxExactFeatures (rounded up to an even number). Default 256. */
  permutations?: number;
  seed?: number;
  /** Rows per model call when evaluating coalitions. Default 65,536. */
  batchRows?: number;
}

export interface ShapleyResult {
  classIndex: number;
  /** Attribution per feature, in the model's feature order. */
  values: Float64Array;
  /** Mean predicted probability of the class over the background (v(∅)). */
  baseline: number;
  /** Predicted probability of the class for the explained row (v(N)). */
  prediction: number;
  /** True when every coalition was evaluated; false when permutations were sampled. */
  exact: boolean;
  /** Coalitions evaluated (each costs one model call per background row). */
  coalitions: number;
  /** Permutations sampled (0 when exact). */
  permutations: number;
}

export const SHAPLEY_DEFAULTS = { maxExactFeatures: 13, permutations: 256, seed: 0, batchRows: 65536 } as const;

/** Shapley values of `predict(x)[classIndex]` against `background` (rows × d). */
export function shapleyValues(predict: ProbaFn, x: ArrayLike<number>, background: Matrix, options: ShapleyOptions = {}): ShapleyResult {
  const d = background.cols;
  if (x.length !== d) throw new RangeError(`shapley: row has ${x.length} values, background has ${d} columns`);
  if (background.rows < 1) throw new RangeError('shapley: the background sample is empty');
  const maxExact = options.maxExactFeatures ?? SHAPLEY_DEFAULTS.maxExactFeatures;
  const batchRows = Math.max(background.rows, options.batchRows ?? SHAPLEY_DEFAULTS.batchRows);

  const xRow = matrix(1, d, Float64Array.from(x));
  const p = predict(xRow);
  let classIndex = options.classIndex ?? -1;
  if (classIndex < 0) {
    classIndex = 0;
    for (let j = 1; j < p.cols; j++) if (p.data[j] > p.data[classIndex]) classIndex = j;
  }
  if (classIndex >= p.cols) throw new RangeError(`shapley: class ${classIndex} out of range (model has ${p.cols})`);

  // Coalition value: mean of f_c over background rows with the members of S set to x.
  const evaluate = (coalitions: Uint8Array[]): Float64Array => {
    const out = new Float64Array(coalitions.length);
    const B = background.rows;
    const perBatch = Math.max(1, Math.floor(batchRows / B));
    for (let start = 0; start < coalitions.length; start += perBatch) {
      const end = Math.min(coalitions.length, start + perBatch);
      const X = matrix((end - start) * B, d);
      for (let s = start; s < end; s++) {
        const member = coalitions[s];
        const base = (s - start) * B * d;
        X.data.set(background.data, base);
        for (let j = 0; j < d; j++) {
          if (!member[j]) continue;
          const xj = x[j];
          for (let b = 0; b < B; b++) X.data[base + b * d + j] = xj;
        }
      }
      const P = predict(X);
      for (let s = start; s < end; s++) {
        let sum = 0;
        const base = (s - start) * B;
        for (let b = 0; b < B; b++) sum += P.data[(base + b) * P.cols + classIndex];
        out[s] = sum / B;
      }
    }
    return out;
  };

  const values = new Float64Array(d);
  if (d <= maxExact) {
    const n = 1 << d;
    const coalitions: Uint8Array[] = [];
    for (let mask = 0; mask < n; mask++) {
      const m = new Uint8Array(d);
      for (let j = 0; j < d; j++) m[j] = (mask >> j) & 1;
      coalitions.push(m);
    }
    const v = evaluate(coalitions);
    // weight(s) = s! (d − s − 1)! / d!
    const weight = new Float64Array(d);
    for (let s = 0; s < d; s++) weight[s] = 1 / (d * binomial(d - 1, s));
    const size = new Uint8Array(n);
    for (let mask = 1; mask < n; mask++) size[mask] = size[mask >> 1] + (mask & 1);
    for (let i = 0; i < d; i++) {
      const bit = 1 << i;
      let phi = 0;
      for (let mask = 0; mask < n; mask++) {
        if (mask & bit) continue;
        phi += weight[size[mask]] * (v[mask | bit] - v[mask]);
      }
      values[i] = phi;
    }
    return { classIndex, values, baseline: v[0], prediction: v[n - 1], exact: true, coalitions: n, permutations: 0 };
  }

  const half = Math.max(1, Math.ceil((options.permutations ?? SHAPLEY_DEFAULTS.permutations) / 2));
  const rng = createRng(options.seed ?? SHAPLEY_DEFAULTS.seed);
  const orders: Int32Array[] = [];
  for (let k = 0; k < half; k++) {
    const perm = shuffleInPlace(Int32Array.from({ length: d }, (_, i) => i), rng);
    orders.push(perm, perm.slice().reverse());
  }
  // Collect the distinct coalitions the permutations walk through, evaluate them once, then sum.
  const index = new Map<string, number>();
  const coalitions: Uint8Array[] = [];
  const keyOf = (m: Uint8Array): string => {
    let s = '';
    for (let j = 0; j < d; j++) s += m[j] ? '1' : '0';
    return s;
  };
  const walk: number[][] = [];
  for (const order of orders) {
    const m = new Uint8Array(d);
    const ids: number[] = [];
    for (let step = 0; step <= d; step++) {
      if (step > 0) m[order[step - 1]] = 1;
      const key = keyOf(m);
      let id = index.get(key);
      if (id === undefined) {
        id = coalitions.length;
        index.set(key, id);
        coalitions.push(m.slice());
      }
      ids.push(id);
    }
    walk.push(ids);
  }
  const v = evaluate(coalitions);
  for (let k = 0; k < orders.length; k++) {
    const ids = walk[k];
    for (let step = 1; step <= d; step++) values[orders[k][step - 1]] += v[ids[step]] - v[ids[step - 1]];
  }
  for (let j = 0; j < d; j++) values[j] /= orders.length;
  const empty = walk[0][0];
  const full = walk[0][d];
  return { classIndex, values, baseline: v[empty], prediction: v[full], exact: false, coalitions: coalitions.length, permutations: orders.length };
}

function binomial(n: number, k: number): number {
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return r;
}

/** A deterministic sample of at most `size` rows (all rows when there are fewer). */
export function backgroundSample(X: Matrix, size: number, seed = 0): Matrix {
  if (X.rows <= size) return X;
  const idx = shuffleInPlace(Int32Array.from({ length: X.rows }, (_, i) => i), createRng(seed)).subarray(0, size);
  const sorted = Int32Array.from(idx).sort();
  const out = matrix(size, X.cols);
  for (let r = 0; r < size; r++) out.data.set(X.data.subarray(sorted[r] * X.cols, (sorted[r] + 1) * X.cols), r * X.cols);
  return out;
}

export interface FeatureContribution {
  feature: string;
  /** The track's raw value of the feature. */
  value: number;
  /** Shapley value: change in the mood's probability this feature accounts for. */
  shap: number;
}

export interface TrackExplanation {
  trackId?: string;
  mood: string;
  classIndex: number;
  probability: number;
  /** Mean probability of this mood over the background sample. */
  baseline: number;
  /** In the model's feature order. */
  contributions: FeatureContribution[];
  exact: boolean;
  coalitions: number;
  permutations: number;
  backgroundRows: number;
}

/** Explains the predicted mood of one raw feature row (laid out in model.inputFeatures order). */
export function explainTrack(
  model: ExplainableModel,
  x: ArrayLike<number>,
  background: Matrix,
  options: ShapleyOptions & { trackId?: string } = {},
): TrackExplanation {
  const r = shapleyValues((X) => model.predictProbaRaw(X), x, background, options);
  return {
    trackId: options.trackId,
    mood: model.classes[r.classIndex],
    classIndex: r.classIndex,
    probability: r.prediction,
    baseline: r.baseline,
    contributions: model.inputFeatures.map((feature, j) => ({ feature, value: x[j], shap: r.values[j] })),
    exact: r.exact,
    coalitions: r.coalitions,
    permutations: r.permutations,
    backgroundRows: background.rows,
  };
}
