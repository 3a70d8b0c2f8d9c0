/**
 * The K-Means assignment step in WebAssembly SIMD (f64x2), hand-assembled with builder.ts and
 * specialised to one (features d, centres k) pair: the feature loop is unrolled, so every load of
 * the centres uses a constant offset.
 *
 * The two lanes of a vector hold two CENTRES, never two halves of one sum: lane q of pair p
 * accumulates x·c for centre 2p + q over j = 0..d−1 in order, starting from 0, exactly like
 * nearestCentre in kmeans.ts, and f64x2.mul/add round like scalar `*`/`+` (no FMA). The distance
 * ‖c‖² − 2·x·c is formed the same way (s + s is 2·s exactly) and the candidates are compared in
 * centre order with the same strict <, so labels and the M-step sums are bit-identical
 * to the TypeScript path.
 *
 * Memory layout (byte offsets into the instance's memory): x is n × d row-major; ct holds the
 * centres interleaved by pair, ct[(p·d + j)·2 + q] = c[2p + q][j] (an odd k's last pair has a zero
 * second lane, never compared); cn holds ‖c‖² the same way (two per pair).
 */
import { encodeModule, F64, FuncBuilder, I32, V128 } from './builder.ts';

/** Pairs of centres scored at once per row (two rows at a time: 2 × GROUP accumulators in registers). */
const GROUP = 4;
/** Largest unrolled body (pairs × features) compiled; beyond it the caller keeps TypeScript. */
const MAX_UNROLL = 4096;

/**
 * assign(x, n, ct, cn, labels) → changed: for each of the n rows, labels[i] (int32) = the nearest
 * centre (first on ties); returns how many labels differ from what labels held before. With
 * `accumulate` (assignAcc(x, n, ct, cn, labels, sums, counts)) also sums[best] += x[i] feature by
 * feature and counts[best] += 1 (float64), in row order.
 *
 * Rows go two at a time: both rows' dot products share each load of the centres, and the four to
 * eight independent accumulator chains keep the adder busy where one row's chain of d dependent
 * additions would stall it. Each row's sums are still formed alone and in the same order, so the
 * values are those of one row at a time.
 */
function assignFn(d: number, k: number, accumulate: boolean): FuncBuilder {
  const f = new FuncBuilder(accumulate ? [I32, I32, I32, I32, I32, I32, I32] : [I32, I32, I32, I32, I32], [I32]);
  const [X, N, CT, CN, LABELS, SUMS, COUNTS] = [0, 1, 2, 3, 4, 5, 6];
  const px = f.local(I32), end = f.local(I32), endPairs = f.local(I32), pl = f.local(I32);
  const changed = f.local(I32), ps = f.local(I32), label = f.local(I32), i0 = f.local(I32), i1 = f.local(I32);
  const best = [f.local(I32), f.local(I32)];
  const v0 = f.local(F64), v1 = f.local(F64);
  const minV = [f.local(V128), f.local(V128)], minI = [f.local(V128), f.local(V128)], mask = f.local(V128);
  const acc = [0, 1].map(() => Array.from({ length: GROUP }, () => f.local(V128)));
  const xv = [f.local(V128), f.local(V128)];
  const cv = f.local(V128), dv = f.local(V128);
  const P = (k + 1) >> 1;
  const row = d * 8;

  /** Scores `rows` rows starting at px and stores (and, accumulating, adds) them. */
  const body = (rows: 1 | 2): void => {
    for (let r = 0; r < rows; r++) { f.vConstF64x2(Infinity, Infinity).set(minV[r]); f.vZero().set(minI[r]); }
    for (let g = 0; g < P; g += GROUP) {
      const G = Math.min(GROUP, P - g);
      for (let r = 0; r < rows; r++) for (let q = 0; q < G; q++) f.vZero().set(acc[r][q]);
      for (let j = 0; j < d; j++) {
        for (let r = 0; r < rows; r++) f.get(px).vLoadSplat(r * row + 8 * j).set(xv[r]);
        for (let q = 0; q < G; q++) {
          f.get(CT).vLoad(((g + q) * d + j) * 16).set(cv);
          for (let r = 0; r < rows; r++) f.get(acc[r][q]).get(xv[r]).get(cv).f64x2Mul().f64x2Add().set(acc[r][q]);
        }
      }
      // Lane-wise running minimum over the pairs with the centre index beside it: strict <, so
      // each lane keeps its lowest index among equal values, as the scalar loop in centre order.
      for (let r = 0; r < rows; r++) {
        for (let q = 0; q < G; q++) {
          const p = g + q;
          f.get(CN).vLoad(p * 16).get(acc[r][q]).get(acc[r][q]).f64x2Add().f64x2Sub();
          if (2 * p + 1 >= k) f.f64(Infinity).f64x2ReplaceLane(1); // an odd k's padding lane never wins
          f.set(dv);
          f.get(dv).get(minV[r]).f64x2Lt().set(mask);
          f.get(dv).get(minV[r]).get(mask).vBitselect().set(minV[r]);
          f.vConstI64x2(2 * p, 2 * p + 1).get(minI[r]).get(mask).vBitselect().set(minI[r]);
        }
      }
    }
    // The two lanes (even and odd centres): the smaller value, the lower index on ties.
    for (let r = 0; r < rows; r++) {
      f.get(minV[r]).f64x2ExtractLane(0).set(v0);
      f.get(minV[r]).f64x2ExtractLane(1).set(v1);
      f.get(minI[r]).i64x2ExtractLane(0).i32WrapI64().set(i0);
      f.get(minI[r]).i64x2ExtractLane(1).i32WrapI64().set(i1);
      f.get(i1).get(i0);
      f.get(v1).get(v0).f64Lt();
      f.get(v1).get(v0).f64Eq().get(i1).get(i0).ltS().and().or();
      f.select().set(best[r]);
    }
    for (let r = 0; r < rows; r++) {
      f.get(best[r]).set(label);
      f.get(changed).get(pl).i32Load(4 * r).get(label).ne().add().set(changed);
      f.get(pl).get(label).i32Store(4 * r);
      if (!accumulate) continue;
      // sums[best] += x, two features per f64x2 add (each element still summed in row order).
      f.get(SUMS).get(label).i32(row).mul().add().set(ps);
      let j = 0;
      for (; j + 1 < d; j += 2) f.get(ps).get(ps).vLoad(8 * j).get(px).vLoad(r * row + 8 * j).f64x2Add().vStore(8 * j);
      if (j < d) f.get(ps).get(ps).f64Load(8 * j).get(px).f64Load(r * row + 8 * j).f64Add().f64Store(8 * j);
      f.get(COUNTS).get(label).i32(3).shl().add().tee(ps).get(ps).f64Load().f64(1).f64Add().f64Store();
    }
  };

  f.get(X).set(px);
  f.get(X).get(N).i32(row).mul().add().set(end);
  f.get(X).get(N).i32(-2).and().i32(row).mul().add().set(endPairs);
  f.get(LABELS).set(pl);
  f.i32(0).set(changed);
  f.block().loop();
  f.get(px).get(endPairs).geS().brIf(1);
  body(2);
  f.get(px).i32(2 * row).add().set(px);
  f.get(pl).i32(8).add().set(pl);
  f.br(0).end().end();
  f.get(px).get(end).ltS().if_();
  body(1);
  f.end();
  f.get(changed);
  return f;
}

/**
 * distances(x, n, co, out) → total: out[i] = Σ_j (x[i][j] − c[j])² for the centre row at byte
 * offset co, and the sum of out in row order; with `capped` (distancesCapped(x, n, co, out, cap))
 * out[i] = min(that, cap[i]) as k-means++ keeps each row's nearest distance. The lanes hold two
 * ROWS, each summed over j in order from 0 exactly like distancesTo in kmeans.ts, and
 * pmin(s, cap) is `cap < s ? cap : s`, so the values are bit-identical to it.
 */
function distancesFn(d: number, capped: boolean): FuncBuilder {
  const f = new FuncBuilder(capped ? [I32, I32, I32, I32, I32] : [I32, I32, I32, I32], [F64]);
  const [X, N, CO, OUT, CAP] = [0, 1, 2, 3, 4];
  const px = f.local(I32), endPairs = f.local(I32), end = f.local(I32), po = f.local(I32), pc = f.local(I32);
  const total = f.local(F64), s1 = f.local(F64), t = f.local(F64);
  const cs = Array.from({ length: d }, () => f.local(V128));
  const acc = f.local(V128), tv = f.local(V128);
  const row = d * 8;
  for (let j = 0; j < d; j++) f.get(CO).vLoadSplat(8 * j).set(cs[j]);
  f.get(X).set(px);
  f.get(X).get(N).i32(row).mul().add().set(end);
  f.get(X).get(N).i32(-2).and().i32(row).mul().add().set(endPairs);
  f.get(OUT).set(po);
  if (capped) f.get(CAP).set(pc);
  f.f64(0).set(total);
  f.block().loop();
  f.get(px).get(endPairs).geS().brIf(1);
  f.vZero().set(acc);
  for (let j = 0; j < d; j++) {
    f.get(px).get(px).vLoadSplat(8 * j).vLoadLane64(1, row + 8 * j).get(cs[j]).f64x2Sub().tee(tv).get(tv).f64x2Mul();
    f.get(acc).f64x2Add().set(acc);
  }
  if (capped) f.get(acc).get(pc).vLoad().f64x2Pmin().set(acc);
  f.get(po).get(acc).vStore();
  f.get(total).get(acc).f64x2ExtractLane(0).f64Add().get(acc).f64x2ExtractLane(1).f64Add().set(total);
  f.get(px).i32(2 * row).add().set(px);
  f.get(po).i32(16).add().set(po);
  if (capped) f.get(pc).i32(16).add().set(pc);
  f.br(0).end().end();
  // An odd last row, one lane's arithmetic in scalar.
  f.get(px).get(end).ltS().if_();
  f.f64(0).set(s1);
  for (let j = 0; j < d; j++) {
    f.get(px).f64Load(8 * j).get(CO).f64Load(8 * j).f64Sub().tee(t).get(t).f64Mul();
    f.get(s1).f64Add().set(s1);
  }
  if (capped) f.get(pc).f64Load().get(s1).get(pc).f64Load().get(s1).f64Lt().select().set(s1);
  f.get(po).get(s1).f64Store();
  f.get(total).get(s1).f64Add().set(total);
  f.end();
  f.get(total);
  return f;
}

export interface KMeansWasmKernel {
  readonly memory: WebAssembly.Memory;
  /** Labels only; returns how many changed. */
  assign(x: number, n: number, ct: number, cn: number, labels: number): number;
  /** Labels and the M-step sums and counts (added to what they hold); returns how many labels changed. */
  assignAcc(x: number, n: number, ct: number, cn: number, labels: number, sums: number, counts: number): number;
  /** k-means++: each row's squared distance to the row at byte offset co; returns their sum. */
  distances(x: number, n: number, co: number, out: number): number;
  /** The same, each capped by cap[i]. */
  distancesCapped(x: number, n: number, co: number, out: number, cap: number): number;
}

/** Largest shared memory a kernel module accepts: 2 GiB (pointers are compared as signed i32). */
const SHARED_MAX_PAGES = 32768;

/** The module binary for d features and k centres (importing a shared memory when `shared`). */
export function kmeansKernelBytes(d: number, k: number, shared = false): Uint8Array<ArrayBuffer> {
  return encodeModule([
    { name: 'assign', f: assignFn(d, k, false) },
    { name: 'assignAcc', f: assignFn(d, k, true) },
    { name: 'distances', f: distancesFn(d, false) },
    { name: 'distancesCapped', f: distancesFn(d, true) },
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
  return { memory, assign: e.assign, assignAcc: e.assignAcc, distances: e.distances, distancesCapped: e.distancesCapped };
}
