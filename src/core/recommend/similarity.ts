/**
 * "More like this": nearest neighbours in the scaled feature space.
 *
 * The space is a row-major Float32Array (rows × dims) of z-scored audio features. Exact search is a
 * plain scan with a bounded max-heap (≈14 ms per query at 1M × 12 on one core); above
 * EXACT_SCAN_LIMIT rows the recommender uses a NearestNeighbourIndex (HNSW, built in io/).
 */
import type { TrackTable } from '../data/track-table.ts';

/** Catalogues up to this many rows are searched exactly; above it an approximate index is used. */
export const EXACT_SCAN_LIMIT = 200_000;

/** Features of the similarity space, in order, when the table has them (key is circular: left out). */
export const SIMILARITY_FEATURES = [
  'valence', 'danceability', 'energy', 'acousticness', 'instrumentalness', 'liveness', 'speechiness',
  'tempo', 'loudness', 'mode', 'duration_ms',
] as const;

export interface Neighbours {
  /** Row numbers, nearest first. */
  readonly rows: Int32Array;
  /** Euclidean distances, ascending. */
  readonly distances: Float32Array;
}

/** Anything that answers k-nearest-neighbour queries over the rows of the scaled space. */
export interface NearestNeighbourIndex {
  readonly kind: string;
  readonly size: number;
  search(query: Float32Array, k: number): Neighbours;
}

export interface ScaledSpace {
  readonly scaled: Float32Array;
  readonly dims: number;
  readonly features: readonly string[];
  readonly mean: Float64Array;
  readonly std: Float64Array;
}

/** Z-scores the similarity features present in the table (missing cells become the mean, 0). */
export function buildScaledSpace(table: TrackTable, features: readonly string[] = SIMILARITY_FEATURES): ScaledSpace {
  const used = features.filter((f) => table.numeric[f] !== undefined);
  const n = table.rowCount, d = used.length;
  const scaled = new Float32Array(n * d);
  const mean = new Float64Array(d), std = new Float64Array(d);
  used.forEach((f, j) => {
    const col = table.numeric[f];
    let s = 0, c = 0;
    for (let i = 0; i < n; i++) if (Number.isFinite(col[i])) { s += col[i]; c++; }
    const m = c ? s / c : 0;
    let v = 0;
    for (let i = 0; i < n; i++) if (Number.isFinite(col[i])) v += (col[i] - m) ** 2;
    const sd = c ? Math.sqrt(v / c) : 0;
    mean[j] = m; std[j] = sd > 1e-12 ? sd : 1;
    for (let i = 0; i < n; i++) scaled[i * d + j] = Number.isFinite(col[i]) ? (col[i] - m) / std[j] : 0;
  });
  return { scaled, dims: d, features: used, mean, std };
}

export function squaredDistance(a: Float32Array, ai: number, b: Float32Array, bi: number, dims: number): number {
  let s = 0;
  for (let j = 0; j < dims; j++) { const t = a[ai + j] - b[bi + j]; s += t * t; }
  return s;
}

/** The vector of one row (a view, not a copy). */
export function rowVector(scaled: Float32Array, dims: number, row: number): Float32Array {
  return scaled.subarray(row * dims, (row + 1) * dims);
}

/**
 * Exact k nearest rows to `query` by a full scan. `accept` (optional) skips rows, e.g. outside the
 * filtered pool or the seeds themselves.
 */
export function exactNearest(
  scaled: Float32Array, dims: number, query: Float32Array, k: number, accept?: (row: number) => boolean,
): Neighbours {
  const n = scaled.length / dims;
  const heap = new BoundedMaxHeap(Math.min(k, n));
  for (let i = 0, off = 0; i < n; i++, off += dims) {
    let s = 0;
    for (let j = 0; j < dims; j++) { const t = scaled[off + j] - query[j]; s += t * t; }
    if (s < heap.worst() && (accept === undefined || accept(i))) heap.push(i, s);
  }
  const { ids, keys } = heap.sorted();
  const distances = new Float32Array(keys.length);
  for (let i = 0; i < keys.length; i++) distances[i] = Math.sqrt(keys[i]);
  return { rows: ids, distances };
}

/** The exact scan as a NearestNeighbourIndex. */
export function exactIndex(scaled: Float32Array, dims: number): NearestNeighbourIndex {
  return { kind: 'exact', size: scaled.length / dims, search: (q, k) => exactNearest(scaled, dims, q, k) };
}

/** Share of the exact top-k that the approximate top-k found, averaged over queries. */
export function recallAtK(exact: readonly Neighbours[], approx: readonly Neighbours[], k: number): number {
  let hit = 0, total = 0;
  for (let q = 0; q < exact.length; q++) {
    const truth = new Set(exact[q].rows.subarray(0, k));
    const got = approx[q].rows.subarray(0, k);
    for (const r of got) if (truth.has(r)) hit++;
    total += Math.min(k, truth.size);
  }
  return total ? hit / total : 1;
}

/**
 * Keeps the `capacity` entries with the smallest (key, id) pairs — the smallest keys, the lower id
 * among equal keys — whatever order they are pushed in. `worst()` is the largest kept key (Infinity
 * until full), so a scan can skip a row with one comparison.
 */
export class BoundedMaxHeap {
  private readonly ids: Int32Array;
  private readonly keys: Float64Array;
  private n = 0;
  constructor(readonly capacity: number) {
    this.ids = new Int32Array(Math.max(capacity, 1));
    this.keys = new Float64Array(Math.max(capacity, 1));
  }
  get length(): number { return this.n; }
  worst(): number { return this.n < this.capacity ? Infinity : this.keys[0]; }
  /** The id of the worst kept entry (meaningful once full). */
  worstId(): number { return this.ids[0]; }
  push(id: number, key: number): void {
    if (this.capacity === 0) return;
    const keys = this.keys, ids = this.ids;
    if (this.n < this.capacity) {
      let i = this.n++;
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (keys[p] > key || (keys[p] === key && ids[p] > id)) break;
        keys[i] = keys[p]; ids[i] = ids[p]; i = p;
      }
      keys[i] = key; ids[i] = id;
      return;
    }
    if (key > keys[0] || (key === keys[0] && id > ids[0])) return;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1, r = l + 1;
      let m = i, mk = key, mi = id;
      if (l < this.n && (keys[l] > mk || (keys[l] === mk && ids[l] > mi))) { m = l; mk = keys[l]; mi = ids[l]; }
      if (r < this.n && (keys[r] > mk || (keys[r] === mk && ids[r] > mi))) { m = r; mk = keys[r]; mi = ids[r]; }
      if (m === i) break;
      keys[i] = keys[m]; ids[i] = ids[m]; i = m;
    }
    keys[i] = key; ids[i] = id;
  }
  /** Entries by ascending (key, id), for determinism; the heap keeps them. */
  sorted(): { ids: Int32Array; keys: Float64Array } {
    // Heap sort on a copy: the largest (key, id) goes last, and so on down.
    const n = this.n;
    const ids = this.ids.slice(0, n), keys = this.keys.slice(0, n);
    for (let end = n - 1; end > 0; end--) {
      const k0 = keys[0], i0 = ids[0];
      keys[0] = keys[end]; ids[0] = ids[end];
      keys[end] = k0; ids[end] = i0;
      siftDown(keys, ids, end);
    }
    return { ids, keys };
  }
}

/** Restores the max-heap order by (key, id) of keys/ids[0, n) after the root was replaced. */
function siftDown(keys: Float64Array, ids: Int32Array, n: number): void {
  const key = keys[0], id = ids[0];
  let i = 0;
  for (;;) {
    const l = 2 * i + 1, r = l + 1;
    let m = i, mk = key, mi = id;
    if (l < n && (keys[l] > mk || (keys[l] === mk && ids[l] > mi))) { m = l; mk = keys[l]; mi = ids[l]; }
    if (r < n && (keys[r] > mk || (keys[r] === mk && ids[r] > mi))) { m = r; mk = keys[r]; mi = ids[r]; }
    if (m === i) break;
    keys[i] = keys[m]; ids[i] = ids[m]; i = m;
  }
  keys[i] = key; ids[i] = id;
}

/** The `k` rows of `rows` with the largest `score[row]`, best first (ties: lower row first). */
export function topByScore(rows: ArrayLike<number>, score: Float64Array, k: number): Int32Array {
  const heap = new BoundedMaxHeap(Math.min(k, rows.length));
  pushByScore(heap, rows, score);
  return heap.sorted().ids;
}

/**
 * heap.push(row, −score[row]) for every row (smallest key = largest score; sorted() breaks ties by
 * row), with push's own "not better than the worst kept" test done here first, so that most rows
 * cost one comparison. A separate function, so the hot loop's optimised code has nothing after it.
 */
function pushByScore(heap: BoundedMaxHeap, rows: ArrayLike<number>, score: Float64Array): void {
  let worst = heap.worst();
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    const key = -score[r];
    if (key >= worst) continue;
    heap.push(r, key);
    worst = heap.worst();
  }
}
