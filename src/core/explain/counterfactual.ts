/**
 * Counterfactuals: the smallest change to one or two features that makes the model predict a
 * different mood. "Smallest" is measured in scaled units, √Σ(Δ_j / scale_j)², so a change of one
 * standard deviation costs the same for tempo as for energy. Changed values stay inside the valid
 * range of each feature (features.ts, narrowed by `ranges`); discrete features (key, mode,
 * time_signature) only take whole values and are changed alone.
 *
 * Search: along every single-feature direction and, for each feature pair, along `directions` rays
 * in the plane of the pair, a coarse grid finds the first point where the prediction changes; the
 * closest candidates are then refined by bisection. The returned point is always one where the
 * prediction has changed (bisection keeps the flipped end), so the flip is real, though a narrower
 * flip region between grid points can be missed.
 */
import { matrix, type Matrix } from '../common/matrix.ts';
import { FEATURE_SPEC } from '../data/features.ts';
import type { ExplainableModel } from './shapley.ts';

export const DISCRETE = new Set(['key', 'mode', 'time_signature']);

export interface CounterfactualOptions {
  /** Scale of each feature (e.g. the training standard deviation), in model.inputFeatures order. */
  scale: ArrayLike<number>;
  /** Valid range per feature name; defaults to features.ts ranges. Intersected with those ranges. */
  ranges?: Readonly<Record<string, readonly [number, number]>>;
  /** Features the search must not change. */
  frozen?: readonly string[];
  /** Change at most this many features (1 or 2). Default 2. */
  maxFeatures?: 1 | 2;
  /** Only accept this mood as the new prediction. Default: any other mood. */
  targetMood?: string;
  /** Grid points per ray. Default 48. */
  gridSteps?: number;
  /** Rays per feature pair. Default 24. */
  directions?: number;
  /** Candidates refined by bisection. Default 6. */
  refine?: number;
}

export interface FeatureChange {
  feature: string;
  from: number;
  to: number;
  delta: number;
}

export interface Counterfactual {
  fromMood: string;
  toMood: string;
  /** Probability of toMood at the changed point. */
  toProbability: number;
  changes: FeatureChange[];
  /** Scaled distance √Σ(Δ/scale)². */
  distance: number;
}

interface Ray {
  features: number[];
  /** Unit direction in scaled space, one entry per feature in `features`. */
  dir: number[];
  rMax: number;
}

/** The closest flip found, or null when no change of one or two features flips the prediction. */
export function findCounterfactual(model: ExplainableModel, x: ArrayLike<number>, options: CounterfactualOptions): Counterfactual | null {
  const names = model.inputFeatures;
  const d = names.length;
  if (x.length !== d) throw new RangeError(`counterfactual: row has ${x.length} values, model reads ${d}`);
  const scale = Array.from(options.scale, (s) => (s > 0 && Number.isFinite(s) ? s : 1));
  const frozen = new Set(options.frozen ?? []);
  const steps = options.gridSteps ?? 48;
  const nDir = options.directions ?? 24;
  const classes = model.classes;
  const target = options.targetMood === undefined ? -1 : classes.indexOf(options.targetMood);
  if (options.targetMood !== undefined && target < 0) throw new RangeError(`counterfactual: unknown mood "${options.targetMood}"`);

  const lo: number[] = [];
  const hi: number[] = [];
  for (let j = 0; j < d; j++) {
    const spec = FEATURE_SPEC.get(names[j]);
    let a = spec?.min ?? -Infinity;
    let b = spec?.max ?? Infinity;
    const r = options.ranges?.[names[j]];
    if (r) { a = Math.max(a, r[0]); b = Math.min(b, r[1]); }
    // Never force the track itself out of range: widen to include its own value.
    lo.push(Math.min(a, x[j]));
    hi.push(Math.max(b, x[j]));
  }

  const argmax = (P: Matrix, i: number): number => {
    let best = 0;
    for (let c = 1; c < P.cols; c++) if (P.data[i * P.cols + c] > P.data[i * P.cols + best]) best = c;
    return best;
  };
  const base = model.predictProbaRaw(matrix(1, d, Float64Array.from(x)));
  const from = argmax(base, 0);
  const flipped = (c: number): boolean => (target >= 0 ? c === target : c !== from);

  const pointAt = (ray: Ray, r: number, out: Float64Array, offset: number): void => {
    for (let j = 0; j < d; j++) out[offset + j] = x[j];
    ray.features.forEach((j, k) => {
      let v = x[j] + r * ray.dir[k] * scale[j];
      if (DISCRETE.has(names[j])) v = Math.round(v);
      out[offset + j] = Math.min(hi[j], Math.max(lo[j], v));
    });
  };

  const rays: Ray[] = [];
  const maxRadius = (features: number[], dir: number[]): number => {
    let r = Infinity;
    features.forEach((j, k) => {
      if (dir[k] > 1e-12) r = Math.min(r, (hi[j] - x[j]) / (dir[k] * scale[j]));
      else if (dir[k] < -1e-12) r = Math.min(r, (lo[j] - x[j]) / (dir[k] * scale[j]));
    });
    return Number.isFinite(r) ? r : 0;
  };
  const free = Array.from({ length: d }, (_, j) => j).filter((j) => !frozen.has(names[j]));
  for (const j of free) for (const s of [1, -1]) {
    const r = maxRadius([j], [s]);
    if (r > 0) rays.push({ features: [j], dir: [s], rMax: r });
  }
  if ((options.maxFeatures ?? 2) >= 2) {
    const cont = free.filter((j) => !DISCRETE.has(names[j]));
    for (let a = 0; a < cont.length; a++) for (let b = a + 1; b < cont.length; b++) {
      for (let t = 0; t < nDir; t++) {
        const theta = ((t + 0.5) * 2 * Math.PI) / nDir; // offset: axis directions are the single-feature rays
        const dir = [Math.cos(theta), Math.sin(theta)];
        const r = maxRadius([cont[a], cont[b]], dir);
        if (r > 0) rays.push({ features: [cont[a], cont[b]], dir, rMax: r });
      }
    }
  }
  if (rays.length === 0) return null;

  // Coarse pass: all rays × grid points, in model calls of bounded size.
  const hits: { ray: Ray; lo: number; hi: number }[] = [];
  const perCall = Math.max(1, Math.floor(65536 / steps));
  for (let start = 0; start < rays.length; start += perCall) {
    const batch = rays.slice(start, start + perCall);
    const X = matrix(batch.length * steps, d);
    batch.forEach((ray, q) => {
      for (let k = 1; k <= steps; k++) pointAt(ray, (ray.rMax * k) / steps, X.data, (q * steps + k - 1) * d);
    });
    const P = model.predictProbaRaw(X);
    batch.forEach((ray, q) => {
      for (let k = 1; k <= steps; k++) {
        if (flipped(argmax(P, q * steps + k - 1))) {
          hits.push({ ray, lo: (ray.rMax * (k - 1)) / steps, hi: (ray.rMax * k) / steps });
          break;
        }
      }
    });
  }
  if (hits.length === 0) return null;

  const one = new Float64Array(d);
  const predictAt = (ray: Ray, r: number): { cls: number; P: Matrix } => {
    pointAt(ray, r, one, 0);
    const P = model.predictProbaRaw(matrix(1, d, one.slice()));
    return { cls: argmax(P, 0), P };
  };
  const distanceOf = (pt: Float64Array): number => {
    let s = 0;
    for (let j = 0; j < d; j++) s += ((pt[j] - x[j]) / scale[j]) ** 2;
    return Math.sqrt(s);
  };

  hits.sort((a, b) => a.hi - b.hi);
  let best: { pt: Float64Array; cls: number; prob: number; dist: number } | null = null;
  for (const h of hits.slice(0, options.refine ?? 6)) {
    let a = h.lo, b = h.hi;
    const discrete = h.ray.features.some((j) => DISCRETE.has(names[j]));
    for (let it = 0; it < (discrete ? 12 : 30); it++) {
      const mid = (a + b) / 2;
      if (flipped(predictAt(h.ray, mid).cls)) b = mid; else a = mid;
    }
    const { cls, P } = predictAt(h.ray, b);
    if (!flipped(cls)) continue;
    const pt = one.slice();
    const dist = distanceOf(pt);
    if (!best || dist < best.dist) best = { pt, cls, prob: P.data[cls], dist };
  }
  if (!best) return null;
  const changes: FeatureChange[] = [];
  for (let j = 0; j < d; j++) {
    if (best.pt[j] !== x[j]) changes.push({ feature: names[j], from: x[j], to: best.pt[j], delta: best.pt[j] - x[j] });
  }
  return { fromMood: classes[from], toMood: classes[best.cls], toProbability: best.prob, changes, distance: best.dist };
}
