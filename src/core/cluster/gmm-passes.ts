/**
 * The row passes of the Gaussian mixture's EM (gmm.ts), over fixed chunks of rows:
 *
 * - `estep`: each row's weighted log-densities → its responsibilities (written into `resp`) and
 *   its log-likelihood (summed per chunk);
 * - `stats`: per component, Σ r_ik and Σ r_ik·x_i;
 * - `scatter`: per component, Σ r_ik (x_i − μ_k)(x_i − μ_k)ᵀ (lower triangle; or the diagonal).
 *
 * Every pass returns one partial sum per chunk, and the caller adds them in chunk order. Chunks
 * have a fixed size, so the sums — and the fitted mixture — do not depend on which thread ran
 * which chunk, or on how many threads there were: a `GmmPassRunner` may spread the chunks over
 * worker threads (src/app/parallel/gmm-runner.ts) and give exactly the results of
 * `gmmPassesInline`.
 */
import type { Matrix } from '../common/matrix.ts';
import type { Kernels } from '../common/kernels.ts';
import { F64Arena } from '../wasm/kernels.ts';
import { instantiateGmmKernel, type GmmWasmKernel } from '../wasm/gmm-kernel.ts';

/** This thread's kernel for one (d, k), with buffers for one chunk of rows. */
class GmmWasm {
  readonly x: Float64Array;
  readonly resp: Float64Array;
  readonly q: Float64Array;
  readonly means: Float64Array;
  readonly chol: Float64Array;
  readonly out: Float64Array;
  private constructor(readonly kern: GmmWasmKernel, readonly d: number, readonly k: number) {
    const a = new F64Arena(kern.memory);
    const rows = GMM_CHUNK_ROWS;
    this.x = a.alloc(rows * d);
    this.resp = a.alloc(rows * k);
    this.q = a.alloc(rows * k);
    this.means = a.alloc(k * d);
    this.chol = a.alloc(k * d * d);
    this.out = a.alloc(k * d * d);
  }

  private static cached: GmmWasm | null = null;
  private static unavailable = new Set<string>();

  /**
   * The kernel for (d, k), instantiated once per thread (a cache, not a setting); null with
   * kernels 'ts' or without WebAssembly SIMD.
   */
  static for(d: number, k: number, kernels: Kernels): GmmWasm | null {
    if (kernels !== 'wasm') return null;
    const c = GmmWasm.cached;
    if (c && c.d === d && c.k === k) return c;
    if (GmmWasm.unavailable.has(`${d},${k}`)) return null;
    const rows = GMM_CHUNK_ROWS;
    const kern = instantiateGmmKernel(d, k, F64Arena.bytesFor([rows * d, rows * k, rows * k, k * d, k * d * d, k * d * d]));
    if (!kern) {
      GmmWasm.unavailable.add(`${d},${k}`);
      return null;
    }
    return (GmmWasm.cached = new GmmWasm(kern, d, k));
  }

  /** Copies rows [from, to) (at most a chunk) in and computes their Mahalanobis forms into this.q. */
  forms(X: Matrix, from: number, to: number, means: Float64Array, chol: Float64Array): void {
    const d = this.d;
    this.x.set(X.data.subarray(from * d, to * d));
    this.means.set(means);
    this.chol.set(chol);
    const p = (a: Float64Array): number => a.byteOffset;
    this.kern.mahalanobis(p(this.x), to - from, p(this.means), p(this.chol), p(this.q));
  }

  /** Adds the scatter of rows [from, to) (at most a chunk) to this.out. */
  scatter(X: Matrix, resp: Float64Array, from: number, to: number): void {
    const { d, k } = this;
    this.x.set(X.data.subarray(from * d, to * d));
    this.resp.set(resp.subarray(from * k, to * k));
    const p = (a: Float64Array): number => a.byteOffset;
    this.kern.scatter(p(this.x), to - from, p(this.resp), p(this.means), p(this.out));
  }
}

export type CovarianceType = 'full' | 'diag';

/** Rows per chunk (fixed: see above). */
export const GMM_CHUNK_ROWS = 8192;

export function gmmChunkCount(rows: number): number {
  return Math.max(1, Math.ceil(rows / GMM_CHUNK_ROWS));
}

/** One pass of EM; full-covariance passes run on the WebAssembly kernels when `kernels` is 'wasm'. */
export type GmmPass =
  | { readonly kind: 'estep'; readonly means: Float64Array; readonly chol: Float64Array; readonly logConst: Float64Array; readonly type: CovarianceType; readonly kernels: Kernels }
  | { readonly kind: 'stats'; readonly k: number }
  | { readonly kind: 'scatter'; readonly k: number; readonly means: Float64Array; readonly type: CovarianceType; readonly kernels: Kernels };

/**
 * Where the passes run, over which rows and responsibilities: `X` and `resp` (rows × k) may be
 * copies in shared memory. `run` returns the partial sums of every chunk, in chunk order.
 */
export interface GmmPassRunner {
  readonly X: Matrix;
  readonly resp: Float64Array;
  run(pass: GmmPass): Float64Array[];
  /** Releases threads; the runner is not used afterwards. */
  close(): void;
}

export type GmmRunnerFactory = (X: Matrix, k: number) => GmmPassRunner;

/** The default: every chunk in turn, in this thread, on X itself. */
export const gmmPassesInline: GmmRunnerFactory = (X, k) => {
  const resp = new Float64Array(X.rows * k);
  const chunks = gmmChunkCount(X.rows);
  return {
    X,
    resp,
    run: (pass) => Array.from({ length: chunks }, (_, c) => runGmmPass(X, resp, pass, c)),
    close: () => {},
  };
};

/** One pass over one chunk of rows: its partial sum (see the file comment for each kind). */
export function runGmmPass(X: Matrix, resp: Float64Array, pass: GmmPass, chunk: number): Float64Array {
  const from = chunk * GMM_CHUNK_ROWS, to = Math.min(X.rows, from + GMM_CHUNK_ROWS);
  if (pass.kind === 'estep') {
    return Float64Array.of(logDensities(X, pass.means, pass.chol, pass.logConst, pass.type, pass.kernels, resp, null, from, to));
  }
  if (pass.kind === 'stats') return statsOf(X, resp, pass.k, from, to);
  return scatterOf(X, resp, pass.k, pass.means, pass.type, pass.kernels, from, to);
}

/**
 * Weighted log-densities of rows [from, to). Writes normalised responsibilities into `resp`
 * (rows × k, indexed by row) and/or each row's log-sum-exp into `rowLogLik`; returns their sum.
 */
export function logDensities(
  X: Matrix,
  means: Float64Array,
  chol: Float64Array,
  logConst: Float64Array,
  type: CovarianceType,
  kernels: Kernels,
  resp: Float64Array | null,
  rowLogLik: Float64Array | null,
  from = 0,
  to = X.rows,
): number {
  const d = X.cols, k = logConst.length, x = X.data;
  const z = new Float64Array(d);
  const lp = new Float64Array(k);
  const dd = d * d;
  // With the kernel, each block of rows' forms are computed first, then read back in row order.
  const wasm = type === 'full' ? GmmWasm.for(d, k, kernels) : null;
  let blockFrom = from, blockTo = from;
  let total = 0;
  for (let i = from; i < to; i++) {
    const xo = i * d;
    if (wasm && i === blockTo) {
      blockFrom = i;
      blockTo = Math.min(to, i + GMM_CHUNK_ROWS);
      wasm.forms(X, blockFrom, blockTo, means, chol);
    }
    let mx = -Infinity;
    for (let c = 0; c < k; c++) {
      const mo = c * d;
      let q = 0;
      if (wasm) q = wasm.q[(i - blockFrom) * k + c];
      else if (type === 'full') {
        const lo = c * dd;
        // Forward substitution L z = x − μ.
        for (let r = 0; r < d; r++) {
          let s = x[xo + r] - means[mo + r];
          const ro = lo + r * d;
          for (let t = 0; t < r; t++) s -= chol[ro + t] * z[t];
          const v = s / chol[ro + r];
          z[r] = v;
          q += v * v;
        }
      } else {
        for (let r = 0; r < d; r++) {
          const v = (x[xo + r] - means[mo + r]) / chol[mo + r];
          q += v * v;
        }
      }
      const v = logConst[c] - 0.5 * q;
      lp[c] = v;
      if (v > mx) mx = v;
    }
    let se = 0;
    for (let c = 0; c < k; c++) se += Math.exp(lp[c] - mx);
    const lse = mx + Math.log(se);
    total += lse;
    if (rowLogLik) rowLogLik[i] = lse;
    if (resp) {
      const ro = i * k;
      for (let c = 0; c < k; c++) resp[ro + c] = Math.exp(lp[c] - lse);
    }
  }
  return total;
}

/** [Σ r_ik for each k, then Σ r_ik·x_i as k × d] over rows [from, to). */
function statsOf(X: Matrix, resp: Float64Array, k: number, from: number, to: number): Float64Array {
  const d = X.cols, x = X.data;
  const out = new Float64Array(k + k * d);
  for (let i = from; i < to; i++) {
    const xo = i * d, ro = i * k;
    for (let c = 0; c < k; c++) {
      const r = resp[ro + c];
      if (r === 0) continue;
      out[c] += r;
      const mo = k + c * d;
      for (let j = 0; j < d; j++) out[mo + j] += r * x[xo + j];
    }
  }
  return out;
}

/** Σ r_ik (x_i − μ_k)(x_i − μ_k)ᵀ over rows [from, to): k × d × d, lower triangle filled ('full'), or k × d diagonals ('diag'). */
function scatterOf(X: Matrix, resp: Float64Array, k: number, means: Float64Array, type: CovarianceType, kernels: Kernels, from: number, to: number): Float64Array {
  const d = X.cols, x = X.data;
  const diff = new Float64Array(d);
  const wasm = type === 'full' ? GmmWasm.for(d, k, kernels) : null;
  if (wasm) {
    wasm.out.fill(0);
    wasm.means.set(means);
    for (let b = from; b < to; b += GMM_CHUNK_ROWS) wasm.scatter(X, resp, b, Math.min(to, b + GMM_CHUNK_ROWS));
    return Float64Array.from(wasm.out);
  }
  if (type === 'full') {
    const dd = d * d;
    const out = new Float64Array(k * dd);
    for (let i = from; i < to; i++) {
      const xo = i * d, ro = i * k;
      for (let c = 0; c < k; c++) {
        const r = resp[ro + c];
        if (r === 0) continue;
        const mo = c * d, co = c * dd;
        for (let j = 0; j < d; j++) diff[j] = x[xo + j] - means[mo + j];
        for (let a = 0; a < d; a++) {
          const ra = r * diff[a];
          const ao = co + a * d;
          for (let b = 0; b <= a; b++) out[ao + b] += ra * diff[b];
        }
      }
    }
    return out;
  }
  const out = new Float64Array(k * d);
  for (let i = from; i < to; i++) {
    const xo = i * d, ro = i * k;
    for (let c = 0; c < k; c++) {
      const r = resp[ro + c];
      if (r === 0) continue;
      const mo = c * d;
      for (let j = 0; j < d; j++) {
        const t = x[xo + j] - means[mo + j];
        out[mo + j] += r * t * t;
      }
    }
  }
  return out;
}

/** Element-wise sum of the partials, in their order. */
export function addPartials(parts: readonly Float64Array[]): Float64Array {
  const out = new Float64Array(parts[0].length);
  for (const p of parts) for (let t = 0; t < out.length; t++) out[t] += p[t];
  return out;
}
