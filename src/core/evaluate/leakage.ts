/**
 * Leakage and circularity guards.
 *
 * 1. Overlap: a test set that shares tracks with the training set scores the model on rows it has
 *    seen. A model directory keeps compact 53-bit hashes of its training track ids and of each
 *    training row's feature vector (the six required audio features, rounded to 6 significant
 *    digits so 0.13699999999999998 and 0.137 agree), and `evaluate` drops test rows that match:
 *    by id, and by identical features (which also catches the same recording under another id,
 *    and rows with no id at all).
 * 2. Circularity: labels that a depth-2 decision tree reproduces with ≥ 0.98 cross-validated
 *    accuracy were almost surely made from the features (K-Means ids, hand-set thresholds). Any
 *    classifier's accuracy on them then measures agreement with the labeller, not mood.
 */
import { fitDecisionTree, treeCvAccuracy } from '../classify/decision-tree.ts';
import { REQUIRED_FEATURES } from '../data/features.ts';
import type { Matrix } from '../common/matrix.ts';
import { createRng } from '../common/random.ts';
import type { TrackTable } from '../data/track-table.ts';

/** cyrb53: a fast 53-bit string hash (exactly representable as a double). */
export function hash53(s: string, seed = 0): number {
  let h1 = 0xdeadbeef ^ seed, h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/** The features whose values identify a row across files (every track has them). */
export const ROW_HASH_FEATURES: readonly string[] = [...REQUIRED_FEATURES];

/** One hash per row of its required audio features (6 significant digits); NaN where a value is missing. */
export function featureRowHashes(table: TrackTable, features: readonly string[] = ROW_HASH_FEATURES): Float64Array {
  const cols = features.map((f) => table.numeric[f]);
  const out = new Float64Array(table.rowCount);
  for (let i = 0; i < table.rowCount; i++) {
    const parts: string[] = [];
    let ok = true;
    for (const col of cols) {
      const v = col?.[i];
      if (v === undefined || !Number.isFinite(v)) { ok = false; break; }
      parts.push(v === 0 ? '0' : v.toPrecision(6));
    }
    out[i] = ok ? hash53(parts.join('|')) : NaN;
  }
  return out;
}

/** One hash per row of its track id; NaN where the row has no id. */
export function idHashes(table: TrackTable): Float64Array {
  const ids = table.text.id;
  const out = new Float64Array(table.rowCount).fill(NaN);
  if (!ids) return out;
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]?.trim();
    if (id) out[i] = hash53(id);
  }
  return out;
}

/** What a model keeps about its training rows, for overlap checks. */
export interface TrainingIndex {
  /** Sorted unique id hashes of the training rows that had an id. */
  readonly ids: Float64Array;
  /** Sorted unique feature-row hashes of every training row. */
  readonly rows: Float64Array;
}

export function buildTrainingIndex(table: TrackTable): TrainingIndex {
  return { ids: sortedUnique(idHashes(table)), rows: sortedUnique(featureRowHashes(table)) };
}

function sortedUnique(a: Float64Array): Float64Array {
  const v = Array.from(a).filter((x) => !Number.isNaN(x)).sort((x, y) => x - y);
  const out: number[] = [];
  for (const x of v) if (out.length === 0 || out[out.length - 1] !== x) out.push(x);
  return Float64Array.from(out);
}

function contains(sorted: Float64Array, x: number): boolean {
  let lo = 0, hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] === x) return true;
    if (sorted[mid] < x) lo = mid + 1; else hi = mid - 1;
  }
  return false;
}

export interface OverlapResult {
  /** Test rows whose id is a training id. */
  readonly sharedIds: number;
  /** Test rows whose feature vector equals a training row's (whatever their id). */
  readonly identicalRows: number;
  /** Test rows with no id whose feature vector equals a training row's. */
  readonly identicalRowsWithoutId: number;
  /** Rows matching by id or by features: what deduplication removes. */
  readonly overlapping: number;
  /** Indices of the test rows that match neither way, in order. */
  readonly keep: Int32Array;
}

/** Compares a test table with a training index (see buildTrainingIndex). */
export function findOverlap(test: TrackTable, index: TrainingIndex): OverlapResult {
  const ids = idHashes(test), rows = featureRowHashes(test);
  let sharedIds = 0, identicalRows = 0, identicalRowsWithoutId = 0;
  const keep: number[] = [];
  for (let i = 0; i < test.rowCount; i++) {
    const byId = !Number.isNaN(ids[i]) && contains(index.ids, ids[i]);
    const byRow = !Number.isNaN(rows[i]) && contains(index.rows, rows[i]);
    if (byId) sharedIds++;
    if (byRow) { identicalRows++; if (Number.isNaN(ids[i])) identicalRowsWithoutId++; }
    if (!byId && !byRow) keep.push(i);
  }
  return { sharedIds, identicalRows, identicalRowsWithoutId, overlapping: test.rowCount - keep.length, keep: Int32Array.from(keep) };
}

export function overlapWarning(o: OverlapResult, removed: boolean): string | undefined {
  if (o.sharedIds === 0 && o.identicalRows === 0) return undefined;
  const what = `the test set shares ${o.sharedIds} track id${o.sharedIds === 1 ? '' : 's'} and ${o.identicalRows} identical feature row${o.identicalRows === 1 ? '' : 's'} with the model's training set`;
  return removed
    ? `leakage: ${what}; those ${o.overlapping} rows were left out of the scores (--keep-overlap scores them)`
    : `leakage: ${what}; the ${o.overlapping} overlapping rows are scored (--keep-overlap), so the numbers are inflated by tracks the model was trained on`;
}

export interface CircularityCheck {
  /** Cross-validated accuracy of a depth-2 decision tree on the labels. */
  readonly treeAccuracy: number;
  readonly threshold: number;
  readonly folds: number;
  /** Rows the check ran on (a seeded subsample on large inputs). */
  readonly rows: number;
  readonly circular: boolean;
  /** The depth-2 rules, in words, when the labels look circular. */
  readonly rules?: string;
}

export const CIRCULARITY_THRESHOLD = 0.98;

/**
 * Whether a depth-2 tree reproduces the labels (≥ threshold CV accuracy). X holds raw (or scaled:
 * trees do not care) feature values; at most maxRows rows are used, sampled with the seed.
 */
export function checkCircularity(
  X: Matrix, y: Int32Array, nClasses: number,
  options: { folds?: number; seed?: number; threshold?: number; maxRows?: number; featureNames?: readonly string[]; classes?: readonly string[] } = {},
): CircularityCheck {
  const threshold = options.threshold ?? CIRCULARITY_THRESHOLD;
  const maxRows = options.maxRows ?? 20_000;
  let Xs = X, ys = y;
  if (X.rows > maxRows) {
    const rng = createRng(options.seed ?? 0);
    const pick = new Int32Array(maxRows);
    // Partial Fisher–Yates: a uniform sample without replacement.
    const all = Int32Array.from({ length: X.rows }, (_, i) => i);
    for (let i = 0; i < maxRows; i++) {
      const j = i + rng.int(X.rows - i);
      const t = all[i]; all[i] = all[j]; all[j] = t;
      pick[i] = all[i];
    }
    pick.sort();
    Xs = { rows: maxRows, cols: X.cols, data: new Float64Array(maxRows * X.cols) };
    for (let i = 0; i < maxRows; i++) Xs.data.set(X.data.subarray(pick[i] * X.cols, (pick[i] + 1) * X.cols), i * X.cols);
    ys = Int32Array.from(pick, (i) => y[i]);
  }
  const counts = new Int32Array(nClasses);
  for (const v of ys) counts[v]++;
  const smallest = Math.min(...Array.from(counts).filter((c) => c > 0));
  const folds = Math.max(2, Math.min(options.folds ?? 5, smallest));
  const treeAccuracy = treeCvAccuracy(Xs, ys, nClasses, { maxDepth: 2, folds, seed: options.seed ?? 0 });
  const circular = treeAccuracy >= threshold;
  let rules: string | undefined;
  if (circular) {
    const tree = fitDecisionTree(Xs, ys, nClasses, { maxDepth: 2 });
    rules = describeTree(tree.root, options.featureNames, options.classes);
  }
  return { treeAccuracy, threshold, folds, rows: Xs.rows, circular, ...(rules ? { rules } : {}) };
}

function describeTree(node: ReturnType<typeof fitDecisionTree>['root'], names?: readonly string[], classes?: readonly string[], cond: string[] = []): string {
  if (node.leaf) return `${cond.length ? cond.join(' and ') : 'always'} → ${classes?.[node.klass] ?? node.klass}`;
  const f = names?.[node.feature!] ?? `x${node.feature}`;
  const t = +node.threshold!.toPrecision(4);
  return [
    describeTree(node.left!, names, classes, [...cond, `${f} ≤ ${t}`]),
    describeTree(node.right!, names, classes, [...cond, `${f} > ${t}`]),
  ].join('; ');
}

export function circularityWarning(c: CircularityCheck): string | undefined {
  if (!c.circular) return undefined;
  return `circular labels: a depth-2 decision tree reproduces them with ${(c.treeAccuracy * 100).toFixed(1)}% cross-validated accuracy (${c.rules ?? 'rules not shown'}), so they were most likely made from the features themselves; the reported accuracy then measures agreement with the labeller, not mood`;
}
