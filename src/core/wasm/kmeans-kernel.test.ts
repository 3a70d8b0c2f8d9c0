import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '../common/random.ts';
import { F64Arena, wasmSimdAvailable } from './kernels.ts';
import { instantiateKMeansKernel } from './kmeans-kernel.ts';

/** A kernel for (d, k) with n rows of a coarse grid (many exact ties) and k centres drawn from the same grid. */
function setup(n: number, d: number, k: number, seed: number) {
  const P = (k + 1) >> 1;
  const kern = instantiateKMeansKernel(d, k, F64Arena.bytesFor([n * d, P * d * 2, P * 2, (n + 1) >> 1, k * d, k, n, n]));
  assert.ok(kern, 'the kernel compiles where WebAssembly SIMD exists');
  const a = new F64Arena(kern.memory);
  const x = a.alloc(n * d), ct = a.alloc(P * d * 2), cn = a.alloc(P * 2), labels = a.allocI32(n);
  const sums = a.alloc(k * d), counts = a.alloc(k), out = a.alloc(n), cap = a.alloc(n);
  const rng = createRng(seed);
  for (let i = 0; i < x.length; i++) x[i] = Math.round((rng.next() - 0.5) * 8) / 2;
  const cen = new Float64Array(k * d);
  for (let i = 0; i < cen.length; i++) cen[i] = Math.round((rng.next() - 0.5) * 8) / 2;
  if (k >= 4) cen.copyWithin(3 * d, 1 * d, 2 * d); // centre 3 duplicates centre 1: ties across pairs and lanes
  const norms = new Float64Array(k);
  for (let c = 0; c < k; c++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += cen[c * d + j] * cen[c * d + j];
    norms[c] = s;
    for (let j = 0; j < d; j++) ct[((c >> 1) * d + j) * 2 + (c & 1)] = cen[c * d + j];
    cn[c] = s;
  }
  return { kern, x, ct, cn, labels, sums, counts, out, cap, cen, norms };
}

test('assignment kernel: labels, changed count and M-step sums of the scalar loop, two rows at a time and an odd last row', { skip: !wasmSimdAvailable() && 'no WebAssembly SIMD' }, () => {
  for (let k = 1; k <= 9; k++) {
    for (const d of [1, 4, 9]) {
      const n = 101;
      const s = setup(n, d, k, k * 13 + d);
      const want = new Int32Array(n);
      const wantSums = new Float64Array(k * d), wantCounts = new Float64Array(k);
      for (let i = 0; i < n; i++) {
        let best = 0, bestD = Infinity;
        for (let c = 0; c < k; c++) {
          let dot = 0;
          for (let j = 0; j < d; j++) dot += s.x[i * d + j] * s.cen[c * d + j];
          const dd = s.norms[c] - 2 * dot;
          if (dd < bestD) { bestD = dd; best = c; }
        }
        want[i] = best;
        wantCounts[best] += 1;
        for (let j = 0; j < d; j++) wantSums[best * d + j] += s.x[i * d + j];
      }
      const what = `k=${k} d=${d}`;
      s.labels.fill(-1);
      const changed = s.kern.assignAcc(s.x.byteOffset, n, s.ct.byteOffset, s.cn.byteOffset, s.labels.byteOffset, s.sums.byteOffset, s.counts.byteOffset);
      assert.equal(changed, n, what);
      assert.deepEqual(Array.from(s.labels), Array.from(want), what);
      assert.deepEqual(Array.from(s.sums), Array.from(wantSums), what);
      assert.deepEqual(Array.from(s.counts), Array.from(wantCounts), what);
      // Labels-only pass over labels that already hold the answer except three rows.
      for (const i of [0, 50, n - 1]) s.labels[i] = k;
      assert.equal(s.kern.assign(s.x.byteOffset, n, s.ct.byteOffset, s.cn.byteOffset, s.labels.byteOffset), 3, what);
      assert.deepEqual(Array.from(s.labels), Array.from(want), what);
    }
  }
});

test('k-means++ distance kernel: the values and row-order sum of the scalar loop, with and without the cap', { skip: !wasmSimdAvailable() && 'no WebAssembly SIMD' }, () => {
  for (const d of [1, 5, 9]) {
    for (const n of [1, 2, 77]) {
      const s = setup(n, d, 2, d * 7 + n);
      const rng = createRng(n);
      for (let i = 0; i < n; i++) s.x[i * d] += rng.next() / 3; // not on the grid: sums that round
      for (let i = 0; i < n; i++) s.cap[i] = i % 3 === 0 ? 0.75 : rng.next() * 20;
      const row = n >> 1;
      const ref = new Float64Array(n), refCapped = new Float64Array(n);
      let total = 0, totalCapped = 0;
      for (let i = 0; i < n; i++) {
        let v = 0;
        for (let j = 0; j < d; j++) {
          const t = s.x[i * d + j] - s.x[row * d + j];
          v += t * t;
        }
        ref[i] = v;
        total += v;
        refCapped[i] = s.cap[i] < v ? s.cap[i] : v;
        totalCapped += refCapped[i];
      }
      const co = s.x.byteOffset + row * d * 8;
      const what = `d=${d} n=${n}`;
      assert.ok(Object.is(s.kern.distances(s.x.byteOffset, n, co, s.out.byteOffset), total), what);
      assert.deepEqual(Array.from(s.out), Array.from(ref), what);
      assert.ok(Object.is(s.kern.distancesCapped(s.x.byteOffset, n, co, s.out.byteOffset, s.cap.byteOffset), totalCapped), what);
      assert.deepEqual(Array.from(s.out), Array.from(refCapped), what);
    }
  }
});
