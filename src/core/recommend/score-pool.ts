/**
 * Step 4 of recommend(), relevance: each pool row's score in [0, 1], the weighted mean of the mood,
 * context, target and seed terms (weights below), written into per-row arrays by one tight loop per
 * term; topScored computes it only for the rows that can make the top k.
 */
import type { Matrix } from '../common/matrix.ts';
import type { TrackTable } from '../data/track-table.ts';
import type { MoodGroup } from './catalog-statics.ts';
import { knobScale, type Knob } from './knobs.ts';
import type { ResolvedQuery, TargetSpec } from './query.ts';
import { BoundedMaxHeap, topByScore } from './similarity.ts';

/** The weights of the relevance terms. */
export const W_MOOD = 1, W_CONTEXT = 0.5, W_TARGETS = 1, W_SEEDS = 1.5;

function markPool(pool: Int32Array, mask: Uint8Array, value: number): void {
  for (let i = 0; i < pool.length; i++) mask[pool[i]] = value;
}

/**
 * score[r] (and tdist[r] when there are targets) for every pool row: the same arithmetic, in the
 * same order, as combine(partsOf(r)) and the target distance (targetDistanceOf), without per-row
 * objects or closures.
 */
interface ScoreTerms {
  readonly P: Float64Array;
  readonly cols: number;
  readonly moodIdx: Int32Array;
  readonly pref: Int32Array;
  readonly tCol: readonly (Float64Array | undefined)[];
  readonly tVal: readonly number[];
  readonly tW: readonly number[];
  readonly tScale: readonly number[];
  /** Sum of the target weights (the target distance's denominator, the same for every row). */
  readonly tw: number;
  readonly seedDen: number;
  /** Sum of the weights of the terms present (combine()'s denominator). */
  readonly w: number;
}

function scoreTerms(proba: Matrix, rq: ResolvedQuery, targets: ReadonlyMap<Knob, TargetSpec>, table: TrackTable, seeds: boolean, dims: number): ScoreTerms {
  const moodIdx = Int32Array.from(rq.moods, (m) => m.index);
  const pref = Int32Array.from(rq.preferClasses);
  const tCol: (Float64Array | undefined)[] = [], tVal: number[] = [], tW: number[] = [], tScale: number[] = [];
  for (const [k, t] of targets) { tCol.push(table.numeric[k]); tVal.push(t.value); tW.push(t.weight); tScale.push(knobScale(k)); }
  let tw = 0;
  for (let q = 0; q < tW.length; q++) tw += tW[q];
  let w = 0;
  if (moodIdx.length) w += W_MOOD;
  if (pref.length) w += W_CONTEXT;
  if (targets.size) w += W_TARGETS;
  if (seeds) w += W_SEEDS;
  return { P: proba.data, cols: proba.cols, moodIdx, pref, tCol, tVal, tW, tScale, tw, seedDen: Math.max(dims, 1), w };
}

/**
 * What topByScore(pool, score, k) returns once scorePool has run, computing score[r] (and tdist[r])
 * only for the rows that may enter the top k. Rows are offered to the heap in pool order, as there;
 * a row is skipped without its target and seed terms when even with both at their maximum (1) its
 * score could not beat the worst kept one, i.e. when the heap would have rejected it anyway.
 */
export function topScored(
  pool: Int32Array, proba: Matrix, rq: ResolvedQuery, targets: ReadonlyMap<Knob, TargetSpec>, table: TrackTable,
  seedDist: Float64Array | undefined, dims: number, score: Float64Array, tdist: Float64Array, k: number,
  by: { column: (j: number) => Float64Array; group: (j: number) => MoodGroup; mask: Uint8Array; ordered: boolean },
): Int32Array {
  const t = scoreTerms(proba, rq, targets, table, seedDist !== undefined, dims);
  const moodCols = Array.from(t.moodIdx, by.column), prefCols = Array.from(t.pref, by.column);
  const heap = new BoundedMaxHeap(Math.min(k, pool.length));
  // The bound relies on the target term being finite; it is unless a weight or target is not.
  let prune = Number.isFinite(t.tw);
  for (let q = 0; q < t.tW.length; q++) if (!Number.isFinite(t.tW[q]) || !Number.isFinite(t.tVal[q]) || !(t.tScale[q] > 0)) prune = false;
  if (by.ordered && prune && moodCols.length === 1 && !prefCols.length && !seedDist) {
    // One mood and nothing else row-dependent in the bound: rows in descending order of that mood's
    // probability, so the scan stops at the first row whose bound cannot enter the heap. The heap
    // keeps the smallest (key, row) pairs whatever the order, so the result is the pool-order one.
    // A one-mood query keeps only rows whose predicted mood is that one, so only that group is
    // walked; a pool as large as the group is the group, and needs no mask.
    const group = by.group(t.moodIdx[0]);
    const whole = pool.length === group.rows.length;
    if (!whole) markPool(pool, by.mask, 1);
    scoreIntoHeapOrdered(group, whole ? null : by.mask, t, score, tdist, heap);
    if (!whole) markPool(pool, by.mask, 0);
  } else {
    scoreIntoHeap(pool, t, moodCols, prefCols, seedDist, score, tdist, heap, prune);
  }
  return heap.sorted().ids;
}

/**
 * scoreIntoHeap for a query whose only row-dependent bound is one mood's probability (no context
 * classes, no seeds), over the rows predicted as that mood by descending probability, restricted
 * to the rows marked in `inPool` when given. Scores are computed as there, term by term.
 */
function scoreIntoHeapOrdered(
  group: MoodGroup, inPool: Uint8Array | null, t: ScoreTerms, score: Float64Array, tdist: Float64Array, heap: BoundedMaxHeap,
): void {
  const { rows: order, prob } = group;
  const { w } = t;
  const nT = t.tCol.length;
  let worst = heap.worst(), worstRow = heap.worstId();
  for (let i = 0; i < order.length; i++) {
    const r = order[i];
    if (inPool !== null && inPool[r] === 0) continue;
    let s = 0;
    s += W_MOOD * prob[i];
    let ub = s;
    if (nT) ub += W_TARGETS * 1;
    // Every later row's probability, hence its bound, is at most this one's.
    if (-(w ? ub / w : 0) > worst) break;
    let d = 0;
    if (nT) {
      d = targetDistanceOf(t, r);
      s += W_TARGETS * (1 - Math.min(1, 2 * d));
    }
    const sc = w ? s / w : 0;
    const key = -sc;
    if (key > worst || (key === worst && r > worstRow)) continue;
    // Only the candidates' scores are read afterwards: a row that stays out is not written.
    score[r] = sc;
    if (nT) tdist[r] = d;
    heap.push(r, key);
    worst = heap.worst();
    worstRow = heap.worstId();
  }
}

/**
 * The target distance of row r: √(Σ w·((v − target) / scale)² / Σ w), a missing value counting its
 * full weight.
 */
function targetDistanceOf(t: ScoreTerms, r: number): number {
  const { tCol, tVal, tW, tScale, tw } = t;
  let ts = 0;
  for (let q = 0; q < tCol.length; q++) {
    const col = tCol[q];
    const v = col ? col[r] : NaN;
    if (Number.isFinite(v)) {
      const u = (v - tVal[q]) / tScale[q];
      ts += tW[q] * (u * u); // = tW · u ** 2: V8's pow (fdlibm) returns x * x for y = 2
    } else ts += tW[q];
  }
  return tw ? Math.sqrt(ts / tw) : 0;
}

function scoreIntoHeap(
  pool: Int32Array, t: ScoreTerms, moodCols: readonly Float64Array[], prefCols: readonly Float64Array[],
  seedDist: Float64Array | undefined, score: Float64Array, tdist: Float64Array, heap: BoundedMaxHeap, prune: boolean,
): void {
  const { seedDen, w } = t;
  const nMood = moodCols.length, nPref = prefCols.length, nT = t.tCol.length;
  const m0 = nMood ? moodCols[0] : new Float64Array(0);
  let worst = heap.worst();
  for (let i = 0; i < pool.length; i++) {
    const r = pool[i];
    let s = 0;
    if (nMood) {
      let mood = m0[r];
      for (let q = 1; q < nMood; q++) mood = Math.max(mood, moodCols[q][r]);
      s += W_MOOD * mood;
    }
    if (nPref) {
      let a = 0;
      for (let q = 0; q < nPref; q++) a = a + prefCols[q][r];
      s += W_CONTEXT * Math.min(1, a);
    }
    if (prune) {
      // Upper bound: the target term 1 − min(1, 2d) and the seed term exp(−d²/dims) are ≤ 1, and
      // rounding is monotone, so this is ≥ the score computed below (NaN seed distances excepted).
      let ub = s;
      if (nT) ub += W_TARGETS * 1;
      if (seedDist) ub += W_SEEDS * 1;
      if (-(w ? ub / w : 0) >= worst && !(seedDist && Number.isNaN(seedDist[r]))) continue;
    }
    if (nT) {
      const d = targetDistanceOf(t, r);
      tdist[r] = d;
      s += W_TARGETS * (1 - Math.min(1, 2 * d));
    }
    if (seedDist) { const sd = seedDist[r]; s += W_SEEDS * Math.exp(-(sd * sd) / seedDen); }
    const sc = w ? s / w : 0;
    score[r] = sc;
    const key = -sc;
    if (key >= worst) continue;
    heap.push(r, key);
    worst = heap.worst();
  }
}

export function scorePool(
  pool: Int32Array, proba: Matrix, rq: ResolvedQuery, targets: ReadonlyMap<Knob, TargetSpec>, table: TrackTable,
  seedDist: Float64Array | undefined, dims: number, score: Float64Array, tdist: Float64Array,
): void {
  const { P, cols, moodIdx, pref, tCol, tVal, tW, tScale, tw, seedDen, w } = scoreTerms(proba, rq, targets, table, seedDist !== undefined, dims);
  const nMood = moodIdx.length, nPref = pref.length, nT = tCol.length;
  // One tight pass per term, each its own function (a loop with code after it that has not run yet
  // deoptimises its on-stack-replaced code on every call); score[r] accumulates the terms in
  // combine()'s order (s = 0; s += …).
  if (nMood === 1) moodPass1(pool, P, cols, moodIdx[0], score);
  else if (nMood) moodPassN(pool, P, cols, moodIdx, score);
  else zeroPass(pool, score);
  if (nPref) prefPass(pool, P, cols, pref, score);
  if (nT) {
    // Target distance: s += weight · ((v − target) / scale)² (s += weight when v is missing); the
    // weights' sum is the same for every row.
    zeroPass(pool, tdist);
    for (let q = 0; q < nT; q++) {
      const col = tCol[q];
      if (col) targetPass(pool, col, tVal[q], tW[q], tScale[q], tdist);
      else addPass(pool, tW[q], tdist);
    }
    targetFinish(pool, tw, tdist, score);
  }
  if (seedDist) seedPass(pool, seedDist, seedDen, score);
  finalPass(pool, w, score);
}

function zeroPass(pool: Int32Array, out: Float64Array): void {
  for (let i = 0; i < pool.length; i++) out[pool[i]] = 0;
}

function addPass(pool: Int32Array, x: number, out: Float64Array): void {
  for (let i = 0; i < pool.length; i++) out[pool[i]] += x;
}

function moodPass1(pool: Int32Array, P: Float64Array, cols: number, j: number, score: Float64Array): void {
  for (let i = 0; i < pool.length; i++) { const r = pool[i]; score[r] = 0 + W_MOOD * P[r * cols + j]; }
}

function moodPassN(pool: Int32Array, P: Float64Array, cols: number, moodIdx: Int32Array, score: Float64Array): void {
  const nMood = moodIdx.length, m0 = moodIdx[0];
  for (let i = 0; i < pool.length; i++) {
    const r = pool[i], o = r * cols;
    let mood = P[o + m0];
    for (let q = 1; q < nMood; q++) mood = Math.max(mood, P[o + moodIdx[q]]);
    score[r] = 0 + W_MOOD * mood;
  }
}

function prefPass(pool: Int32Array, P: Float64Array, cols: number, pref: Int32Array, score: Float64Array): void {
  const nPref = pref.length;
  for (let i = 0; i < pool.length; i++) {
    const r = pool[i], o = r * cols;
    let a = 0;
    for (let q = 0; q < nPref; q++) a = a + P[o + pref[q]];
    score[r] += W_CONTEXT * Math.min(1, a);
  }
}

function targetPass(pool: Int32Array, col: Float64Array, val: number, wq: number, sc: number, ts: Float64Array): void {
  for (let i = 0; i < pool.length; i++) {
    const r = pool[i], v = col[r];
    if (Number.isFinite(v)) {
      const u = (v - val) / sc;
      ts[r] += wq * (u * u); // = wq · u ** 2: V8's pow (fdlibm) returns x * x for y = 2
    } else ts[r] += wq;
  }
}

function targetFinish(pool: Int32Array, tw: number, tdist: Float64Array, score: Float64Array): void {
  for (let i = 0; i < pool.length; i++) {
    const r = pool[i];
    const d = tw ? Math.sqrt(tdist[r] / tw) : 0;
    tdist[r] = d;
    score[r] += W_TARGETS * (1 - Math.min(1, 2 * d));
  }
}

function seedPass(pool: Int32Array, seedDist: Float64Array, den: number, score: Float64Array): void {
  for (let i = 0; i < pool.length; i++) { const r = pool[i], d = seedDist[r]; score[r] += W_SEEDS * Math.exp(-(d * d) / den); }
}

function finalPass(pool: Int32Array, w: number, score: Float64Array): void {
  for (let i = 0; i < pool.length; i++) { const r = pool[i]; score[r] = w ? score[r] / w : 0; }
}
