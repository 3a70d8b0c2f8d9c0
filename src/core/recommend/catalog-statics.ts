/**
 * What recommend() derives from a catalogue once and keeps beside it (a WeakMap keyed by the
 * catalogue, so it goes when the catalogue does): top mood per row, rows per top mood, probability
 * columns and groups, and the per-row work arrays.
 */
import type { Matrix } from '../common/matrix.ts';
import { topMoodIndex, type RecCatalog } from './rec-catalog.ts';

export interface Scratch {
  readonly score: Float64Array;
  readonly tdist: Float64Array;
  readonly seedDist: Float64Array;
  readonly seedNearest: Int32Array;
  /** Pool membership, all zero between uses. */
  readonly inPool: Uint8Array;
}

/** What recommend() derives from a catalogue once and reuses for every query on it. */
export interface CatalogStatics {
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

export function staticsOf(catalog: RecCatalog): CatalogStatics {
  let st = statics.get(catalog);
  if (!st) {
    st = { top: catalog.topMood ?? topMoodIndex(catalog.proba) };
    statics.set(catalog, st);
  }
  return st;
}

export function rowsByTopMood(st: CatalogStatics, classes: number): Int32Array[] {
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
export interface MoodGroup {
  readonly rows: Int32Array;
  readonly prob: Float64Array;
}

export function groupByProbability(st: CatalogStatics, proba: Matrix, classes: number, j: number): MoodGroup {
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

export function probaColumn(st: CatalogStatics, proba: Matrix, j: number): Float64Array {
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
export function takeScratch(st: CatalogStatics, n: number): Scratch {
  const s = st.scratch;
  if (s && s.score.length === n) { st.scratch = undefined; return s; }
  return { score: new Float64Array(n), tdist: new Float64Array(n), seedDist: new Float64Array(n), seedNearest: new Int32Array(n), inPool: new Uint8Array(n) };
}

export function releaseScratch(st: CatalogStatics, s: Scratch): void {
  st.scratch = s;
}
