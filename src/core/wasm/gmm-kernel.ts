/**
 * The two heavy row passes of the full-covariance Gaussian mixture (gmm-passes.ts) in
 * WebAssembly SIMD (f64x2), hand-assembled with builder.ts and specialised to one (features d,
 * components k) pair, so every parameter load has a constant offset.
 *
 * Both compute exactly what their TypeScript twins compute, value for value:
 * - `mahalanobis`: the lanes hold two ROWS; each lane runs the forward substitution L z = x − μ
 *   and q = Σ z² in the order of logDensities, with f64x2 sub/mul/div rounding like scalar ones
 *   (no FMA).
 * - `scatter`: the lanes hold two neighbouring ENTRIES (b, b + 1) of one row of the lower
 *   triangle; every entry is still summed alone, over rows in order, each term (r·(x_a − μ_a))·
 *   (x_b − μ_b) as in scatterOf.
 *
 * Memory layout (byte offsets): x is n × d, resp n × k, q n × k, means k × d, chol k × d × d
 * (lower triangle), out k × d × d.
 */
import { encodeModule, F64, FuncBuilder, I32, V128 } from './builder.ts';

/** mahalanobis(x, n, means, chol, q): q[i·k + c] = ‖L_c⁻¹ (x_i − μ_c)‖² for every row and component. */
function mahalanobisFn(d: number, k: number): FuncBuilder {
  const f = new FuncBuilder([I32, I32, I32, I32, I32]);
  const [X, N, MEANS, CHOL, Q] = [0, 1, 2, 3, 4];
  const px = f.local(I32), endPairs = f.local(I32), end = f.local(I32), pq = f.local(I32);
  const xv = Array.from({ length: d }, () => f.local(V128));
  const z = Array.from({ length: d }, () => f.local(V128));
  const s = f.local(V128), qv = f.local(V128);
  const ss = f.local(F64), qs = f.local(F64);
  const zs = Array.from({ length: d }, () => f.local(F64));
  const row = d * 8;
  const L = (c: number, r: number, t: number): number => ((c * d + r) * d + t) * 8;

  f.get(X).set(px);
  f.get(X).get(N).i32(row).mul().add().set(end);
  f.get(X).get(N).i32(-2).and().i32(row).mul().add().set(endPairs);
  f.get(Q).set(pq);
  f.block().loop();
  f.get(px).get(endPairs).geS().brIf(1);
  for (let j = 0; j < d; j++) f.get(px).get(px).vLoadSplat(8 * j).vLoadLane64(1, row + 8 * j).set(xv[j]);
  for (let c = 0; c < k; c++) {
    f.vZero().set(qv);
    for (let r = 0; r < d; r++) {
      f.get(xv[r]).get(MEANS).vLoadSplat((c * d + r) * 8).f64x2Sub().set(s);
      for (let t = 0; t < r; t++) f.get(s).get(CHOL).vLoadSplat(L(c, r, t)).get(z[t]).f64x2Mul().f64x2Sub().set(s);
      f.get(s).get(CHOL).vLoadSplat(L(c, r, r)).f64x2Div().set(z[r]);
      f.get(qv).get(z[r]).get(z[r]).f64x2Mul().f64x2Add().set(qv);
    }
    // Row pair (i, i + 1): q[i·k + c] and q[(i + 1)·k + c].
    f.get(pq).get(qv).vStoreLane64(0, c * 8);
    f.get(pq).get(qv).vStoreLane64(1, (k + c) * 8);
  }
  f.get(px).i32(2 * row).add().set(px);
  f.get(pq).i32(2 * k * 8).add().set(pq);
  f.br(0).end().end();
  // An odd last row, in scalar.
  f.get(px).get(end).ltS().if_();
  for (let c = 0; c < k; c++) {
    f.f64(0).set(qs);
    for (let r = 0; r < d; r++) {
      f.get(px).f64Load(8 * r).get(MEANS).f64Load((c * d + r) * 8).f64Sub().set(ss);
      for (let t = 0; t < r; t++) f.get(ss).get(CHOL).f64Load(L(c, r, t)).get(zs[t]).f64Mul().f64Sub().set(ss);
      f.get(ss).get(CHOL).f64Load(L(c, r, r)).f64Div().set(zs[r]);
      f.get(qs).get(zs[r]).get(zs[r]).f64Mul().f64Add().set(qs);
    }
    f.get(pq).get(qs).f64Store(c * 8);
  }
  f.end();
  return f;
}

/**
 * scatter(x, n, resp, means, out): out[c][a][b] += (r_ic·(x_ia − μ_ca))·(x_ib − μ_cb) for b ≤ a,
 * rows in order, rows with r_ic = 0 skipped (as scatterOf does).
 */
function scatterFn(d: number, k: number): FuncBuilder {
  const f = new FuncBuilder([I32, I32, I32, I32, I32]);
  const [X, N, RESP, MEANS, OUT] = [0, 1, 2, 3, 4];
  const px = f.local(I32), end = f.local(I32), pr = f.local(I32);
  const r = f.local(F64), ra = f.local(F64);
  const pairs = d >> 1;
  const dv = Array.from({ length: pairs }, () => f.local(V128));
  const diff = Array.from({ length: d }, () => f.local(F64));
  const rav = f.local(V128);
  const row = d * 8;
  const o = (c: number, a: number, b: number): number => ((c * d + a) * d + b) * 8;

  f.get(X).set(px);
  f.get(X).get(N).i32(row).mul().add().set(end);
  f.get(RESP).set(pr);
  f.block().loop();
  f.get(px).get(end).geS().brIf(1);
  for (let c = 0; c < k; c++) {
    f.get(pr).f64Load(c * 8).set(r);
    f.get(r).f64(0).f64Eq().eqz().if_();
    for (let p = 0; p < pairs; p++) {
      f.get(px).vLoad(16 * p).get(MEANS).vLoad((c * d + 2 * p) * 8).f64x2Sub().set(dv[p]);
      f.get(dv[p]).f64x2ExtractLane(0).set(diff[2 * p]);
      f.get(dv[p]).f64x2ExtractLane(1).set(diff[2 * p + 1]);
    }
    if (d & 1) f.get(px).f64Load(8 * (d - 1)).get(MEANS).f64Load((c * d + d - 1) * 8).f64Sub().set(diff[d - 1]);
    for (let a = 0; a < d; a++) {
      f.get(r).get(diff[a]).f64Mul().set(ra);
      f.get(ra).f64x2Splat().set(rav);
      let b = 0;
      for (; b + 1 <= a; b += 2) f.get(OUT).get(OUT).vLoad(o(c, a, b)).get(rav).get(dv[b >> 1]).f64x2Mul().f64x2Add().vStore(o(c, a, b));
      if (b === a) f.get(OUT).get(OUT).f64Load(o(c, a, b)).get(ra).get(diff[b]).f64Mul().f64Add().f64Store(o(c, a, b));
    }
    f.end();
  }
  f.get(px).i32(row).add().set(px);
  f.get(pr).i32(k * 8).add().set(pr);
  f.br(0).end().end();
  return f;
}

export interface GmmWasmKernel {
  readonly memory: WebAssembly.Memory;
  mahalanobis(x: number, n: number, means: number, chol: number, q: number): void;
  scatter(x: number, n: number, resp: number, means: number, out: number): void;
}

/** Largest unrolled body (k · d²) compiled; beyond it the caller keeps TypeScript. */
const MAX_UNROLL = 8192;

export function gmmKernelBytes(d: number, k: number): Uint8Array<ArrayBuffer> {
  return encodeModule([
    { name: 'mahalanobis', f: mahalanobisFn(d, k) },
    { name: 'scatter', f: scatterFn(d, k) },
  ]);
}

const modules = new Map<string, WebAssembly.Module | null>();

/** The kernel for d features and k components with a fresh memory of at least `bytes`; null without WebAssembly SIMD or past the unroll limit. */
export function instantiateGmmKernel(d: number, k: number, bytes: number): GmmWasmKernel | null {
  const key = `${d},${k}`;
  let mod = modules.get(key);
  if (mod === undefined) {
    mod = null;
    if (k * d * d <= MAX_UNROLL && typeof WebAssembly === 'object') {
      const b = gmmKernelBytes(d, k);
      if (WebAssembly.validate(b)) mod = new WebAssembly.Module(b);
    }
    if (modules.size > 64) modules.clear();
    modules.set(key, mod);
  }
  if (!mod || !(bytes < 2 ** 31 - 65536)) return null;
  let memory: WebAssembly.Memory;
  try {
    memory = new WebAssembly.Memory({ initial: Math.max(1, Math.ceil(bytes / 65536)) });
  } catch {
    return null;
  }
  const e = new WebAssembly.Instance(mod, { env: { memory } }).exports as unknown as Omit<GmmWasmKernel, 'memory'>;
  return { memory, mahalanobis: e.mahalanobis, scatter: e.scatter };
}
