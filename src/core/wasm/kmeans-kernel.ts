/**
 * The K-Means assignment step in WebAssembly SIMD (f64x2), hand-assembled with builder.ts and
 * specialised to one (features d, centres k) pair: the feature loop is unrolled, so every load of
 * the centres uses a constant offset.
 *
 * The two lanes of a vector hold two CENTRES, never two halves of one sum: lane q of pair p
 * accumulates x·c for centre 2p + q over j = 0..d−1 in order, starting from 0, exactly like
 * nearestCentre in kmeans.ts, and f64x2.mul/add round like scalar `*`/`+` (no FMA). The distance
 * ‖c‖² − 2·x·c is formed the same way (s + s is 2·s exactly) and the candidates are compared in
 * centre order with the same strict <, so labels, distances and the M-step sums are bit-identical
 * to the TypeScript path.
 *
 * Memory layout (byte offsets into the instance's memory): x is n × d row-major; ct holds the
 * centres interleaved by pair, ct[(p·d + j)·2 + q] = c[2p + q][j] (an odd k's last pair has a zero
 * second lane, never compared); cn holds ‖c‖² the same way (two per pair).
 */
import { encodeModule, F64, FuncBuilder, I32, V128 } from './builder.ts';

/** Pairs of centres kept in registers while one row is read. */
const GROUP = 4;
/** Largest unrolled body (pairs × features) compiled; beyond it the caller keeps TypeScript. */
const MAX_UNROLL = 4096;

// Opcodes builder.ts does not name, appended raw.
function f64x2ExtractLane(f: FuncBuilder, lane: number): void { f.code.push(0xfd, 0x21, lane); }
function f64Lt(f: FuncBuilder): void { f.code.push(0x63); }

/**
 * assign(x, xn, n, ct, cn, labels, dist, sums, counts): for each of the n rows, labels[i] (int32) =
 * the nearest centre (first on ties). With `accumulate`, also dist[i] = (‖c‖² − 2·x·c) + xn[i],
 * sums[best] += x[i] feature by feature and counts[best] += 1 (float64), in row order.
 */
function assignFn(d: number, k: number, accumulate: boolean): FuncBuilder {
  const f = new FuncBuilder([I32, I32, I32, I32, I32, I32, I32, I32, I32]);
  const [X, XN, N, CT, CN, LABELS, DIST, SUMS, COUNTS] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const px = f.local(I32), end = f.local(I32), pl = f.local(I32), pd = f.local(I32), pxn = f.local(I32);
  const best = f.local(I32), cond = f.local(I32), ps = f.local(I32);
  const bestD = f.local(F64), t = f.local(F64);
  const acc = Array.from({ length: GROUP }, () => f.local(V128));
  const xv = f.local(V128), dv = f.local(V128);
  const P = (k + 1) >> 1;
  const row = d * 8;

  f.get(X).set(px);
  f.get(X).get(N).i32(row).mul().add().set(end);
  f.get(LABELS).set(pl);
  f.get(DIST).set(pd);
  f.get(XN).set(pxn);
  f.block().loop();
  f.get(px).get(end).geS().brIf(1);
  f.f64(Infinity).set(bestD);
  f.i32(0).set(best);
  for (let g = 0; g < P; g += GROUP) {
    const G = Math.min(GROUP, P - g);
    for (let q = 0; q < G; q++) f.vZero().set(acc[q]);
    for (let j = 0; j < d; j++) {
      f.get(px).vLoadSplat(8 * j).set(xv);
      for (let q = 0; q < G; q++) f.get(acc[q]).get(xv).get(CT).vLoad(((g + q) * d + j) * 16).f64x2Mul().f64x2Add().set(acc[q]);
    }
    for (let q = 0; q < G; q++) {
      const p = g + q;
      f.get(CN).vLoad(p * 16).get(acc[q]).get(acc[q]).f64x2Add().f64x2Sub().set(dv);
      for (let lane = 0; lane < 2 && 2 * p + lane < k; lane++) {
        f.get(dv); f64x2ExtractLane(f, lane); f.tee(t);
        f.get(bestD); f64Lt(f); f.set(cond);
        f.i32(2 * p + lane).get(best).get(cond).select().set(best);
        f.get(t).get(bestD).get(cond).select().set(bestD);
      }
    }
  }
  f.get(pl).get(best).i32Store();
  if (accumulate) {
    f.get(pd).get(bestD).get(pxn).f64Load().f64Add().f64Store();
    f.get(SUMS).get(best).i32(row).mul().add().set(ps);
    for (let j = 0; j < d; j++) f.get(ps).get(ps).f64Load(8 * j).get(px).f64Load(8 * j).f64Add().f64Store(8 * j);
    f.get(COUNTS).get(best).i32(3).shl().add().tee(ps).get(ps).f64Load().f64(1).f64Add().f64Store();
    f.get(pd).i32(8).add().set(pd);
    f.get(pxn).i32(8).add().set(pxn);
  }
  f.get(px).i32(row).add().set(px);
  f.get(pl).i32(4).add().set(pl);
  f.br(0).end().end();
  return f;
}

export interface KMeansWasmKernel {
  readonly memory: WebAssembly.Memory;
  /** Labels only (x, n, ct, cn, labels; the other pointers are ignored). */
  assign(x: number, xn: number, n: number, ct: number, cn: number, labels: number, dist: number, sums: number, counts: number): void;
  /** Labels, distances and the M-step sums and counts. */
  assignAcc(x: number, xn: number, n: number, ct: number, cn: number, labels: number, dist: number, sums: number, counts: number): void;
}

/** Largest shared memory a kernel module accepts: 2 GiB (pointers are compared as signed i32). */
const SHARED_MAX_PAGES = 32768;

/** The module binary for d features and k centres (importing a shared memory when `shared`). */
export function kmeansKernelBytes(d: number, k: number, shared = false): Uint8Array<ArrayBuffer> {
  return encodeModule([
    { name: 'assign', f: assignFn(d, k, false) },
    { name: 'assignAcc', f: assignFn(d, k, true) },
  ], 1, shared ? SHARED_MAX_PAGES : undefined);
}

const modules = new Map<string, WebAssembly.Module | null>();

/** The module for (d, k), compiled once; null without WebAssembly SIMD or past the unroll limit. */
function kmeansModule(d: number, k: number, shared: boolean): WebAssembly.Module | null {
  const key = `${d},${k},${shared}`;
  const hit = modules.get(key);
  if (hit !== undefined) return hit;
  let mod: WebAssembly.Module | null = null;
  if (((k + 1) >> 1) * d <= MAX_UNROLL && typeof WebAssembly === 'object') {
    const bytes = kmeansKernelBytes(d, k, shared);
    if (WebAssembly.validate(bytes)) mod = new WebAssembly.Module(bytes);
  }
  if (modules.size > 64) modules.clear();
  modules.set(key, mod);
  return mod;
}

/**
 * The assignment kernel for d features and k centres bound to a fresh linear memory of at least
 * `bytes` bytes, or null (no WebAssembly SIMD, too large a body, 2 GiB and more, or no memory).
 * Allocate buffers in it with F64Arena (kernels.ts).
 */
export function instantiateKMeansKernel(d: number, k: number, bytes: number): KMeansWasmKernel | null {
  if (!(bytes < 2 ** 31 - 65536)) return null;
  const mod = kmeansModule(d, k, false);
  if (!mod) return null;
  let memory: WebAssembly.Memory;
  try {
    memory = new WebAssembly.Memory({ initial: Math.max(1, Math.ceil(bytes / 65536)) });
  } catch {
    return null;
  }
  return bind(mod, memory);
}

/**
 * A shared linear memory of at least `bytes` bytes (its buffer is a SharedArrayBuffer, so it can
 * be posted to worker threads without copying), or null when it cannot be had.
 */
export function createSharedKMeansMemory(bytes: number): WebAssembly.Memory | null {
  if (!(bytes < 2 ** 31 - 65536)) return null;
  const pages = Math.max(1, Math.ceil(bytes / 65536));
  try {
    return new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
  } catch {
    return null;
  }
}

/** The kernel for d features and k centres bound to a shared memory (one instance per thread). */
export function bindKMeansKernel(d: number, k: number, memory: WebAssembly.Memory): KMeansWasmKernel | null {
  const mod = kmeansModule(d, k, true);
  if (!mod) return null;
  try {
    return bind(mod, memory);
  } catch {
    return null;
  }
}

function bind(mod: WebAssembly.Module, memory: WebAssembly.Memory): KMeansWasmKernel {
  const e = new WebAssembly.Instance(mod, { env: { memory } }).exports as unknown as Omit<KMeansWasmKernel, 'memory'>;
  return { memory, assign: e.assign, assignAcc: e.assignAcc };
}
