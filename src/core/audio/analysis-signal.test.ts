import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toAnalysisSignal } from './analysis-signal.ts';

const tone = (hz: number, rate: number, seconds = 1) => Float32Array.from({ length: rate * seconds }, (_, i) => Math.sin((2 * Math.PI * hz * i) / rate));
const rms = (x: Float32Array, from = 200) => Math.sqrt(x.subarray(from, x.length - from).reduce((a, v) => a + v * v, 0) / (x.length - 2 * from));

test('44.1 and 96 kHz are decimated to 22.05 and 24 kHz, 16 kHz is kept; pass band kept, alias band removed', () => {
  for (const [rate, expected, factor] of [[44100, 22050, 2], [48000, 24000, 2], [96000, 24000, 4], [16000, 16000, 1]] as const) {
    const pass = toAnalysisSignal([tone(1000, rate)], rate);
    assert.equal(pass.sampleRate, expected);
    assert.equal(pass.samples.length, Math.floor(rate / factor));
    assert.ok(Math.abs(rms(pass.samples) - Math.SQRT1_2) < 0.01, `${rate}: pass-band rms ${rms(pass.samples)}`);
    if (factor > 1) {
      const stop = toAnalysisSignal([tone(expected * 0.75, rate)], rate);
      assert.ok(rms(stop.samples) < 0.01 * Math.SQRT1_2, `${rate}: ${expected * 0.75} Hz leaks at rms ${rms(stop.samples)}`);
    }
  }
});

test('channels are averaged: opposite channels cancel, equal ones keep their level', () => {
  const x = tone(440, 22050);
  const minus = x.map((v) => -v);
  assert.ok(rms(toAnalysisSignal([x, minus], 22050).samples) < 1e-6);
  assert.ok(Math.abs(rms(toAnalysisSignal([x, x, x], 22050).samples) - Math.SQRT1_2) < 1e-3);
});
