import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RealFft } from './fft.ts';

function naivePower(x: Float64Array): Float64Array {
  const n = x.length, out = new Float64Array(n / 2 + 1);
  for (let k = 0; k <= n / 2; k++) {
    let re = 0, im = 0;
    for (let t = 0; t < n; t++) {
      re += x[t] * Math.cos((2 * Math.PI * k * t) / n);
      im -= x[t] * Math.sin((2 * Math.PI * k * t) / n);
    }
    out[k] = re * re + im * im;
  }
  return out;
}

test('RealFft.power matches the direct DFT on random frames of several sizes', () => {
  let s = 12345;
  const rnd = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1;
  for (const n of [4, 8, 64, 1024]) {
    const x = new Float64Array(n).map(rnd);
    const fft = new RealFft(n);
    const got = new Float64Array(fft.bins);
    fft.power(x, got);
    const want = naivePower(x);
    for (let k = 0; k < want.length; k++) assert.ok(Math.abs(got[k] - want[k]) < 1e-8 * (1 + want[k]), `n=${n} k=${k}: ${got[k]} vs ${want[k]}`);
  }
});

test('RealFft rejects sizes that are not powers of two', () => {
  assert.throws(() => new RealFft(1000), /power of two/);
});
