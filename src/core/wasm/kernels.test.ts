import { test } from 'node:test';
import assert from 'node:assert/strict';
import { F64Arena, instantiateKernels, kernelBytes, wasmSimdAvailable } from './kernels.ts';
import { sleb, uleb } from './builder.ts';

test('LEB128 encodings', () => {
  const u = (n: number): number[] => { const o: number[] = []; uleb(n, o); return o; };
  const s = (n: number): number[] => { const o: number[] = []; sleb(n, o); return o; };
  assert.deepEqual(u(0), [0]);
  assert.deepEqual(u(127), [0x7f]);
  assert.deepEqual(u(624485), [0xe5, 0x8e, 0x26]);
  assert.deepEqual(s(-1), [0x7f]);
  assert.deepEqual(s(-2), [0x7e]);
  assert.deepEqual(s(63), [0x3f]);
  assert.deepEqual(s(64), [0xc0, 0x00]);
  assert.deepEqual(s(-123456), [0xc0, 0xbb, 0x78]);
});

function fill(a: Float64Array, seed: number): void {
  for (let i = 0; i < a.length; i++) a[i] = Math.sin(seed + i * 1.37) * (i % 5 === 0 ? 0 : 1);
}

test('kernels equal plain loops summed in the same order (odd widths and row tails)', { skip: !wasmSimdAvailable() }, () => {
  for (const [rows, nIn, nOut] of [[7, 5, 7], [8, 11, 4], [5, 4, 9], [1, 1, 1], [9, 3, 2]]) {
    const k = instantiateKernels(1 << 16)!;
    const ar = new F64Arena(k.memory);
    const a = ar.alloc(rows * nIn), W = ar.alloc(nOut * nIn), b = ar.alloc(nOut), out = ar.alloc(rows * nOut);
    const ws = nOut + (nOut & 1), wt = ar.alloc(nIn * ws);
    const dz = ar.alloc(rows * nOut), g = ar.alloc(nOut * nIn), dp = ar.alloc(rows * nIn);
    fill(a, 1); fill(W, 2); fill(b, 3); fill(dz, 4); fill(g, 5);
    for (let j = 0; j < nOut; j++) for (let i = 0; i < nIn; i++) wt[i * ws + j] = W[j * nIn + i];
    k.forward(a.byteOffset, nIn, wt.byteOffset, ws * 8, b.byteOffset, out.byteOffset, nOut, rows);
    const g0 = Float64Array.from(g);
    k.gradWeights(a.byteOffset, nIn, dz.byteOffset, nOut, rows, g.byteOffset);
    k.gradInput(a.byteOffset, nIn, dz.byteOffset, nOut, rows, W.byteOffset, dp.byteOffset, 1.25);
    const r4 = rows - (rows & 3), j4 = nOut - (nOut & 3);
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < nOut; j++) {
        let s = b[j];
        for (let i = 0; i < nIn; i++) s += a[r * nIn + i] * W[j * nIn + i];
        assert.equal(out[r * nOut + j], s);
      }
      for (let i = 0; i < nIn; i++) {
        let t = 0, j = 0;
        for (; j < j4; j += 4) {
          t += dz[r * nOut + j] * W[j * nIn + i] + dz[r * nOut + j + 1] * W[(j + 1) * nIn + i] +
            dz[r * nOut + j + 2] * W[(j + 2) * nIn + i] + dz[r * nOut + j + 3] * W[(j + 3) * nIn + i];
        }
        for (; j < nOut; j++) t += dz[r * nOut + j] * W[j * nIn + i];
        assert.equal(dp[r * nIn + i], a[r * nIn + i] > 0 ? t * 1.25 : 0);
      }
    }
    for (let j = 0; j < nOut; j++) for (let i = 0; i < nIn; i++) {
      let s = g0[j * nIn + i], r = 0;
      const x = (q: number): number => dz[q * nOut + j] * a[q * nIn + i];
      for (; r < r4; r += 4) s += x(r) + x(r + 1) + x(r + 2) + x(r + 3);
      for (; r < rows; r++) s += x(r);
      assert.equal(g[j * nIn + i], s);
    }
  }
});

test('the kernel module validates and compiles (Node ≥ 20 always has WebAssembly SIMD)', () => {
  assert.doesNotThrow(() => new WebAssembly.Module(kernelBytes()));
  assert.equal(wasmSimdAvailable(), true);
});

test('no instance (so the TypeScript fallback) for memories of 2 GiB or more', () => {
  assert.equal(instantiateKernels(2 ** 31), null);
  assert.notEqual(instantiateKernels(1 << 20), null);
});
