/**
 * K-Means (Lloyd) with greedy k-means++ seeding and `nInit` restarts, following scikit-learn's
 * `cluster/_kmeans.py`:
 *
 * - Seeding: sklearn's greedy k-means++ — the first centre uniformly at random, then at each step
 *   `2 + floor(ln k)` candidates drawn with probability ∝ D(x)², keeping the candidate that lowers
 *   the potential (sum of squared distances to the nearest centre) most.
 * - Iterations: assign every row to its nearest centre, move centres to the means. An emptied
 *   cluster is re-seeded with the row farthest from its centre (sklearn's relocation).
 * - Stop when labels do not change ("strict convergence") or when the total squared centre shift
 *   is ≤ `tol · mean(column variances)` (sklearn's `_tolerance`), or after `maxIter` iterations.
 *   Without strict convergence a final assignment step makes labels match the returned centres.
 * - Restarts: `nInit` runs from one seeded generator; the lowest inertia wins (the first run on
 *   ties). k-means++ makes a fixed number of draws and Lloyd none, so every restart's draws are
 *   taken first, in restart order, and the restarts — seeding included — can run on several
 *   threads (a `KMeansRestartRunner`) with results equal to running them in turn.
 *
 * Kernels are plain loops over Float64Array (or the WebAssembly SIMD kernel of
 * wasm/kmeans-kernel.ts) with no allocation inside the iteration loop.
 */
import { assertWidth, matrix, type Matrix } from '../common/matrix.ts';
import { readState, type ModelState } from '../classify/model-state.ts';
import { assertFiniteMatrix, finite, integer, resolveOptions, seedCheck } from '../common/options.ts';
import { createRng, type Rng } from '../common/random.ts';
import { DEFAULT_KERNELS, kernelsCheck, savedOptions, type Kernels } from '../common/kernels.ts';
import { F64Arena } from '../wasm/kernels.ts';
import { bindKMeansKernel, createSharedKMeansMemory, instantiateKMeansKernel, type KMeansWasmKernel } from '../wasm/kmeans-kernel.ts';

/** Fewest rows for which predict copies them into WebAssembly memory. */
const WASM_MIN_PREDICT_ROWS = 1024;

export interface KMeansOptions {
  /** Number of clusters. */
  k: number;
  /** Independent k-means++ restarts; the lowest inertia is kept. */
  nInit: number;
  /** Lloyd iterations per restart. */
  maxIter: number;
  /** Relative tolerance on the total squared centre shift (scaled by the mean column variance). */
  tol: number;
  seed: number;
  /**
   * 'wasm': the assignment step and k-means++ run on the WebAssembly SIMD kernel of
   * wasm/kmeans-kernel.ts where available; 'ts': TypeScript only. Bit-identical labels, centres,
   * inertia and iteration counts either way (see common/kernels.ts).
   */
  kernels: Kernels;
}

export const KMEANS_DEFAULTS: KMeansOptions = { k: 4, nInit: 10, maxIter: 300, tol: 1e-4, seed: 0, kernels: DEFAULT_KERNELS };

const KMEANS_CHECKS = {
  k: integer(1),
  nInit: integer(1),
  maxIter: integer(1),
  tol: finite({ min: 0 }),
  seed: seedCheck,
  kernels: kernelsCheck,
};

export function resolveKMeansOptions(partial?: Partial<KMeansOptions>): KMeansOptions {
  return resolveOptions(KMEANS_DEFAULTS, partial, KMEANS_CHECKS, 'KMeans');
}

export class KMeans {
  readonly options: Partial<KMeansOptions>;
  constructor(options: Partial<KMeansOptions> = {}) {
    this.options = { ...options };
  }

  /** `runRestarts` decides where the restarts run (e.g. worker threads); the result does not depend on it. */
  fit(X: Matrix, runRestarts: KMeansRestartRunner = restartsInline): FittedKMeans {
    const o = resolveKMeansOptions(this.options);
    if (X.rows < o.k) throw new RangeError(`KMeans: option "k" must be ≤ the number of rows (${X.rows}), got ${o.k}`);
    if (X.cols < 1) throw new RangeError('KMeans: input has no columns');
    assertFiniteMatrix(X, 'KMeans');
    const r = kmeansFit(X, o, createRng(o.seed), runRestarts);
    return new FittedKMeans(o, X.cols, r.centroids, r.inertia, r.nIter, r.labels);
  }
}

export class FittedKMeans {
  constructor(
    readonly options: KMeansOptions,
    readonly nFeatures: number,
    /** k × nFeatures. */
    readonly centroids: Matrix,
    /** Sum of squared distances of the training rows to their centre. */
    readonly inertia: number,
    /** Lloyd iterations of the winning restart. */
    readonly nIter: number,
    /** Cluster of each training row. */
    readonly labels: Int32Array,
  ) {}

  get k(): number {
    return this.centroids.rows;
  }

  /** Index of the nearest centre for each row. */
  predict(X: Matrix): Int32Array {
    assertWidth(X, this.nFeatures, 'KMeans');
    const labels = new Int32Array(X.rows);
    assignNearest(X, this.centroids, labels, null, this.options.kernels);
    return labels;
  }

  /** Minus the inertia of X against the fitted centres (sklearn's `score`). */
  score(X: Matrix): number {
    assertWidth(X, this.nFeatures, 'KMeans');
    const labels = this.predict(X);
    return -inertiaOf(X, this.centroids, labels);
  }

  toState(): ModelState {
    return {
      kind: 'kmeans',
      formatVersion: 1,
      config: { options: savedOptions(this.options), nFeatures: this.nFeatures, inertia: this.inertia, nIter: this.nIter },
      arrays: { centroids: Float64Array.from(this.centroids.data), labels: Int32Array.from(this.labels) },
    };
  }

  static fromState(s: ModelState): FittedKMeans {
    const r = readState(s, 'kmeans', 1);
    const options = r.options(resolveKMeansOptions);
    const nFeatures = r.int('nFeatures', 1);
    const c = r.array('centroids', 'float64', options.k * nFeatures);
    const labels = Int32Array.from(r.array('labels', 'int32'));
    return new FittedKMeans(options, nFeatures, matrix(options.k, nFeatures, Float64Array.from(c)), r.number('inertia'), r.int('nIter', 0), labels);
  }
}

// ---- private kernels (take validated arrays) -------------------------------------------------

export interface KMeansRun {
  centroids: Matrix;
  labels: Int32Array;
  inertia: number;
  nIter: number;
}

/** The random draws one restart's k-means++ makes (see `drawSeeding`). */
export interface KMeansSeeding {
  /** The first centre's row. */
  readonly first: number;
  /** The uniform draws choosing the candidates of the other centres, in order. */
  readonly uniforms: Float64Array;
}

/** Candidates k-means++ scores per centre (sklearn's 2 + floor(ln k)). */
function localTrials(k: number): number {
  return 2 + Math.floor(Math.log(k));
}

/** Takes from `rng` exactly the draws `kmeansPlusPlus` would take for k centres over n rows. */
export function drawSeeding(rng: Rng, n: number, k: number): KMeansSeeding {
  const first = rng.int(n);
  const uniforms = new Float64Array((k - 1) * localTrials(k));
  for (let t = 0; t < uniforms.length; t++) uniforms[t] = rng.next();
  return { first, uniforms };
}

/** A generator replaying one restart's recorded draws to `kmeansPlusPlus`. */
function replay(seeding: KMeansSeeding): Rng {
  let t = 0, firstTaken = false;
  const unexpected = (): never => { throw new Error('kmeans++ drew differently from its recorded seeding'); };
  return {
    int: () => (firstTaken ? unexpected() : ((firstTaken = true), seeding.first)),
    next: () => (t < seeding.uniforms.length ? seeding.uniforms[t++] : unexpected()),
    normal: unexpected,
    fork: unexpected,
  };
}

/** The k-means++ centres of one restart (computed in `scratch` when given). */
export function seedCentres(X: Matrix, k: number, seeding: KMeansSeeding, scratch?: SeedingScratch): Matrix {
  return kmeansPlusPlus(X, k, replay(seeding), scratch);
}

/** The runs of one fit: every restart's k-means++ draws, in restart order. */
export interface KMeansRestartJob {
  readonly X: Matrix;
  readonly k: number;
  readonly seedings: readonly KMeansSeeding[];
  readonly maxIter: number;
  /** Absolute tolerance on the total squared centre shift. */
  readonly tolAbs: number;
  readonly kernels: Kernels;
}

/**
 * Seeds and runs Lloyd for each restart of the job and returns the run with the lowest inertia
 * (the earliest restart on ties), as running them in turn would. Injected by callers that have
 * threads (src/app/parallel); the default runs them in turn.
 */
export type KMeansRestartRunner = (job: KMeansRestartJob) => KMeansRun;

/**
 * The winning restart among runs offered in any order (worker threads finish out of order): the
 * lowest inertia, the earliest restart on ties — what running them in turn keeps. Only the best
 * run is held (at 1M rows each run's labels are 4 MB).
 */
export class RestartWinner {
  private best: KMeansRun | null = null;
  private bestIndex = -1;
  offer(run: KMeansRun, index: number): void {
    const b = this.best;
    if (b === null || run.inertia < b.inertia || (run.inertia === b.inertia && index < this.bestIndex)) {
      this.best = run;
      this.bestIndex = index;
    }
  }
  get run(): KMeansRun {
    if (this.best === null) throw new Error('KMeans: no restart finished');
    return this.best;
  }
}

/** The default runner: one restart after the other, in this thread, sharing one workspace. */
export const restartsInline: KMeansRestartRunner = (job) => {
  const { X, k, seedings, maxIter, tolAbs } = job;
  const ws = new LloydWorkspace(X.rows, X.cols, k, job.kernels === 'wasm' ? WasmAssign.create(X, k) : null);
  const winner = new RestartWinner();
  const scratch = ws.wasm?.seedingScratch();
  seedings.forEach((seeding, i) => winner.offer(lloyd(X, seedCentres(X, k, seeding, scratch), maxIter, tolAbs, ws), i));
  return winner.run;
};

/** All restarts; options must already be validated and X checked. */
export function kmeansFit(X: Matrix, o: KMeansOptions, rng: Rng, runRestarts: KMeansRestartRunner = restartsInline): KMeansRun {
  const tolAbs = o.tol * meanColumnVariance(X);
  const seedings: KMeansSeeding[] = [];
  for (let run = 0; run < o.nInit; run++) seedings.push(drawSeeding(rng, X.rows, o.k));
  return runRestarts({ X, k: o.k, seedings, maxIter: o.maxIter, tolAbs, kernels: o.kernels });
}

// ---- restarts on shared memory (for worker threads) -----------------------------------------

/**
 * The rows of a fit in one shared WebAssembly memory, with a scratch slot (packed centres,
 * labels, M-step sums) per thread. The memory's buffer is a
 * SharedArrayBuffer, so posting this object to a worker thread shares the rows instead of copying
 * them, and each thread runs the same SIMD kernel on its own slot.
 */
export interface SharedKMeansRows {
  readonly memory: WebAssembly.Memory;
  readonly n: number;
  readonly d: number;
  readonly k: number;
  readonly slots: number;
}

/** Copies the job's rows into a new shared memory with `slots` scratch slots; null without shared WebAssembly memory or SIMD. */
export function shareKMeansRows(job: KMeansRestartJob, slots: number): SharedKMeansRows | null {
  const { X } = job;
  const n = X.rows, d = X.cols, k = job.k;
  if (job.kernels !== 'wasm') return null;
  const memory = createSharedKMeansMemory(F64Arena.bytesFor(assignLengths(n, d, k, slots)));
  if (!memory || !bindKMeansKernel(d, k, memory)) return null;
  const rows: SharedKMeansRows = { memory, n, d, k, slots };
  assignViews(new F64Arena(memory), n, d, k, slots).x.set(X.data);
  return rows;
}

/**
 * One restart of the job — its k-means++ seeding, then Lloyd — on shared rows, using scratch
 * `slot` (each thread its own). Equal to the same restart run by `restartsInline`.
 */
export function lloydRestartShared(rows: SharedKMeansRows, slot: number, seeding: KMeansSeeding, maxIter: number, tolAbs: number): KMeansRun {
  const { memory, n, d, k, slots } = rows;
  if (!(slot >= 0 && slot < slots)) throw new RangeError(`lloydRestartShared: slot ${slot} outside 0..${slots - 1}`);
  const kern = bindKMeansKernel(d, k, memory);
  if (!kern) throw new Error('lloydRestartShared: the WebAssembly kernel cannot bind the shared memory');
  const views = assignViews(new F64Arena(memory), n, d, k, slots);
  const wasm = new WasmAssign(kern, n, d, k, views.x, views.slots[slot]);
  const X = matrix(n, d, views.x);
  return lloyd(X, seedCentres(X, k, seeding, wasm.seedingScratch()), maxIter, tolAbs, new LloydWorkspace(n, d, k, wasm));
}

function meanColumnVariance(X: Matrix): number {
  const n = X.rows, d = X.cols, x = X.data;
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += x[i * d + j];
  for (let j = 0; j < d; j++) mean[j] /= n;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const o = i * d;
    for (let j = 0; j < d; j++) {
      const t = x[o + j] - mean[j];
      total += t * t;
    }
  }
  return total / n / d;
}

/**
 * Where k-means++ works: three n-length buffers and the pass that fills one with each row's
 * squared distance to a row of X (capped by another buffer). The TypeScript one allocates them;
 * the WebAssembly one (WasmAssign.seedingScratch) has them in the kernel's memory.
 */
export interface SeedingScratch {
  readonly buffers: readonly [Float64Array, Float64Array, Float64Array];
  distancesTo(row: number, out: Float64Array, cap: Float64Array | null): number;
}

function typeScriptScratch(X: Matrix): SeedingScratch {
  const n = X.rows, d = X.cols, x = X.data;
  return {
    buffers: [new Float64Array(n), new Float64Array(n), new Float64Array(n)],
    distancesTo: (row, out, cap) => distancesTo(x, n, d, row * d, out, cap),
  };
}

/**
 * sklearn's greedy k-means++: returns k × d initial centres. Uses two n-length distance buffers
 * (current best and candidate) instead of a trials × n matrix.
 */
export function kmeansPlusPlus(X: Matrix, k: number, rng: Rng, scratch: SeedingScratch = typeScriptScratch(X)): Matrix {
  // Distances here are computed directly (x − c)²: exact, and as cheap as the norm expansion for small d.
  const n = X.rows, d = X.cols, x = X.data;
  const centres = matrix(k, d);
  const c = centres.data;
  const nLocal = localTrials(k);
  let [closest, candDist, bestDist] = scratch.buffers;
  const candIds = new Int32Array(nLocal);

  const first = rng.int(n);
  c.set(x.subarray(first * d, first * d + d), 0);
  scratch.distancesTo(first, closest, null);

  for (let ci = 1; ci < k; ci++) {
    // The cumulative sums live in bestDist, free until the first candidate is scored (one n-length
    // buffer less per thread: 8 MB at 1M rows).
    const cumsum = bestDist;
    let acc = 0;
    for (let i = 0; i < n; i++) {
      acc += closest[i];
      cumsum[i] = acc;
    }
    for (let t = 0; t < nLocal; t++) candIds[t] = searchSorted(cumsum, rng.next() * acc);
    let bestPot = Infinity;
    let bestId = candIds[0];
    for (let t = 0; t < nLocal; t++) {
      const cid = candIds[t];
      const p = scratch.distancesTo(cid, candDist, closest);
      if (p < bestPot) {
        bestPot = p;
        bestId = cid;
        const tmp = bestDist; bestDist = candDist; candDist = tmp;
      }
    }
    const tmp = closest; closest = bestDist; bestDist = tmp;
    c.set(x.subarray(bestId * d, bestId * d + d), ci * d);
  }
  return centres;
}

/**
 * out[i] = (x_i − x_c)² for the row at offset `co`, or min(that, cap[i]) with a cap; returns the
 * sum of out in row order. Four rows per pass, each with its own accumulator: every row's sum
 * still runs over j in order (the values are those of sqDistRows), but four independent chains of
 * additions run at once instead of one — the loop was bound by the latency of each row's adds.
 */
function distancesTo(x: Float64Array, n: number, d: number, co: number, out: Float64Array, cap: Float64Array | null): number {
  let total = 0;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    const o0 = i * d, o1 = o0 + d, o2 = o1 + d, o3 = o2 + d;
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (let j = 0; j < d; j++) {
      const v = x[co + j];
      const t0 = x[o0 + j] - v, t1 = x[o1 + j] - v, t2 = x[o2 + j] - v, t3 = x[o3 + j] - v;
      s0 += t0 * t0; s1 += t1 * t1; s2 += t2 * t2; s3 += t3 * t3;
    }
    if (cap) {
      if (cap[i] < s0) s0 = cap[i];
      if (cap[i + 1] < s1) s1 = cap[i + 1];
      if (cap[i + 2] < s2) s2 = cap[i + 2];
      if (cap[i + 3] < s3) s3 = cap[i + 3];
    }
    out[i] = s0; out[i + 1] = s1; out[i + 2] = s2; out[i + 3] = s3;
    total += s0; total += s1; total += s2; total += s3;
  }
  for (; i < n; i++) {
    let s = sqDistRows(x, i * d, x, co, d);
    if (cap && cap[i] < s) s = cap[i];
    out[i] = s;
    total += s;
  }
  return total;
}

/** First index i with cumsum[i] ≥ v (numpy searchsorted 'left'), clipped to n − 1. */
function searchSorted(cumsum: Float64Array, v: number): number {
  let lo = 0, hi = cumsum.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cumsum[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function sqDistRows(a: Float64Array, ao: number, b: Float64Array, bo: number, d: number): number {
  let s = 0;
  for (let j = 0; j < d; j++) {
    const t = a[ao + j] - b[bo + j];
    s += t * t;
  }
  return s;
}

/** Per-thread buffers of the assignment kernel: packed centres and norms, labels, M-step sums. */
interface AssignSlot {
  readonly ct: Float64Array;
  readonly cn: Float64Array;
  readonly labels: Int32Array;
  readonly sums: Float64Array;
  readonly counts: Float64Array;
  /** k-means++'s three distance buffers. */
  readonly seeding: [Float64Array, Float64Array, Float64Array];
}

/** Float64 lengths of the kernel's buffers, in allocation order (see assignViews); prediction needs no seeding buffers. */
function assignLengths(n: number, d: number, k: number, slots: number, seeding = true): number[] {
  const P = (k + 1) >> 1;
  const m = seeding ? n : 0;
  const slot = [P * d * 2, P * 2, (n + 1) >> 1, k * d, k, m, m, m];
  return [n * d, ...Array.from({ length: slots }, () => slot).flat()];
}

/** The kernel's buffers carved from an arena, always in the same order, so every thread finds them at the same offsets. */
function assignViews(arena: F64Arena, n: number, d: number, k: number, slots: number, seeding = true): { x: Float64Array; slots: AssignSlot[] } {
  const P = (k + 1) >> 1;
  const m = seeding ? n : 0;
  const x = arena.alloc(n * d);
  const out: AssignSlot[] = [];
  for (let s = 0; s < slots; s++) {
    out.push({
      ct: arena.alloc(P * d * 2), cn: arena.alloc(P * 2), labels: arena.allocI32(n), sums: arena.alloc(k * d), counts: arena.alloc(k),
      seeding: [arena.alloc(m), arena.alloc(m), arena.alloc(m)],
    });
  }
  return { x, slots: out };
}

/**
 * The rows, the packed centres and the assignment outputs in the linear memory of a WebAssembly
 * assignment kernel for X's width and k centres. The labels stay in that memory from one
 * iteration to the next: the kernel counts the rows whose label changed as it writes them.
 */
class WasmAssign {
  readonly labels: Int32Array;
  readonly sums: Float64Array;
  readonly counts: Float64Array;
  private readonly ct: Float64Array;
  private readonly cn: Float64Array;
  private readonly seeding: AssignSlot['seeding'];
  constructor(
    private readonly kern: KMeansWasmKernel,
    private readonly n: number,
    private readonly d: number,
    private readonly k: number,
    private readonly x: Float64Array,
    slot: AssignSlot,
  ) {
    ({ ct: this.ct, cn: this.cn, labels: this.labels, sums: this.sums, counts: this.counts, seeding: this.seeding } = slot);
  }

  /** k-means++ in this kernel's memory, with its distance pass. */
  seedingScratch(): SeedingScratch {
    const { kern, n, d, x } = this;
    const rowBytes = d * 8;
    return {
      buffers: this.seeding,
      distancesTo: (row, out, cap) => cap
        ? kern.distancesCapped(x.byteOffset, n, x.byteOffset + row * rowBytes, out.byteOffset, cap.byteOffset)
        : kern.distances(x.byteOffset, n, x.byteOffset + row * rowBytes, out.byteOffset),
    };
  }

  /**
   * Null without WebAssembly SIMD (or when the problem does not fit): the caller keeps TypeScript.
   * Without `seeding` (prediction) there is no room for k-means++.
   */
  static create(X: Matrix, k: number, seeding = true): WasmAssign | null {
    const n = X.rows, d = X.cols;
    const kern = instantiateKMeansKernel(d, k, F64Arena.bytesFor(assignLengths(n, d, k, 1, seeding)));
    if (!kern) return null;
    const v = assignViews(new F64Arena(kern.memory), n, d, k, 1, seeding);
    v.x.set(X.data);
    return new WasmAssign(kern, n, d, k, v.x, v.slots[0]);
  }

  /** Packs the centres by pair (see kmeans-kernel.ts) with their squared norms. */
  private load(centres: Float64Array, cNorms: Float64Array): void {
    const { d, k, ct, cn } = this;
    ct.fill(0);
    cn.fill(0);
    for (let c = 0; c < k; c++) {
      const base = (c >> 1) * d * 2 + (c & 1);
      for (let j = 0; j < d; j++) ct[base + 2 * j] = centres[c * d + j];
      cn[c] = cNorms[c];
    }
  }

  /**
   * Labels into this.labels; with `accumulate` also sums and counts (which it zeroes first).
   * Returns how many labels changed.
   */
  run(centres: Float64Array, cNorms: Float64Array, accumulate: boolean): number {
    this.load(centres, cNorms);
    const p = (a: { byteOffset: number }): number => a.byteOffset;
    if (!accumulate) return this.kern.assign(p(this.x), this.n, p(this.ct), p(this.cn), p(this.labels));
    this.sums.fill(0);
    this.counts.fill(0);
    return this.kern.assignAcc(p(this.x), this.n, p(this.ct), p(this.cn), p(this.labels), p(this.sums), p(this.counts));
  }
}

function centreNorms(cen: Float64Array, k: number, d: number, out: Float64Array): void {
  for (let c = 0; c < k; c++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += cen[c * d + j] * cen[c * d + j];
    out[c] = s;
  }
}

class LloydWorkspace {
  /** Labels of the current iteration (in the kernel's memory with WebAssembly). */
  readonly labels: Int32Array;
  readonly sums: Float64Array;
  readonly counts: Float64Array;
  readonly cNorms: Float64Array;
  constructor(n: number, d: number, k: number, readonly wasm: WasmAssign | null) {
    // With WebAssembly the kernel writes these in its memory; TypeScript works on views of it.
    this.labels = wasm ? wasm.labels : new Int32Array(n);
    this.sums = wasm ? wasm.sums : new Float64Array(k * d);
    this.counts = wasm ? wasm.counts : new Float64Array(k);
    this.cNorms = new Float64Array(k);
  }
}

/** One Lloyd run from the given centres (which it takes over). */
function lloyd(X: Matrix, init: Matrix, maxIter: number, tolAbs: number, ws: LloydWorkspace): KMeansRun {
  const n = X.rows, d = X.cols, k = init.rows, x = X.data;
  let centres: Float64Array = init.data;
  let next: Float64Array = new Float64Array(k * d);
  const { labels, sums, counts, cNorms, wasm } = ws;
  const scratch = new Float64Array(1);
  // No row has a label yet, so the first iteration changes all of them.
  labels.fill(-1);
  let strict = false;
  let it = 0;
  for (; it < maxIter; ) {
    // E-step + accumulation of the M-step sums in the same pass.
    centreNorms(centres, k, d, cNorms);
    let changed = 0;
    if (wasm) {
      changed = wasm.run(centres, cNorms, true);
    } else {
      sums.fill(0);
      counts.fill(0);
      for (let i = 0; i < n; i++) {
        const xo = i * d;
        const best = nearestCentre(x, xo, centres, cNorms, k, d, scratch);
        if (labels[i] !== best) changed++;
        labels[i] = best;
        counts[best] += 1;
        const so = best * d;
        for (let j = 0; j < d; j++) sums[so + j] += x[xo + j];
      }
    }
    relocateEmpty(x, d, k, centres, cNorms, labels, sums, counts);
    let shift = 0;
    for (let c = 0; c < k; c++) {
      const co = c * d;
      const cnt = counts[c];
      for (let j = 0; j < d; j++) {
        const v = cnt > 0 ? sums[co + j] / cnt : centres[co + j];
        const t = v - centres[co + j];
        shift += t * t;
        next[co + j] = v;
      }
    }
    const tmp = centres; centres = next; next = tmp;
    it++;
    if (changed === 0) { strict = true; break; }
    if (shift <= tolAbs) break;
  }
  const centroids = matrix(k, d, centres);
  if (!strict) {
    if (wasm) {
      centreNorms(centres, k, d, cNorms);
      wasm.run(centres, cNorms, false);
    } else assignNearest(X, centroids, labels, null, 'ts');
  }
  // The workspace's labels serve the next restart: the run keeps its own copy.
  const own = labels.slice();
  return { centroids, labels: own, inertia: inertiaOf(X, centroids, own), nIter: it };
}

/**
 * sklearn's `_relocate_empty_clusters_dense`: each empty cluster takes one of the rows farthest
 * from their centre; that row's weight moves from its old cluster's sums (labels are unchanged).
 * `centres` are those the labels were assigned to.
 */
function relocateEmpty(x: Float64Array, d: number, k: number, centres: Float64Array, cNorms: Float64Array, labels: Int32Array, sums: Float64Array, counts: Float64Array): void {
  let nEmpty = 0;
  for (let c = 0; c < k; c++) if (counts[c] === 0) nEmpty++;
  if (nEmpty === 0) return;
  const dist = assignedDistances(x, d, centres, cNorms, labels);
  // The nEmpty largest distances (nEmpty ≤ k is small: selection by repeated scans).
  const taken = new Set<number>();
  for (let c = 0; c < k; c++) {
    if (counts[c] !== 0) continue;
    let far = -1, farD = -Infinity;
    for (let i = 0; i < dist.length; i++) if (dist[i] > farD && !taken.has(i)) { farD = dist[i]; far = i; }
    if (far < 0) return;
    taken.add(far);
    const old = labels[far];
    const fo = far * d;
    for (let j = 0; j < d; j++) {
      sums[old * d + j] -= x[fo + j];
      sums[c * d + j] = x[fo + j];
    }
    counts[old] -= 1;
    counts[c] = 1;
  }
}

/**
 * Each row's squared distance to its labelled centre in the assignment's own arithmetic,
 * (‖c‖² − 2·x·c) + ‖x‖², with every sum in the order nearestCentre and the kernel use; only
 * relocation needs it, and only when a cluster empties, so it is not kept every iteration.
 */
function assignedDistances(x: Float64Array, d: number, centres: Float64Array, cNorms: Float64Array, labels: Int32Array): Float64Array {
  const n = labels.length;
  const dist = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const xo = i * d, co = labels[i] * d;
    let dot = 0, norm = 0;
    for (let j = 0; j < d; j++) dot += x[xo + j] * centres[co + j];
    for (let j = 0; j < d; j++) norm += x[xo + j] * x[xo + j];
    dist[i] = (cNorms[labels[i]] - 2 * dot) + norm;
  }
  return dist;
}

/** Nearest centre of each row into `labels`; optionally its squared distance into `dist`. */
export function assignNearest(X: Matrix, centroids: Matrix, labels: Int32Array, dist: Float64Array | null, kernels: Kernels = DEFAULT_KERNELS): void {
  const n = X.rows, d = X.cols, k = centroids.rows, x = X.data, cen = centroids.data;
  const cNorms = new Float64Array(k);
  centreNorms(cen, k, d, cNorms);
  const wasm = kernels === 'wasm' && n >= WASM_MIN_PREDICT_ROWS ? WasmAssign.create(X, k, false) : null;
  if (wasm) {
    wasm.run(cen, cNorms, false);
    labels.set(wasm.labels);
    if (dist) for (let i = 0; i < n; i++) dist[i] = sqDistRows(x, i * d, cen, labels[i] * d, d);
    return;
  }
  const scratch = new Float64Array(1);
  for (let i = 0; i < n; i++) {
    const xo = i * d;
    const best = nearestCentre(x, xo, cen, cNorms, k, d, scratch);
    labels[i] = best;
    if (dist) dist[i] = sqDistRows(x, xo, cen, best * d, d);
  }
}

/**
 * Index of the centre minimising ‖c‖² − 2·x·c for the row at `xo` (the first on ties); that value
 * goes to `out[0]`. Four centres per pass over the row, each with its own accumulator: every dot
 * product is summed in the same order (j = 0..d−1) as one centre at a time, and the candidates are
 * compared in centre order with the same strict <, so labels and distances are bit-identical to
 * the one-centre loop while the row is read once per four centres.
 */
function nearestCentre(x: Float64Array, xo: number, cen: Float64Array, cNorms: Float64Array, k: number, d: number, out: Float64Array): number {
  let best = 0, bestD = Infinity;
  let c = 0;
  for (; c + 3 < k; c += 4) {
    const c0 = c * d, c1 = c0 + d, c2 = c1 + d, c3 = c2 + d;
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (let j = 0; j < d; j++) {
      const v = x[xo + j];
      s0 += v * cen[c0 + j];
      s1 += v * cen[c1 + j];
      s2 += v * cen[c2 + j];
      s3 += v * cen[c3 + j];
    }
    const d0 = cNorms[c] - 2 * s0;
    if (d0 < bestD) { bestD = d0; best = c; }
    const d1 = cNorms[c + 1] - 2 * s1;
    if (d1 < bestD) { bestD = d1; best = c + 1; }
    const d2 = cNorms[c + 2] - 2 * s2;
    if (d2 < bestD) { bestD = d2; best = c + 2; }
    const d3 = cNorms[c + 3] - 2 * s3;
    if (d3 < bestD) { bestD = d3; best = c + 3; }
  }
  for (; c < k; c++) {
    const co = c * d;
    let dot = 0;
    for (let j = 0; j < d; j++) dot += x[xo + j] * cen[co + j];
    const dd = cNorms[c] - 2 * dot;
    if (dd < bestD) { bestD = dd; best = c; }
  }
  out[0] = bestD;
  return best;
}

/** Exact sum of squared distances of rows to their labelled centre. */
export function inertiaOf(X: Matrix, centroids: Matrix, labels: Int32Array): number {
  const n = X.rows, d = X.cols, x = X.data, cen = centroids.data;
  let s = 0;
  for (let i = 0; i < n; i++) s += sqDistRows(x, i * d, cen, labels[i] * d, d);
  return s;
}
