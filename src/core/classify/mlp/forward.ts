/** Inference over many rows: the forward pass in TypeScript or on the WebAssembly kernels, and the validation score. */
import { matrix, type Matrix } from '../../common/matrix.ts';
import type { Kernels } from '../../common/kernels.ts';
import { F64Arena, instantiateKernels } from '../../wasm/kernels.ts';
import { denseForward, reluInPlace, softmaxRows } from './dense.ts';
import type { Layout } from './layout.ts';

/** Inference forward pass over X in chunks; writes logits (softmax=false) or probabilities. */
export function forwardAll(theta: Float64Array, lay: Layout, X: Matrix, softmax: boolean, kernels: Kernels, wasm?: WasmForward | null): Matrix {
  const sizes = lay.sizes, L = sizes.length - 1, k = sizes[L], d = sizes[0];
  const n = X.rows;
  if (kernels === 'wasm' && n >= WASM_MIN_PREDICT_ROWS) {
    const w = wasm ?? wasmForward(theta, lay);
    if (w) return w(X, softmax);
  }
  const out = matrix(n, k);
  const chunk = 512;
  const bufs = sizes.slice(1, L).map((h) => new Float64Array(chunk * h));
  const logits = new Float64Array(chunk * k);
  for (let start = 0; start < n; start += chunk) {
    const rows = Math.min(chunk, n - start);
    let a = X.data.subarray(start * d, (start + rows) * d);
    for (let l = 0; l < L; l++) {
      const dst = l === L - 1 ? logits : bufs[l];
      denseForward(a, sizes[l], theta, lay.kOff[l], lay.bOff[l], dst, sizes[l + 1], rows);
      if (l < L - 1) reluInPlace(dst, rows * sizes[l + 1]);
      a = dst;
    }
    if (softmax) softmaxRows(logits, k, rows);
    out.data.set(logits.subarray(0, rows * k), start * k);
  }
  return out;
}

/** Below this many rows, setting up a WebAssembly instance costs more than it saves. */
export const WASM_MIN_PREDICT_ROWS = 64;

export type WasmForward = (X: Matrix, softmax: boolean) => Matrix;

/**
 * forwardAll on the WebAssembly kernels (the same sums in the same order, so the same bits) for
 * fixed weights, or null without WebAssembly SIMD. The weights are copied into the instance's
 * memory once, each kernel transposed; X is copied in chunk by chunk. FittedMlp keeps one.
 */
export function wasmForward(theta: Float64Array, lay: Layout): WasmForward | null {
  const sizes = lay.sizes, L = sizes.length - 1, k = sizes[L], d = sizes[0];
  const chunk = 512;
  const outP = sizes.map((s) => s + (s & 1));
  const wk = instantiateKernels(F64Arena.bytesFor([lay.total, ...sizes.map((s) => chunk * s),
    ...sizes.slice(1).map((s, l) => sizes[l] * outP[l + 1])]));
  if (!wk) return null;
  const arena = new F64Arena(wk.memory);
  const th = arena.alloc(lay.total);
  th.set(theta);
  const bufs = sizes.map((s) => arena.alloc(chunk * s));
  const wt = sizes.slice(1).map((s, l) => arena.alloc(sizes[l] * outP[l + 1]));
  for (let l = 0; l < L; l++) wk.transpose(th.byteOffset + lay.kOff[l] * 8, sizes[l], sizes[l + 1], wt[l].byteOffset, outP[l + 1] * 8);
  return (X, softmax) => {
    const n = X.rows, out = matrix(n, k), logits = bufs[L];
    for (let start = 0; start < n; start += chunk) {
      const rows = Math.min(chunk, n - start);
      bufs[0].set(X.data.subarray(start * d, (start + rows) * d));
      for (let l = 0; l < L; l++) {
        wk.forward(bufs[l].byteOffset, sizes[l], wt[l].byteOffset, outP[l + 1] * 8, th.byteOffset + lay.bOff[l] * 8, bufs[l + 1].byteOffset, sizes[l + 1], rows);
        if (l < L - 1) wk.relu(bufs[l + 1].byteOffset, rows * sizes[l + 1]);
      }
      if (softmax) softmaxRows(logits, k, rows);
      out.data.set(logits.subarray(0, rows * k), start * k);
    }
    return out;
  };
}

export function l2Penalty(theta: Float64Array, lay: Layout, l2: number): number {
  if (l2 === 0) return 0;
  let s = 0;
  for (let l = 0; l < lay.kOff.length; l++) {
    const end = lay.kOff[l] + lay.sizes[l] * lay.sizes[l + 1];
    for (let p = lay.kOff[l]; p < end; p++) s += theta[p] * theta[p];
  }
  return l2 * s;
}

/** Mean cross-entropy and accuracy of the current weights on (X, y), inference mode. */
export function evaluate(theta: Float64Array, lay: Layout, X: Matrix, y: Int32Array, l2: number, kernels: Kernels): { loss: number; accuracy: number } {
  const p = forwardAll(theta, lay, X, true, kernels);
  const k = p.cols, n = p.rows;
  let loss = 0, ok = 0;
  for (let i = 0; i < n; i++) {
    const o = i * k;
    loss -= Math.log(Math.max(p.data[o + y[i]], 1e-300));
    let best = 0;
    for (let c = 1; c < k; c++) if (p.data[o + c] > p.data[o + best]) best = c;
    if (best === y[i]) ok++;
  }
  return { loss: loss / n + l2Penalty(theta, lay, l2), accuracy: ok / n };
}

