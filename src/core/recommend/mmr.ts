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
 */
export function mmrSelect(
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
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < m; i++) { const v = relevance[candidates[i]]; if (v < lo) lo = v; if (v > hi) hi = v; }
  const span = hi > lo ? hi - lo : 1;
  const rel = Float64Array.from({ length: m }, (_, i) => (relevance[candidates[i]] - lo) / span);
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
