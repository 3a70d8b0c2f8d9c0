/**
 * Global feature importance, four ways, side by side:
 *  - mean |Shapley| over explained tracks (how much each feature moves a track's mood probability);
 *  - permutation importance (accuracy lost when a feature's column is shuffled);
 *  - the original notebook's two methods, given as plain inputs: mean |coefficient| of a logistic
 *    regression fitted to K-Means labels on standardised features, and the spread of the GMM
 *    centroids per feature (standard deviation of the centroid coordinates, in scaled units);
 * and a sentence saying where they disagree.
 */
import { matrix, type Matrix } from '../common/matrix.ts';
import { createRng, shuffleInPlace } from '../common/random.ts';
import type { ProbaFn } from './shapley.ts';

export interface ImportanceMethod {
  /** Short id, e.g. 'shap'. */
  id: string;
  /** Human label, e.g. 'mean |Shapley|'. */
  label: string;
  /** One value per feature, in GlobalImportance.features order (larger = more important). */
  values: number[];
  /** Optional spread per feature (e.g. std over permutation repeats). */
  spread?: number[];
  /** What the number means, with its unit. */
  unit: string;
}

export interface GlobalImportance {
  features: string[];
  methods: ImportanceMethod[];
  /** Plain-language summary of where the methods agree and disagree. */
  summary: string;
}

/** Mean |φ| per feature over a set of explanations (each `values` in the same feature order). */
export function meanAbsShapley(explanations: readonly { values: ArrayLike<number> }[], nFeatures: number): number[] {
  const out = new Array<number>(nFeatures).fill(0);
  for (const e of explanations) for (let j = 0; j < nFeatures; j++) out[j] += Math.abs(e.values[j]);
  return out.map((v) => (explanations.length ? v / explanations.length : 0));
}

export interface PermutationImportance {
  baselineAccuracy: number;
  /** Mean accuracy drop per feature. */
  mean: number[];
  std: number[];
}

/** Accuracy drop when each column of X is shuffled (`repeats` times, seeded). */
export function permutationImportance(
  predict: ProbaFn,
  X: Matrix,
  y: ArrayLike<number>,
  options: { repeats?: number; seed?: number } = {},
): PermutationImportance {
  const repeats = options.repeats ?? 5;
  const rng = createRng(options.seed ?? 0);
  const acc = (M: Matrix): number => {
    const P = predict(M);
    let ok = 0;
    for (let i = 0; i < P.rows; i++) {
      let best = 0;
      for (let c = 1; c < P.cols; c++) if (P.data[i * P.cols + c] > P.data[i * P.cols + best]) best = c;
      if (best === y[i]) ok++;
    }
    return P.rows ? ok / P.rows : 0;
  };
  const baselineAccuracy = acc(X);
  const mean: number[] = [];
  const std: number[] = [];
  for (let j = 0; j < X.cols; j++) {
    const drops: number[] = [];
    for (let r = 0; r < repeats; r++) {
      const M = matrix(X.rows, X.cols, X.data.slice());
      const perm = shuffleInPlace(Int32Array.from({ length: X.rows }, (_, i) => i), rng);
      for (let i = 0; i < X.rows; i++) M.data[i * X.cols + j] = X.data[perm[i] * X.cols + j];
      drops.push(baselineAccuracy - acc(M));
    }
    const m = drops.reduce((a, b) => a + b, 0) / repeats;
    mean.push(m);
    std.push(Math.sqrt(drops.reduce((a, b) => a + (b - m) ** 2, 0) / repeats));
  }
  return { baselineAccuracy, mean, std };
}

/** Mean |coefficient| per feature of a (multinomial or one-vs-rest) logistic regression: coef is classes × features. */
export function logregCoefficientImportance(coef: readonly (readonly number[])[]): number[] {
  if (coef.length === 0) return [];
  const d = coef[0].length;
  const out = new Array<number>(d).fill(0);
  for (const row of coef) for (let j = 0; j < d; j++) out[j] += Math.abs(row[j]);
  return out.map((v) => v / coef.length);
}

/**
 * Spread of cluster centroids per feature: the standard deviation of the k centroid coordinates,
 * divided by `scale[j]` when given (e.g. the feature's std, so the spread is in standard deviations).
 */
export function centroidSpreadImportance(centroids: readonly (readonly number[])[], scale?: ArrayLike<number>): number[] {
  if (centroids.length === 0) return [];
  const d = centroids[0].length;
  const out: number[] = [];
  for (let j = 0; j < d; j++) {
    const col = centroids.map((c) => c[j]);
    const m = col.reduce((a, b) => a + b, 0) / col.length;
    const s = Math.sqrt(col.reduce((a, b) => a + (b - m) ** 2, 0) / col.length);
    out.push(scale && scale[j] > 0 ? s / scale[j] : s);
  }
  return out;
}

/** Ranks (1 = most important); ties share the smaller rank order by index. */
export function ranks(values: readonly number[]): number[] {
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  const r = new Array<number>(values.length);
  order.forEach(([, i], k) => (r[i] = k + 1));
  return r;
}

export function spearman(a: readonly number[], b: readonly number[]): number {
  const n = a.length;
  if (n < 2) return 1;
  const ra = ranks(a), rb = ranks(b);
  let s = 0;
  for (let i = 0; i < n; i++) s += (ra[i] - rb[i]) ** 2;
  return 1 - (6 * s) / (n * (n * n - 1));
}

const ordinal = (n: number): string => {
  const s = n % 100 >= 11 && n % 100 <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${s}`;
};

/** Bundles the methods (in any order) and writes the agreement/disagreement sentence. */
export function compareImportance(features: readonly string[], methods: readonly ImportanceMethod[]): GlobalImportance {
  for (const m of methods) {
    if (m.values.length !== features.length) throw new RangeError(`importance "${m.id}" has ${m.values.length} values for ${features.length} features`);
  }
  return { features: [...features], methods: methods.map((m) => ({ ...m, values: [...m.values] })), summary: describeDisagreement(features, methods) };
}

export function describeDisagreement(features: readonly string[], methods: readonly ImportanceMethod[]): string {
  if (methods.length === 0 || features.length === 0) return 'No importance method was computed.';
  const rk = methods.map((m) => ranks(m.values));
  const tops = methods.map((m, k) => features[rk[k].indexOf(1)]);
  const topCount = new Map<string, number>();
  for (const t of tops) topCount.set(t, (topCount.get(t) ?? 0) + 1);
  const [lead, leadN] = [...topCount.entries()].sort((a, b) => b[1] - a[1])[0];
  if (methods.length === 1) return `${methods[0].label} ranks ${lead} first.`;
  const parts: string[] = [];
  parts.push(
    leadN === methods.length
      ? `All ${methods.length} methods rank ${lead} first.`
      : `${lead} comes first in ${leadN} of ${methods.length} methods; ` +
          methods.map((m, k) => (tops[k] !== lead ? `${m.label} puts ${tops[k]} first` : '')).filter(Boolean).join(', ') + '.',
  );
  // The feature whose rank varies most across methods.
  let worst = 0, worstSpread = -1;
  for (let j = 0; j < features.length; j++) {
    const r = rk.map((x) => x[j]);
    const spread = Math.max(...r) - Math.min(...r);
    if (spread > worstSpread) { worstSpread = spread; worst = j; }
  }
  if (worstSpread >= 2) {
    const r = rk.map((x) => x[worst]);
    const hiK = r.indexOf(Math.min(...r)), loK = r.indexOf(Math.max(...r));
    parts.push(
      `They disagree most on ${features[worst]}: ${ordinal(r[hiK])} by ${methods[hiK].label} but ${ordinal(r[loK])} by ${methods[loK].label}.`,
    );
  } else {
    parts.push('No feature moves more than one place between methods.');
  }
  let lowA = 0, lowB = 1, low = Infinity;
  for (let a = 0; a < methods.length; a++) for (let b = a + 1; b < methods.length; b++) {
    const rho = spearman(methods[a].values, methods[b].values);
    if (rho < low) { low = rho; lowA = a; lowB = b; }
  }
  parts.push(`The least similar rankings are ${methods[lowA].label} and ${methods[lowB].label} (Spearman ρ = ${low.toFixed(2)}).`);
  return parts.join(' ');
}
