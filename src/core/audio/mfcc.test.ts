import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MfccAccumulator } from './mfcc.ts';

test('the DCT of a flat log-mel frame has only coefficient 0; a repeated frame has zero spread', () => {
  const m = new MfccAccumulator(40, 13);
  const flat = new Float32Array(40).fill(-20);
  m.add(flat);
  m.add(flat);
  const { mean, std } = m.result();
  assert.ok(Math.abs(mean[0] - -20 * Math.sqrt(40)) < 1e-3, `c0 ${mean[0]}`);
  for (let c = 1; c < 13; c++) assert.ok(Math.abs(mean[c]) < 1e-4, `c${c} ${mean[c]}`);
  for (const s of std) assert.ok(s < 1e-4);
});

test('a spectrum falling with frequency has a positive coefficient 1 (the spectral tilt)', () => {
  const m = new MfccAccumulator(40, 13);
  m.add(Float32Array.from({ length: 40 }, (_, b) => -b));
  assert.ok(m.result().mean[1] > 0);
});
