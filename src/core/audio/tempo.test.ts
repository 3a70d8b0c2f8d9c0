import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeSignal } from './analyze-signal.ts';
import { estimateTempo } from './tempo.ts';
import { analysedCorpus, isOctaveError } from '../../../test/support/audio-corpus.ts';

test('rendered corpus (60–180 BPM, 3/4 and 4/4, five instruments): tempo within ±2 % on ≥ 95 %, octave errors counted apart', async () => {
  // Truth is the beat grid only where every beat sounds: pads (a chord per bar) and sparse pieces
  // (a note every other beat) are left out.
  const pieces = (await analysedCorpus(analyzeSignal)).filter((f) => f.spec && (f.spec.style === 'chords' || f.spec.style === 'groove'));
  let right = 0, octave = 0;
  const wrong: string[] = [];
  for (const p of pieces) {
    const got = p.features.tempo, truth = p.spec!.bpm;
    if (Math.abs(got / truth - 1) <= 0.02) right++;
    else {
      if (isOctaveError(got, truth)) octave++;
      wrong.push(`${p.name}: ${got.toFixed(1)}`);
    }
  }
  const share = right / pieces.length;
  assert.ok(pieces.length >= 40, `only ${pieces.length} pieces`);
  assert.ok(share >= 0.95, `tempo right on ${right}/${pieces.length} (${octave} octave/metrical errors): ${wrong.join('; ')}`);
});

test('rendered corpus: time signature (3 or 4) right on ≥ 90 % of pieces', async () => {
  const pieces = (await analysedCorpus(analyzeSignal)).filter((f) => f.spec && f.spec.style === 'chords');
  const wrong = pieces.filter((p) => p.features.time_signature !== p.spec!.meter).map((p) => `${p.name}: ${p.features.time_signature}`);
  assert.ok(pieces.some((p) => p.spec!.meter === 3) && pieces.some((p) => p.spec!.meter === 4));
  assert.ok(1 - wrong.length / pieces.length >= 0.9, `wrong on ${wrong.length}/${pieces.length}: ${wrong.join('; ')}`);
});

test('estimateTempo: an impulse train at a fractional period, and none for a flat envelope', () => {
  const frameRate = 22050 / 512;
  for (const bpm of [61.5, 97, 143.7, 176]) {
    const env = new Float32Array(Math.round(frameRate * 30));
    const period = (60 * frameRate) / bpm;
    for (let t = 3; t < env.length; t += period) {
      const i = Math.floor(t), f = t - i;
      env[i] += 1 - f;
      if (i + 1 < env.length) env[i + 1] += f;
    }
    const got = estimateTempo(env, frameRate);
    assert.ok(Math.abs(got.bpm / bpm - 1) < 0.01, `${bpm}: ${got.bpm}`);
    assert.ok(got.regularity > 0.5);
  }
  assert.ok(Number.isNaN(estimateTempo(new Float32Array(2000), frameRate).bpm));
});

test('beat strength and regularity: a drum groove above sustained strings on the same chords', async () => {
  const files = await analysedCorpus(analyzeSignal);
  const groove = files.find((f) => /^groove-Dmaj-118bpm/.test(f.name))!;
  const pad = files.find((f) => /^pad-Dmaj-118bpm/.test(f.name))!;
  assert.ok(groove.features.beat_strength > pad.features.beat_strength, `${groove.features.beat_strength} vs ${pad.features.beat_strength}`);
  assert.ok(groove.features.beat_regularity > pad.features.beat_regularity, `${groove.features.beat_regularity} vs ${pad.features.beat_regularity}`);
});
