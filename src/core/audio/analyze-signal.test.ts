import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeSignal, ANALYZER_VERSION, FEATURE_PROVENANCE } from './analyze-signal.ts';

const RATE = 44100;
const tone = (hz: number, seconds: number, amp = 0.5, rate = RATE) =>
  Float32Array.from({ length: Math.round(seconds * rate) }, (_, i) => amp * Math.sin((2 * Math.PI * hz * i) / rate));

function clickTrain(bpm: number, seconds: number, rate = RATE): Float32Array {
  const x = new Float32Array(Math.round(seconds * rate));
  for (let t = 0.1; t < seconds; t += 60 / bpm) {
    const i = Math.round(t * rate);
    for (let j = 0; j < 600 && i + j < x.length; j++) x[i + j] += 0.6 * Math.sin(j * 0.25) * Math.exp(-j / 120);
  }
  return x;
}

test('a click train comes back at its tempo within 2 % at 44.1 and 48 kHz, with strong regular beats', () => {
  for (const [bpm, rate] of [[72, 44100], [100, 48000], [128, 44100], [150, 22050]] as const) {
    const x = clickTrain(bpm, 20, rate);
    const { features: f } = analyzeSignal([x, x], rate);
    assert.ok(Math.abs(f.tempo - bpm) / bpm < 0.02, `${bpm} BPM at ${rate} Hz: got ${f.tempo}`);
    assert.ok(f.beat_regularity > 0.5, `regularity ${f.beat_regularity}`);
    assert.ok(f.beat_strength > 2, `strength ${f.beat_strength}`);
    assert.ok(Math.abs(f.onset_rate - bpm / 60) < 0.3, `onset rate ${f.onset_rate}`);
  }
});

test('a pure tone: centroid and roll-off at its frequency, 2f zero crossings per second, flatness near 0, no tempo', () => {
  const x = tone(1000, 5);
  const { features: f } = analyzeSignal([x], RATE);
  assert.ok(Math.abs(f.spectral_centroid - 1000) < 15, `centroid ${f.spectral_centroid}`);
  assert.ok(Math.abs(f.spectral_rolloff - 1000) < 25, `rolloff ${f.spectral_rolloff}`);
  assert.ok(Math.abs(f.zero_crossing_rate - 2000) < 10, `zcr ${f.zero_crossing_rate}`);
  assert.ok(f.spectral_flatness < 0.01, `flatness ${f.spectral_flatness}`);
  assert.ok(f.spectral_bandwidth < 100, `bandwidth ${f.spectral_bandwidth}`);
  assert.ok(Number.isNaN(f.tempo), `tempo of a steady tone ${f.tempo}`);
  for (let i = 1; i < 13; i++) assert.ok(f[`mfcc_std_${i}`] < 0.5, `mfcc_std_${i} ${f[`mfcc_std_${i}`]}`);
});

test('white noise is flat and wide; a tone is not', () => {
  let s = 7;
  const noise = Float32Array.from({ length: RATE * 5 }, () => ((s = (s * 16807) % 2147483647) / 2147483647 - 0.5));
  const n = analyzeSignal([noise], RATE).features;
  const t = analyzeSignal([tone(440, 5)], RATE).features;
  assert.ok(n.spectral_flatness > 0.4 && n.spectral_flatness < 0.7, `noise flatness ${n.spectral_flatness}`);
  assert.ok(n.spectral_bandwidth > 10 * t.spectral_bandwidth);
});

test('digital silence: loudness, tempo and mode undefined (NaN), key −1, no onsets; duration still exact', () => {
  const a = analyzeSignal([new Float32Array(RATE * 3), new Float32Array(RATE * 3)], RATE);
  assert.ok(Number.isNaN(a.features.loudness));
  assert.ok(Number.isNaN(a.features.tempo));
  assert.equal(a.features.key, -1);
  assert.ok(Number.isNaN(a.features.mode));
  assert.equal(a.features.onset_rate, 0);
  assert.equal(a.features.duration_ms, 3000);
  assert.equal(a.features.energy, 0);
});

test('duration is samples over rate, to the millisecond, at any rate; shorter than one frame still works', () => {
  for (const [n, rate] of [[44100 * 7 + 123, 44100], [48000 * 2 + 7, 48000], [300, 8000]] as const) {
    const a = analyzeSignal([tone(300, n / rate, 0.3, rate)], rate);
    assert.ok(Math.abs(a.durationMs - (n / rate) * 1000) < 1e-6);
    assert.equal(a.features.duration_ms, Math.round((n / rate) * 1000));
  }
});

test('bad arguments are refused with a message', () => {
  assert.throws(() => analyzeSignal([], RATE), /at least one channel/);
  assert.throws(() => analyzeSignal([new Float32Array(10), new Float32Array(11)], RATE), /same length/);
  assert.throws(() => analyzeSignal([new Float32Array(10)], 0), /sampleRate/);
});

test('deterministic, and every output column has its provenance', () => {
  const x = clickTrain(110, 8);
  const a = analyzeSignal([x], RATE).features;
  const b = analyzeSignal([x], RATE).features;
  assert.deepEqual(a, b);
  assert.ok(ANALYZER_VERSION.length > 0);
  for (const column of Object.keys(a)) assert.ok(FEATURE_PROVENANCE[column], `no provenance for ${column}`);
  for (const column of Object.keys(FEATURE_PROVENANCE)) assert.ok(column in a, `provenance for a column not produced: ${column}`);
});
