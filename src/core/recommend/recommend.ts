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
 *
 * recommend() runs the steps in order, each a function: resolveQuery (query.ts), buildConstraints
 * (build-constraints.ts) and applyConstraints (filter.ts), tasteTargets, seedDistances, selectRows
 * (scoring in score-pool.ts, MMR in mmr.ts, arcs in arcs.ts) and describeTracks; the catalogue's
 * kept values are in catalog-statics.ts, the catalogue itself in rec-catalog.ts.
 */
import type { TrackTable } from '../data/track-table.ts';
import { arcError, arcFitReport, sampleArc, selectArc, type ArcFitReport } from './arcs.ts';
import { buildConstraints } from './build-constraints.ts';
import { groupByProbability, probaColumn, releaseScratch, staticsOf, takeScratch, type CatalogStatics, type Scratch } from './catalog-statics.ts';
import { describeContext, type ContextSpec } from './contexts.ts';
import { DiversityGuard } from './diversity.ts';
import {
  arcReason, constraintsReason, moodReason, preferReason, scoreReason, seedReason, targetsReason,
  type ScoreParts,
} from './explain-why.ts';
import { applyConstraints, type FilterStep } from './filter.ts';
import { knobScale, type Knob } from './knobs.ts';
import { mmrSelect } from './mmr.ts';
import { adoptIdIndex, resolveQuery, type RecQuery, type ResolvedQuery, type TargetSpec } from './query.ts';
import type { RecCatalog } from './rec-catalog.ts';
import { scorePool, topScored, W_CONTEXT, W_MOOD, W_SEEDS, W_TARGETS } from './score-pool.ts';
import { EXACT_SCAN_LIMIT, rowVector, squaredDistance, topByScore } from './similarity.ts';
import { describeShifts, tasteShifts, type TasteShift } from './taste.ts';

import { moodsOfRows } from './rec-catalog.ts';
export { buildRecCatalog, topMoodIndex, type RecCatalog } from './rec-catalog.ts';
export { buildConstraints } from './build-constraints.ts';


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
  /** The tagging path's mood: the top mood, or `uncertain` below the model's threshold. */
  readonly mood: string;
  /** The most probable mood whatever the threshold. */
  readonly topMood: string;
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

export function recommend(catalog: RecCatalog, query: RecQuery, opts: RecOptions = {}): RecResult {
  const { table, classes } = catalog;
  const n = table.rowCount;
  // 1. the query
  const rq = resolveQuery(table, classes, query, opts.contexts);
  const st = staticsOf(catalog);
  if (catalog.rowOf && table.text.id) adoptIdIndex(table.text.id, catalog.rowOf);
  // 2. constraints
  const constraints = buildConstraints(catalog, rq, st.top);
  const filtered = applyConstraints(n, constraints);
  // 3. taste
  const { targets, shifts } = tasteTargets(table, rq, filtered.rows);
  // Per-row work arrays (length n, reused across queries); only entries of pool rows are written and read.
  const scratch = takeScratch(st, n);
  const step: Step = { catalog, st, rq, targets, seedRows: rq.seeds.map((s) => s.row), scratch };
  // 4. relevance: seed distances (which may narrow the pool to the seeds' neighbours), then scores
  const pool = seedDistances(step, filtered.rows, opts.exactLimit ?? EXACT_SCAN_LIMIT);
  // 5. selection
  const picked = selectRows(step, pool, opts.orderedScan ?? true);
  const warnings: string[] = [];
  if (picked.rows.length < rq.limit) {
    warnings.push(`only ${picked.rows.length} of ${rq.limit} tracks: the pool of ${pool.length} ran out under the diversity rules (≤ ${DIVERSITY.cap(rq)} per artist per ${DIVERSITY.per} tracks, no duplicate titles)`);
  }
  // reasons and output
  const tracks = describeTracks(step, picked, constraintsReason(constraints), rq.taste ? describeShifts(rq.taste, shifts) : undefined);
  releaseScratch(st, scratch);
  return {
    tracks,
    pool: { initial: n, afterFiltering: filtered.rows.length, steps: filtered.steps },
    query: describeQuery(rq, targets, shifts),
    arc: picked.arcReport,
    warnings: [...rq.notes, ...warnings],
    rows: picked.rows,
  };
}

/** What the steps after the constraints share. */
interface Step {
  readonly catalog: RecCatalog;
  readonly st: CatalogStatics;
  readonly rq: ResolvedQuery;
  /** The query's targets after the taste shifts. */
  readonly targets: ReadonlyMap<Knob, TargetSpec>;
  readonly seedRows: readonly number[];
  readonly scratch: Scratch;
}

/** The selection: the rows in playlist order, and for an arc its fit. */
interface Picked {
  readonly rows: number[];
  readonly arcReport?: ArcFitReport;
  readonly arcInfo?: { attributes: Knob[]; targets: Float64Array[] };
}

/** The diversity rule: at most artistCap tracks of an artist per 20. */
const DIVERSITY = { per: 20, cap: (rq: ResolvedQuery) => rq.artistCap };

/** Step 3: the targets with a taste profile's bounded shifts applied (taste.ts). */
function tasteTargets(table: TrackTable, rq: ResolvedQuery, pool: Int32Array): { targets: Map<Knob, TargetSpec>; shifts: TasteShift[] } {
  const targets = new Map<Knob, TargetSpec>(rq.targets);
  let shifts: TasteShift[] = [];
  if (rq.taste) {
    shifts = tasteShifts(rq.taste, (k) => {
      if (!table.numeric[k]) return undefined;
      return targets.get(k)?.value ?? poolMean(table.numeric[k], pool);
    });
    for (const s of shifts) targets.set(s.attribute, { value: s.to, weight: targets.get(s.attribute)?.weight ?? 0.5, source: 'taste' });
  }
  return { targets, shifts };
}

/**
 * Step 4, seeds: each pool row's distance to its nearest seed (into the scratch arrays). On a large
 * catalogue with an index, only the seeds' indexed neighbours are measured, and they become the pool
 * when there are enough of them. Returns the pool.
 */
function seedDistances(step: Step, filtered: Int32Array, exactLimit: number): Int32Array {
  const { catalog, rq, seedRows } = step;
  const { seedDist, seedNearest } = step.scratch;
  const { scaled, dims } = catalog, n = catalog.table.rowCount;
  let pool = filtered;
  if (!seedRows.length) return pool;
  resetSeeds(pool, seedDist, seedNearest);
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
  return pool;
}

/** The relevance terms of one row (for its reasons). */
function partsOf(step: Step, row: number): ScoreParts {
  const { catalog: { proba, dims }, rq, targets, seedRows, scratch } = step;
  const p: ScoreParts = {};
  const o = row * proba.cols;
  if (rq.moods.length) p.mood = Math.max(...rq.moods.map((m) => proba.data[o + m.index]));
  if (rq.preferClasses.length) p.context = Math.min(1, rq.preferClasses.reduce((a, j) => a + proba.data[o + j], 0));
  if (targets.size) p.targets = 1 - Math.min(1, 2 * scratch.tdist[row]);
  if (seedRows.length) p.seeds = Math.exp(-(scratch.seedDist[row] ** 2) / Math.max(dims, 1));
  return p;
}

/** The relevance of a row from its terms: their weighted mean. */
function combine(p: ScoreParts): number {
  let s = 0, w = 0;
  if (p.mood !== undefined) { s += W_MOOD * p.mood; w += W_MOOD; }
  if (p.context !== undefined) { s += W_CONTEXT * p.context; w += W_CONTEXT; }
  if (p.targets !== undefined) { s += W_TARGETS * p.targets; w += W_TARGETS; }
  if (p.seeds !== undefined) { s += W_SEEDS * p.seeds; w += W_SEEDS; }
  return w ? s / w : 0;
}

/**
 * Step 4 scoring and step 5 selection. Without an arc: MMR over the best-scored candidates (scored
 * only as far as they can make the candidates), under the diversity rules. With an arc: a greedy
 * fit to the curve, relevance as a small tie-breaking cost.
 */
function selectRows(step: Step, pool: Int32Array, orderedScan: boolean): Picked {
  const { catalog, st, rq, targets, seedRows, scratch } = step;
  const { table, classes, proba, scaled, dims } = catalog;
  const { score, tdist, seedDist } = scratch;
  const num = (k: string, row: number) => table.numeric[k]?.[row] ?? NaN;
  const scoreAll = () => scorePool(pool, proba, rq, targets, table, seedRows.length ? seedDist : undefined, dims, score, tdist);
  const rule = { cap: DIVERSITY.cap(rq), per: DIVERSITY.per };
  if (rq.arc) {
    scoreAll();
    const guard = new DiversityGuard(table, rq.limit, rule);
    const arcInfo = sampleArc(rq.arc, rq.limit);
    const hasScore = rq.moods.length || rq.preferClasses.length || targets.size || seedRows.length;
    const rows = selectArc(arcInfo.attributes, arcInfo.targets, pool, (r, a) => num(a, r), {
      columns: arcInfo.attributes.map((a) => table.numeric[a]),
      extraCost: hasScore ? (r) => 0.1 * (1 - score[r]) : undefined,
      accept: (r) => guard.accepts(r),
      take: (r) => guard.add(r),
    });
    const actual = rows.map((r) => Float64Array.from(arcInfo.attributes, (a) => num(a, r)));
    return { rows, arcInfo, arcReport: arcFitReport(rq.arc, arcInfo.attributes, arcInfo.targets.slice(0, rows.length), actual) };
  }
  const pick = (cands: Int32Array) => {
    const guard = new DiversityGuard(table, rq.limit, rule);
    return mmrSelect(cands, score, scaled, dims, { k: rq.limit, lambda: rq.lambda, accept: (r) => guard.accepts(r), take: (r) => guard.add(r) });
  };
  const m = Math.min(pool.length, Math.max(rq.limit * 15, 300));
  // topByScore(pool, score, m) without scoring in full the rows that cannot make the top m.
  let rows = pick(topScored(pool, proba, rq, targets, table, seedRows.length ? seedDist : undefined, dims, score, tdist, m, {
    column: (j) => probaColumn(st, proba, j),
    group: (j) => groupByProbability(st, proba, classes.length, j),
    mask: scratch.inPool,
    ordered: orderedScan,
  }));
  if (rows.length < rq.limit && m < pool.length) { scoreAll(); rows = pick(topByScore(pool, score, pool.length)); }
  return { rows };
}

/** The output tracks: features, mood, score and the reasons for each. */
function describeTracks(step: Step, picked: Picked, constraintLine: string | undefined, tasteLine: string | undefined): RecTrack[] {
  const { catalog, st, rq, targets, seedRows, scratch } = step;
  const { table, classes, proba } = catalog;
  const { tdist, seedDist, seedNearest } = scratch;
  const { arcReport, arcInfo } = picked;
  const num = (k: string, row: number) => table.numeric[k]?.[row] ?? NaN;
  const ids = table.text.id, names = table.text.name, artists = table.text.artist;
  const seedLabel = (si: number) => {
    const r = seedRows[si];
    const nm = names?.[r], ar = artists?.[r];
    return nm ? `"${nm}"${ar ? ` by ${ar}` : ''} (${rq.seeds[si].id})` : rq.seeds[si].id;
  };
  const numericCols = Object.keys(table.numeric);
  const moods = moodsOfRows(catalog, picked.rows);
  return picked.rows.map((r, pos) => {
    const o = r * proba.cols;
    const pr = proba.data.subarray(o, o + proba.cols);
    const parts = partsOf(step, r);
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
      mood: moods[pos].mood,
      topMood: moods[pos].topMood,
      confidence: round(moods[pos].confidence),
      score: round(s),
      why,
      ...features,
    };
  });
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

