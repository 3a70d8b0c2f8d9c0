/**
 * Per-row training options shared by the classifiers trained by gradient (mlp, logreg): sample
 * weights and partial labels. With partial labels, row i comes from a source that labels only the
 * classes S_i (bdizon labels Happy and Sad, not Calm or Energetic), and its loss is the
 * cross-entropy of the softmax renormalised over S_i:
 *     −log(p_y / Σ_{c∈S_i} p_c) = −z_y + log Σ_{c∈S_i} exp(z_c),
 * whose gradient with respect to the logit of every class outside S_i is exactly zero: a source
 * never pushes probability towards or away from a mood it does not label.
 */
import type { Matrix } from '../common/matrix.ts';

export interface RowFitOptions {
  /** Per-row loss weights (they multiply the class weights), e.g. set weights when pooling labelled sets. */
  sampleWeight?: Float64Array;
  /** Partial labels: row i's label set as nClasses flags at i·nClasses (1 = the row's source labels that class). */
  labelSets?: Uint8Array;
}

/** Checks the per-row options against n rows and K classes: right lengths, weights ≥ 0, each label inside its set. */
export function checkRowOptions(opts: RowFitOptions, n: number, K: number, y: Int32Array, who: string): void {
  const sw = opts.sampleWeight, ls = opts.labelSets;
  if (sw) {
    if (sw.length !== n) throw new RangeError(`${who}: sampleWeight has ${sw.length} entries for ${n} rows`);
    for (let i = 0; i < n; i++) if (!(Number.isFinite(sw[i]) && sw[i] >= 0)) throw new RangeError(`${who}: sampleWeight[${i}] must be a finite number ≥ 0`);
  }
  if (ls) {
    if (ls.length !== n * K) throw new RangeError(`${who}: labelSets has ${ls.length} flags for ${n} rows × ${K} classes`);
    for (let i = 0; i < n; i++) if (!ls[i * K + y[i]]) throw new RangeError(`${who}: row ${i}'s label ${y[i]} is outside its label set`);
  }
}

/** The per-row options of the given rows, in order (e.g. the training part of a validation split). */
export function takeRowOptions(opts: RowFitOptions, rows: ArrayLike<number>, K: number): RowFitOptions {
  const out: RowFitOptions = {};
  if (opts.sampleWeight) { const sw = opts.sampleWeight; out.sampleWeight = Float64Array.from(rows, (i) => sw[i]); }
  if (opts.labelSets) {
    const full = opts.labelSets, sub = new Uint8Array(rows.length * K);
    for (let r = 0; r < rows.length; r++) sub.set(full.subarray(rows[r] * K, (rows[r] + 1) * K), r * K);
    out.labelSets = sub;
  }
  return out;
}

/**
 * One row of a softmax output layer: from its probabilities p[o … o+k) writes the loss gradient
 * with respect to the logits, w·(q − onehot_y)·scale, into d[o …], where q = p, or p renormalised
 * over the row's label set (flags at sets[so …]) and 0 outside it. Returns the row's weighted
 * cross-entropy.
 */
export function softmaxRowDelta(
  p: Float64Array | Matrix['data'], d: Float64Array, o: number, k: number, y: number, w: number, scale: number,
  sets: Uint8Array | undefined, so: number,
): number {
  if (!sets) {
    for (let c = 0; c < k; c++) d[o + c] = w * p[o + c] * scale;
    d[o + y] -= w * scale;
    return -w * Math.log(Math.max(p[o + y], 1e-300));
  }
  let inSet = 0;
  for (let c = 0; c < k; c++) if (sets[so + c]) inSet += p[o + c];
  const norm = 1 / Math.max(inSet, 1e-300);
  for (let c = 0; c < k; c++) d[o + c] = sets[so + c] ? w * p[o + c] * norm * scale : 0;
  d[o + y] -= w * scale;
  return -w * Math.log(Math.max(p[o + y] * norm, 1e-300));
}

/** The largest logit of a row over its label set (`maxAll`, the largest over all classes, without one). */
export function maxOverSet(z: Float64Array, K: number, y: number, sets: Uint8Array | undefined, so: number, maxAll: number): number {
  if (!sets) return maxAll;
  let m = z[y];
  for (let c = 0; c < K; c++) if (sets[so + c] && z[c] > m) m = z[c];
  return m;
}

/**
 * Σ exp(z_c − m) over the row's label set (all classes without one), each term stored in e
 * (0 outside the set). With m from maxOverSet, the row's cross-entropy is m + log(Σ) − z_y.
 */
export function expOverSet(z: Float64Array, e: Float64Array, K: number, sets: Uint8Array | undefined, so: number, m: number): number {
  let se = 0;
  if (sets) for (let c = 0; c < K; c++) { const ec = sets[so + c] ? Math.exp(z[c] - m) : 0; e[c] = ec; se += ec; }
  else for (let c = 0; c < K; c++) { const ec = Math.exp(z[c] - m); e[c] = ec; se += ec; }
  return se;
}
