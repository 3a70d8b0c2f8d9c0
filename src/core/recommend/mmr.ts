/**
 * Maximal marginal relevance (Carbonell & Goldstein 1998): pick, one at a time, the candidate that
 * maximises  λ · relevance − (1 − λ) · max similarity to the tracks already picked.
 * λ = 1 is pure relevance order; λ = 0 is pure novelty.
 *
 * Similarity of two tracks is exp(−‖a − b‖² / dims) in the scaled feature space: 1 for identical
 * features, ≈0.13 for two random z-scored tracks.
 */
import { squaredDistance } from './similarity.ts';

export const DEFAULT_LAMBDA = 0.7;

export function trackSimilarity(scaled: Float32Array, dims: number, a: number, b: number): number {
  return Math.exp(-squaredDistance(scaled, a * dims, scaled, b * dims, dims) / Math.max(dims, 1));
}

export interface MmrOptions {
  readonly k: number;
  readonly lambda: number;
  /** Rules checked before a pick (artist cap …); a rejected candidate is skipped for that round. */
  readonly accept?: (row: number) => boolean;
  /** Called when a row is picked. */
  readonly take?: (row: number) => void;
}

/**
 * Rows picked from `candidates`, in playlist order. Relevance is min–max normalised over the
 * candidates first, so that λ weighs two quantities on the same 0–1 scale (raw mood probabilities
 * of the best candidates often differ by only a few hundredths).
 *
 * Each round picks the accepted candidate with the largest λ·rel − (1 − λ)·maxSim, the lowest
 * index on ties. The candidates wait in a max-heap under their value as last computed: maxSim
 * only grows as tracks are picked, so that value bounds the current one, and a candidate's
 * similarities to the new picks are computed only when it reaches the top (lazy greedy). The
 * picks are those of scanning every candidate every round (mmrSelectScan, kept for the tests).
 */
export function mmrSelect(
  candidates: ArrayLike<number>,
  relevance: Float64Array,
  scaled: Float32Array,
  dims: number,
  o: MmrOptions,
): number[] {
  const m = candidates.length;
  const rel = normalisedRelevance(candidates, relevance);
  for (let i = 0; i < m; i++) if (!Number.isFinite(rel[i])) return mmrSelectScan(candidates, relevance, scaled, dims, o);
  const maxSim = new Float64Array(m);
  /** How many of the picks maxSim[i] has seen. */
  const seen = new Int32Array(m);
  const picked: number[] = [];
  const value = (i: number): number => o.lambda * rel[i] - (1 - o.lambda) * maxSim[i];
  const heap = new ValueHeap(m);
  for (let i = 0; i < m; i++) heap.push(i, value(i));
  const skipped: number[] = [];
  while (picked.length < o.k && heap.size > 0) {
    let best = -1;
    while (heap.size > 0) {
      const i = heap.pop();
      if (o.lambda < 1) {
        for (let p = seen[i]; p < picked.length; p++) {
          const s = trackSimilarity(scaled, dims, picked[p], candidates[i]);
          if (s > maxSim[i]) maxSim[i] = s;
        }
        seen[i] = picked.length;
      }
      const v = value(i);
      if (heap.size > 0 && heap.above(heap.topValue(), heap.topIndex(), v, i)) {
        heap.push(i, v); // another may now be better: look again
        continue;
      }
      if (o.accept && !o.accept(candidates[i])) { skipped.push(i); continue; }
      best = i;
      break;
    }
    for (const i of skipped) heap.push(i, value(i));
    skipped.length = 0;
    if (best < 0) break;
    const row = candidates[best];
    picked.push(row);
    o.take?.(row);
  }
  return picked;
}

function normalisedRelevance(candidates: ArrayLike<number>, relevance: Float64Array): Float64Array {
  const m = candidates.length;
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < m; i++) { const v = relevance[candidates[i]]; if (v < lo) lo = v; if (v > hi) hi = v; }
  const span = hi > lo ? hi - lo : 1;
  return Float64Array.from({ length: m }, (_, i) => (relevance[candidates[i]] - lo) / span);
}

/** The plain algorithm: every candidate's value recomputed every round. */
export function mmrSelectScan(
  candidates: ArrayLike<number>,
  relevance: Float64Array,
  scaled: Float32Array,
  dims: number,
  o: MmrOptions,
): number[] {
  const m = candidates.length;
  const maxSim = new Float64Array(m);
  const done = new Uint8Array(m);
  const picked: number[] = [];
  const rel = normalisedRelevance(candidates, relevance);
  while (picked.length < o.k) {
    let best = -1, bestVal = -Infinity;
    for (let i = 0; i < m; i++) {
      if (done[i]) continue;
      const r = candidates[i];
      const v = o.lambda * rel[i] - (1 - o.lambda) * maxSim[i];
      if (v > bestVal) {
        if (o.accept && !o.accept(r)) continue;
        best = i; bestVal = v;
      }
    }
    if (best < 0) break;
    done[best] = 1;
    const row = candidates[best];
    picked.push(row);
    o.take?.(row);
    if (o.lambda < 1) {
      for (let i = 0; i < m; i++) {
        if (done[i]) continue;
        const s = trackSimilarity(scaled, dims, row, candidates[i]);
        if (s > maxSim[i]) maxSim[i] = s;
      }
    }
  }
  return picked;
}

/** Candidates by (value descending, index ascending). */
class ValueHeap {
  private readonly idx: Int32Array;
  private readonly val: Float64Array;
  size = 0;
  constructor(capacity: number) {
    this.idx = new Int32Array(Math.max(1, capacity));
    this.val = new Float64Array(Math.max(1, capacity));
  }
  /** Whether (va, ia) comes before (vb, ib). */
  above(va: number, ia: number, vb: number, ib: number): boolean {
    return va > vb || (va === vb && ia < ib);
  }
  topValue(): number { return this.val[0]; }
  topIndex(): number { return this.idx[0]; }
  push(i: number, v: number): void {
    let k = this.size++;
    while (k > 0) {
      const p = (k - 1) >> 1;
      if (!this.above(v, i, this.val[p], this.idx[p])) break;
      this.val[k] = this.val[p]; this.idx[k] = this.idx[p]; k = p;
    }
    this.val[k] = v; this.idx[k] = i;
  }
  pop(): number {
    const top = this.idx[0];
    const n = --this.size;
    if (n > 0) {
      const v = this.val[n], i = this.idx[n];
      let k = 0;
      for (;;) {
        const l = 2 * k + 1, r = l + 1;
        let b = k, bv = v, bi = i;
        if (l < n && this.above(this.val[l], this.idx[l], bv, bi)) { b = l; bv = this.val[l]; bi = this.idx[l]; }
        if (r < n && this.above(this.val[r], this.idx[r], bv, bi)) { b = r; bv = this.val[r]; bi = this.idx[r]; }
        if (b === k) break;
        this.val[k] = this.val[b]; this.idx[k] = this.idx[b]; k = b;
      }
      this.val[k] = v; this.idx[k] = i;
    }
    return top;
  }
}
