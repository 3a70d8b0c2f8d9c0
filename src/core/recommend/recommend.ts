/**
 * The recommender's entry point: a validated query over a tagged catalogue → a playlist with reasons.
 *
 * 1. resolveQuery validates the knobs, moods, context, seeds and arc (InputError on bad input).
 * 2. Hard constraints (not a seed, predicted mood, context bounds and tempo bands, the user's
 *    min_/max_) filter the pool; an empty pool names the constraint that emptied it.
 * 3. A taste profile shifts the targets (bounded, see taste.ts).
 * 4. Each pool track gets a relevance score in [0, 1]: the weighted mean of
 *      mood     P(asked mood)                          weight 1
 *      context  P(context's preferred moods)           weight 0.5
 *      targets  1 − min(1, 2 · distance to targets)    weight 1
 *      seeds    exp(−d² / dims) to the nearest seed    weight 1.5
 * 5. Without an arc: MMR (λ) over the best candidates, under the diversity rules.
 *    With an arc: greedy fit to the curve (arcs.ts), relevance as a small tie-breaking cost.
 *
 * Cost: the per-row work (filter, score) runs over index lists with typed arrays, one tight loop per
 * constraint or score term; reasons are built for the returned tracks only. What depends only on the
 * catalogue (top mood per row, rows per top mood, the id index, the per-row work arrays) is computed
 * once and kept beside it (WeakMap). recommend-snapshot.test.ts pins the results.
 */
import type { Matrix } from '../common/matrix.ts';
import type { MoodTagger } from '../classify/mood-model.ts';
import type { TrackTable } from '../data/track-table.ts';
import { arcError, arcFitReport, sampleArc, selectArc, type ArcFitReport } from './arcs.ts';
import { describeContext, type ContextSpec } from './contexts.ts';
import { DiversityGuard } from './diversity.ts';
import {
  arcReason, constraintsReason, moodReason, preferReason, scoreReason, seedReason, targetsReason,
  type ScoreParts,
} from './explain-why.ts';
import { applyConstraints, type Constraint, type FilterStep } from './filter.ts';
import { knobScale, type Knob } from './knobs.ts';
import { mmrSelect } from './mmr.ts';
import { adoptIdIndex, idIndex, resolveQuery, type RecQuery, type ResolvedQuery, type TargetSpec } from './query.ts';
import {
  BoundedMaxHeap, buildScaledSpace, EXACT_SCAN_LIMIT, rowVector, squaredDistance, topByScore, type NearestNeighbourIndex,
} from './similarity.ts';
import { describeShifts, tasteShifts, type TasteShift } from './taste.ts';

export interface RecCatalog {
  readonly table: TrackTable;
  readonly classes: readonly string[];
  /** Mood probabilities, rows × classes. */
  readonly proba: Matrix;
  /** The scaled feature space for similarity, rows × dims. */
  readonly scaled: Float32Array;
  readonly dims: number;
  /** Index of the most probable mood per row (computed from proba when absent). */
  readonly topMood?: Int32Array;
  /** Approximate nearest-neighbour index, used for seeds when the catalogue is large. */
  readonly index?: NearestNeighbourIndex;
  /**
   * id → row over table.text.id, when the caller already has one (the server's snapshot does); used
   * for seed and skip lookups instead of building another when every id is unique.
   */
  readonly rowOf?: ReadonlyMap<string, number>;
}

/** Tags a table with a model and prepares the similarity space. */
export function buildRecCatalog(table: TrackTable, tagger: MoodTagger, index?: NearestNeighbourIndex): RecCatalog {
  const proba = tagger.predictProba(table);
  const space = buildScaledSpace(table);
  return { table, classes: [...tagger.classes], proba, scaled: space.scaled, dims: space.dims, topMood: topMoodIndex(proba), index };
}

export function topMoodIndex(proba: Matrix): Int32Array {
  const out = new Int32Array(proba.rows);
  for (let i = 0; i < proba.rows; i++) {
    let b = 0;
    const o = i * proba.cols;
    for (let j = 1; j < proba.cols; j++) if (proba.data[o + j] > proba.data[o + b]) b = j;
    out[i] = b;
  }
  return out;
}

export interface RecOptions {
  /** User context presets (parseContextPresets), in addition to the built-ins. */
  readonly contexts?: readonly ContextSpec[];
  /** Use the catalogue's index for seeds above this many rows (default EXACT_SCAN_LIMIT). */
  readonly exactLimit?: number;
  /**
   * One-mood queries scan rows by descending probability and stop early (default true). The
   * results are identical either way; false is for tests and benchmarks.
   */
  readonly orderedScan?: boolean;
}

export interface RecTrack {
  readonly id: string;
  readonly name: string;
  readonly artist: string;
  readonly mood: string;
  readonly confidence: number;
  readonly score: number;
  readonly why: readonly string[];
  readonly [feature: string]: unknown;
}

export interface RecResult {
  readonly tracks: readonly RecTrack[];
  readonly pool: { readonly initial: number; readonly afterFiltering: number; readonly steps: readonly FilterStep[] };
  readonly query: Record<string, unknown>;
  readonly arc?: ArcFitReport;
  readonly warnings: readonly string[];
  /** Row numbers of the returned tracks in the catalogue (not part of the JSON contract). */
  readonly rows: readonly number[];
}

const W_MOOD = 1, W_CONTEXT = 0.5, W_TARGETS = 1, W_SEEDS = 1.5;

export function recommend(catalog: RecCatalog, query: RecQuery, opts: RecOptions = {}): RecResult {
  const { table, classes, proba, scaled, dims } = catalog;
  const n = table.rowCount;
  const rq = resolveQuery(table, classes, query, opts.contexts);
  const st = staticsOf(catalog);
  const top = st.top;
  if (catalog.rowOf && table.text.id) adoptIdIndex(table.text.id, catalog.rowOf);
  const num = (k: string, row: number) => table.numeric[k]?.[row] ?? NaN;

  // ---- 2. constraints ------------------------------------------------------------------------
  const constraints = buildConstraints(catalog, rq, top);
  const filtered = applyConstraints(n, constraints);
  let pool = filtered.rows;

  // ---- 3. taste -------------------------------------------------------------------------------
  const targets = new Map<Knob, TargetSpec>(rq.targets);
  let shifts: TasteShift[] = [];
  if (rq.taste) {
    shifts = tasteShifts(rq.taste, (k) => {
      if (!table.numeric[k]) return undefined;
      return targets.get(k)?.value ?? poolMean(table.numeric[k], pool);
    });
    for (const s of shifts) targets.set(s.attribute, { value: s.to, weight: targets.get(s.attribute)?.weight ?? 0.5, source: 'taste' });
  }
  const tasteLine = rq.taste ? describeShifts(rq.taste, shifts) : undefined;

  // ---- 4. relevance -----------------------------------------------------------------------------
  const seedRows = rq.seeds.map((s) => s.row);
  // Per-row work arrays (length n, reused across queries); only entries of pool rows are written and read.
  const scratch = takeScratch(st, n);
  const { seedDist, seedNearest, score, tdist } = scratch;
  const warnings: string[] = [];
  if (seedRows.length) {
    resetSeeds(pool, seedDist, seedNearest);
    const exactLimit = opts.exactLimit ?? EXACT_SCAN_LIMIT;
    if (catalog.index && n > exactLimit && !rq.arc) {
      const k = Math.min(n, Math.max(rq.limit * 50, 1000));
      const inPool = poolMask(pool, n);
      const cands: number[] = [];
      seedRows.forEach((s, si) => {
        const nb = catalog.index!.search(rowVector(scaled, dims, s), k);
        for (let i = 0; i < nb.rows.length; i++) {
          const r = nb.rows[i];
          if (r < 0 || !inPool[r]) continue;
          if (seedDist[r] === Infinity) cands.push(r);
          if (nb.distances[i] < seedDist[r]) { seedDist[r] = nb.distances[i]; seedNearest[r] = si; }
        }
      });
      if (cands.length >= rq.limit * 3) pool = Int32Array.from(cands).sort();
      else fillSeedDistances(pool, seedRows, scaled, dims, seedDist, seedNearest);
    } else {
      fillSeedDistances(pool, seedRows, scaled, dims, seedDist, seedNearest);
    }
  }

  const partsOf = (row: number): ScoreParts => {
    const p: ScoreParts = {};
    const o = row * proba.cols;
    if (rq.moods.length) p.mood = Math.max(...rq.moods.map((m) => proba.data[o + m.index]));
    if (rq.preferClasses.length) p.context = Math.min(1, rq.preferClasses.reduce((a, j) => a + proba.data[o + j], 0));
    if (targets.size) p.targets = 1 - Math.min(1, 2 * tdist[row]);
    if (seedRows.length) p.seeds = Math.exp(-(seedDist[row] ** 2) / Math.max(dims, 1));
    return p;
  };
  const combine = (p: ScoreParts): number => {
    let s = 0, w = 0;
    if (p.mood !== undefined) { s += W_MOOD * p.mood; w += W_MOOD; }
    if (p.context !== undefined) { s += W_CONTEXT * p.context; w += W_CONTEXT; }
    if (p.targets !== undefined) { s += W_TARGETS * p.targets; w += W_TARGETS; }
    if (p.seeds !== undefined) { s += W_SEEDS * p.seeds; w += W_SEEDS; }
    return w ? s / w : 0;
  };
  const scoreAll = () => scorePool(pool, proba, rq, targets, table, seedRows.length ? seedDist : undefined, dims, score, tdist);

  // ---- 5. selection --------------------------------------------------------------------------------
  const rule = { cap: rq.artistCap, per: 20 };
  let rows: number[];
  let arcReport: ArcFitReport | undefined;
  let arcInfo: { attributes: Knob[]; targets: Float64Array[] } | undefined;
  if (rq.arc) {
    scoreAll();
    const guard = new DiversityGuard(table, rq.limit, rule);
    arcInfo = sampleArc(rq.arc, rq.limit);
    const hasScore = rq.moods.length || rq.preferClasses.length || targets.size || seedRows.length;
    rows = selectArc(arcInfo.attributes, arcInfo.targets, pool, (r, a) => num(a, r), {
      columns: arcInfo.attributes.map((a) => table.numeric[a]),
      extraCost: hasScore ? (r) => 0.1 * (1 - score[r]) : undefined,
      accept: (r) => guard.accepts(r),
      take: (r) => guard.add(r),
    });
    const actual = rows.map((r) => Float64Array.from(arcInfo!.attributes, (a) => num(a, r)));
    arcReport = arcFitReport(rq.arc, arcInfo.attributes, arcInfo.targets.slice(0, rows.length), actual);
  } else {
    const pick = (cands: Int32Array) => {
      const guard = new DiversityGuard(table, rq.limit, rule);
      return mmrSelect(cands, score, scaled, dims, { k: rq.limit, lambda: rq.lambda, accept: (r) => guard.accepts(r), take: (r) => guard.add(r) });
    };
    const m = Math.min(pool.length, Math.max(rq.limit * 15, 300));
    // topByScore(pool, score, m) without scoring in full the rows that cannot make the top m.
    rows = pick(topScored(pool, proba, rq, targets, table, seedRows.length ? seedDist : undefined, dims, score, tdist, m, {
      column: (j) => probaColumn(st, proba, j),
      group: (j) => groupByProbability(st, proba, classes.length, j),
      mask: scratch.inPool,
      ordered: opts.orderedScan ?? true,
    }));
    if (rows.length < rq.limit && m < pool.length) { scoreAll(); rows = pick(topByScore(pool, score, pool.length)); }
  }
  if (rows.length < rq.limit) {
    warnings.push(`only ${rows.length} of ${rq.limit} tracks: the pool of ${pool.length} ran out under the diversity rules (≤ ${rule.cap} per artist per ${rule.per} tracks, no duplicate titles)`);
  }

  // ---- reasons and output ------------------------------------------------------------------------
  const constraintLine = constraintsReason(constraints);
  const ids = table.text.id, names = table.text.name, artists = table.text.artist;
  const seedLabel = (si: number) => {
    const r = seedRows[si];
    const nm = names?.[r], ar = artists?.[r];
    return nm ? `"${nm}"${ar ? ` by ${ar}` : ''} (${rq.seeds[si].id})` : rq.seeds[si].id;
  };
  const numericCols = Object.keys(table.numeric);
  const tracks: RecTrack[] = rows.map((r, pos) => {
    const o = r * proba.cols;
    const pr = proba.data.subarray(o, o + proba.cols);
    const parts = partsOf(r);
    const s = rq.arc && arcReport ? 1 - arcReport.steps[pos].error : combine(parts);
    const why: string[] = [moodReason(classes, pr, rq.moods)];
    if (rq.context) { const line = preferReason(classes, pr, rq.preferClasses, `context ${rq.context.name}`); if (line) why.push(line); }
    if (constraintLine) why.push(constraintLine);
    const tl = targetsReason((k) => num(k, r), targets, tdist[r]);
    if (tl) why.push(tl);
    if (seedRows.length && seedNearest[r] >= 0) why.push(seedReason(seedLabel(seedNearest[r]), seedDist[r]));
    if (rq.arc && arcInfo) {
      const a = Float64Array.from(arcInfo.attributes, (k) => num(k, r));
      why.push(arcReason(rq.arc.name, pos + 1, rq.limit, arcInfo.attributes, arcInfo.targets[pos], a, arcError(arcInfo.attributes, a, arcInfo.targets[pos])));
    }
    if (tasteLine) why.push(tasteLine);
    why.push(scoreReason(rq.arc ? combine(parts) : s, parts));
    const features: Record<string, number> = {};
    for (const c of numericCols) features[c] = table.numeric[c][r];
    return {
      id: ids?.[r] ?? String(r),
      name: names?.[r] ?? '',
      artist: artists?.[r] ?? '',
      mood: classes[top[r]],
      confidence: round(pr[top[r]]),
      score: round(s),
      why,
      ...features,
    };
  });

  releaseScratch(st, scratch);
  return {
    tracks,
    pool: { initial: n, afterFiltering: filtered.rows.length, steps: filtered.steps },
    query: describeQuery(rq, targets, shifts),
    arc: arcReport,
    warnings: [...rq.notes, ...warnings],
    rows,
  };
}

function fillSeedDistances(pool: Int32Array, seeds: readonly number[], scaled: Float32Array, dims: number, dist: Float64Array, nearest: Int32Array): void {
  for (let i = 0; i < pool.length; i++) {
    const r = pool[i];
    for (let si = 0; si < seeds.length; si++) {
      const d = Math.sqrt(squaredDistance(scaled, r * dims, scaled, seeds[si] * dims, dims));
      if (d < dist[r]) { dist[r] = d; nearest[r] = si; }
    }
  }
}

// Loops live in small functions of their own: V8 optimises a long loop on the stack (OSR), and the
// code after it, never run before, then deoptimises that code on every call.
function resetSeeds(pool: Int32Array, dist: Float64Array, nearest: Int32Array): void {
  for (let i = 0; i < pool.length; i++) { const r = pool[i]; dist[r] = Infinity; nearest[r] = -1; }
}

function markPool(pool: Int32Array, mask: Uint8Array, value: number): void {
  for (let i = 0; i < pool.length; i++) mask[pool[i]] = value;
}

function poolMask(pool: Int32Array, n: number): Uint8Array {
  const mask = new Uint8Array(n);
  for (let i = 0; i < pool.length; i++) mask[pool[i]] = 1;
  return mask;
}

function poolMean(col: Float64Array, pool: Int32Array): number | undefined {
  let s = 0, c = 0;
  for (let i = 0; i < pool.length; i++) { const v = col[pool[i]]; if (Number.isFinite(v)) { s += v; c++; } }
  return c ? s / c : undefined;
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
function topScored(
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

function scorePool(
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

interface Scratch {
  readonly score: Float64Array;
  readonly tdist: Float64Array;
  readonly seedDist: Float64Array;
  readonly seedNearest: Int32Array;
  /** Pool membership, all zero between uses. */
  readonly inPool: Uint8Array;
}

/** What recommend() derives from a catalogue once and reuses for every query on it. */
interface CatalogStatics {
  readonly top: Int32Array;
  /** Rows whose most probable mood is class j, ascending (built on first use). */
  byTopMood?: Int32Array[];
  /** Column j of proba as its own array (contiguous reads over a pool), built on first use. */
  probaCols?: (Float64Array | undefined)[];
  /** Rows predicted as class j by descending probability of j, built on first use. */
  byProbability?: (MoodGroup | undefined)[];
  scratch?: Scratch;
}

const statics = new WeakMap<RecCatalog, CatalogStatics>();

function staticsOf(catalog: RecCatalog): CatalogStatics {
  let st = statics.get(catalog);
  if (!st) {
    st = { top: catalog.topMood ?? topMoodIndex(catalog.proba) };
    statics.set(catalog, st);
  }
  return st;
}

function rowsByTopMood(st: CatalogStatics, classes: number): Int32Array[] {
  if (!st.byTopMood) {
    const top = st.top;
    for (let i = 0; i < top.length; i++) if (top[i] >= classes) classes = top[i] + 1;
    const count = new Int32Array(classes);
    for (let i = 0; i < top.length; i++) count[top[i]]++;
    const lists = Array.from(count, (c) => new Int32Array(c));
    count.fill(0);
    for (let i = 0; i < top.length; i++) { const j = top[i]; lists[j][count[j]++] = i; }
    st.byTopMood = lists;
  }
  return st.byTopMood;
}

/** The rows whose most probable class is j, by descending probability of j (ties by row), and those probabilities. */
interface MoodGroup {
  readonly rows: Int32Array;
  readonly prob: Float64Array;
}

function groupByProbability(st: CatalogStatics, proba: Matrix, classes: number, j: number): MoodGroup {
  const groups = (st.byProbability ??= []);
  let g = groups[j];
  if (!g) {
    const p = probaColumn(st, proba, j);
    const rows = (rowsByTopMood(st, classes)[j] ?? new Int32Array(0)).slice();
    rows.sort((a, b) => p[b] - p[a] || a - b);
    g = { rows, prob: Float64Array.from(rows, (r) => p[r]) };
    groups[j] = g;
  }
  return g;
}

function probaColumn(st: CatalogStatics, proba: Matrix, j: number): Float64Array {
  const cols = (st.probaCols ??= []);
  let c = cols[j];
  if (!c) {
    c = new Float64Array(proba.rows);
    copyColumn(proba.data, proba.cols, j, c);
    cols[j] = c;
  }
  return c;
}

function copyColumn(data: Float64Array, stride: number, j: number, out: Float64Array): void {
  for (let i = 0, o = j; i < out.length; i++, o += stride) out[i] = data[o];
}

/** The catalogue's work arrays, or fresh ones when they are in use (a re-entrant call). */
function takeScratch(st: CatalogStatics, n: number): Scratch {
  const s = st.scratch;
  if (s && s.score.length === n) { st.scratch = undefined; return s; }
  return { score: new Float64Array(n), tdist: new Float64Array(n), seedDist: new Float64Array(n), seedNearest: new Int32Array(n), inPool: new Uint8Array(n) };
}

function releaseScratch(st: CatalogStatics, s: Scratch): void {
  st.scratch = s;
}

/**
 * The hard constraints of a resolved query, in the order they are applied. Each has a `test` (used
 * for the empty-pool diagnosis and by callers) and an equivalent `keep` loop for applyConstraints.
 */
export function buildConstraints(catalog: RecCatalog, rq: ResolvedQuery, top: Int32Array): Constraint[] {
  const { table, classes } = catalog;
  const out: Constraint[] = [];
  const ids = table.text.id;
  if (rq.seeds.length) {
    const seedSet = new Set(rq.seeds.map((s) => s.row));
    const seedIds = new Set(rq.seeds.map((s) => s.id));
    const test = (r: number) => !seedSet.has(r) && !(ids && seedIds.has(ids[r]));
    // With unique ids, the rows carrying a seed's id are exactly the seed rows.
    const exclude = ids && idIndex(ids).unique ? rowsOfIds(ids, seedIds) : undefined;
    out.push({ label: 'not a seed track', source: 'seeds', explain: false, test, keep: exclude ? keepNotIn(exclude, table.rowCount) : undefined });
  }
  if (rq.taste?.skips.length && ids) {
    const skipped = new Set(rq.taste.skips.map((s) => s.id));
    const exclude = idIndex(ids).unique ? rowsOfIds(ids, skipped) : undefined;
    out.push({
      label: `not skipped by ${rq.taste.user}`, source: `user ${rq.taste.user}`, explain: false,
      test: (r) => !skipped.has(ids[r]), keep: exclude ? keepNotIn(exclude, table.rowCount) : undefined,
    });
  }
  if (rq.moods.length) {
    const want = new Set(rq.moods.map((m) => m.index));
    const mask = classMask(classes.length, want);
    const wanted = [...want].sort((a, b) => a - b);
    out.push({
      label: `predicted mood is ${rq.moods.map((m) => m.name).join(' or ')}`, source: 'mood', explain: true,
      test: (r) => want.has(top[r]),
      keep: (rows, m) => {
        let k = 0;
        for (let i = 0; i < m; i++) { const r = rows[i]; if (mask[top[r]]) rows[k++] = r; }
        return k;
      },
      all: top === staticsOf(catalog).top && top.length === table.rowCount ? () => {
        const lists = rowsByTopMood(staticsOf(catalog), classes.length);
        if (wanted.length === 1) return lists[wanted[0]]?.slice() ?? new Int32Array(0);
        let len = 0;
        for (const j of wanted) len += lists[j]?.length ?? 0;
        return rowsWithMask(top, mask, len);
      } : undefined,
    });
  }
  const ctx = rq.context ? `context ${rq.context.name}` : '';
  if (rq.excludeClasses.length) {
    const ex = new Set(rq.excludeClasses);
    const mask = classMask(classes.length, ex);
    out.push({
      label: `predicted mood not ${rq.excludeClasses.map((j) => classes[j]).join('/')} (${ctx})`, source: ctx, explain: true,
      test: (r) => !ex.has(top[r]),
      keep: (rows, m) => {
        let k = 0;
        for (let i = 0; i < m; i++) { const r = rows[i]; if (!mask[top[r]]) rows[k++] = r; }
        return k;
      },
    });
  }
  if (rq.tempoBands?.length) {
    const bands = rq.tempoBands, col = table.numeric.tempo;
    const lo = Float64Array.from(bands, (b) => b[0]), hi = Float64Array.from(bands, (b) => b[1]), nb = bands.length;
    out.push({
      label: `tempo in ${bands.map(([a, b]) => `${a}–${b}`).join(' or ')} BPM (${ctx})`,
      source: ctx, explain: true,
      test: (r) => bands.some(([a, b]) => col[r] >= a && col[r] <= b),
      keep: (rows, m) => {
        let k = 0;
        for (let i = 0; i < m; i++) {
          const r = rows[i], v = col[r];
          for (let q = 0; q < nb; q++) if (v >= lo[q] && v <= hi[q]) { rows[k++] = r; break; }
        }
        return k;
      },
    });
  }
  for (const b of rq.bounds) {
    const col = table.numeric[b.knob];
    const name = b.source === 'query' ? `${b.op === '≥' ? 'min' : 'max'}_${b.knob} ${b.value}` : `${b.knob} ${b.op} ${b.value}`;
    const value = b.value;
    out.push({
      label: `${name} (${b.source})`, source: b.source, explain: true,
      test: b.op === '≥' ? (r) => col[r] >= value : (r) => col[r] <= value,
      keep: b.op === '≥'
        ? (rows, m) => { let k = 0; for (let i = 0; i < m; i++) { const r = rows[i]; if (col[r] >= value) rows[k++] = r; } return k; }
        : (rows, m) => { let k = 0; for (let i = 0; i < m; i++) { const r = rows[i]; if (col[r] <= value) rows[k++] = r; } return k; },
    });
  }
  return out;
}

/** The rows r (ascending) with mask[top[r]] set; `count` of them. */
function rowsWithMask(top: Int32Array, mask: Uint8Array, count: number): Int32Array {
  const rows = new Int32Array(count);
  for (let i = 0, k = 0; i < top.length; i++) if (mask[top[i]]) rows[k++] = i;
  return rows;
}

function classMask(classes: number, set: ReadonlySet<number>): Uint8Array {
  const mask = new Uint8Array(Math.max(classes, ...set, -1) + 1);
  for (const j of set) if (j >= 0) mask[j] = 1;
  return mask;
}

/** The rows whose id is in `want` (ids unique, so one row per id at most). */
function rowsOfIds(ids: readonly string[], want: ReadonlySet<string>): Int32Array {
  const first = idIndex(ids).first;
  const rows: number[] = [];
  for (const id of want) { const r = first.get(id); if (r !== undefined) rows.push(r); }
  return Int32Array.from(rows);
}

function keepNotIn(exclude: Int32Array, n: number): (rows: Int32Array, m: number) => number {
  const ne = exclude.length;
  if (ne > 8) {
    return (rows, m) => {
      const mask = new Uint8Array(n);
      for (let q = 0; q < ne; q++) mask[exclude[q]] = 1;
      let k = 0;
      for (let i = 0; i < m; i++) { const r = rows[i]; if (!mask[r]) rows[k++] = r; }
      return k;
    };
  }
  return (rows, m) => {
    let k = 0;
    outer: for (let i = 0; i < m; i++) {
      const r = rows[i];
      for (let q = 0; q < ne; q++) if (r === exclude[q]) continue outer;
      rows[k++] = r;
    }
    return k;
  };
}

function describeQuery(rq: ResolvedQuery, targets: ReadonlyMap<Knob, TargetSpec>, shifts: readonly TasteShift[]): Record<string, unknown> {
  const min: Record<string, number> = {}, max: Record<string, number> = {};
  for (const b of rq.bounds) {
    const m = b.op === '≥' ? min : max;
    m[b.knob] = m[b.knob] === undefined ? b.value : b.op === '≥' ? Math.max(m[b.knob], b.value) : Math.min(m[b.knob], b.value);
  }
  const q: Record<string, unknown> = {};
  if (rq.moods.length) q.moods = rq.moods.map((m) => m.name);
  if (rq.context) q.context = { name: rq.context.name, rules: describeContext(rq.context) };
  if (rq.seeds.length) q.seeds = rq.seeds.map((s) => s.id);
  if (rq.arc) q.arc = rq.arc.name;
  q.limit = rq.limit;
  q.lambda = rq.lambda;
  q.artistCap = `${rq.artistCap} per 20 tracks`;
  if (Object.keys(min).length) q.min = min;
  if (Object.keys(max).length) q.max = max;
  if (targets.size) q.target = Object.fromEntries([...targets].map(([k, t]) => [k, round(t.value)]));
  if (rq.tempoBands) q.tempoBands = rq.tempoBands;
  if (rq.taste) {
    q.user = rq.taste.user;
    q.tasteShifts = shifts.map((s) => ({ attribute: s.attribute, from: round(s.from), to: round(s.to), capped: s.capped, scale: knobScale(s.attribute) }));
  }
  return q;
}

function round(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}
