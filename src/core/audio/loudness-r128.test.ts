import { test } from 'node:test';
import assert from 'node:assert/strict';
import { measureLoudnessR128 } from './loudness-r128.ts';

/** Stereo 1 kHz sine segments [dBFS, seconds] in sequence, as EBU Tech 3341 builds its test signals. */
function toneSequence(sampleRate: number, segments: [number, number][]): Float32Array[] {
  const total = segments.reduce((n, [, s]) => n + Math.round(s * sampleRate), 0);
  const x = new Float32Array(total);
  let i = 0;
  for (const [db, seconds] of segments) {
    const amp = Math.pow(10, db / 20);
    for (let k = 0; k < Math.round(seconds * sampleRate); k++, i++) x[i] = amp * Math.sin((2 * Math.PI * 1000 * i) / sampleRate);
  }
  return [x, x.slice()];
}

for (const rate of [44100, 48000]) {
  test(`EBU Tech 3341 cases 1–4 at ${rate} Hz: integrated loudness within 0.1 LU`, () => {
    const cases: [[number, number][], number][] = [
      [[[-23, 20]], -23],
      [[[-33, 20]], -33],
      [[[-36, 10], [-23, 60], [-36, 10]], -23],
      [[[-72, 10], [-36, 10], [-23, 60], [-36, 10], [-72, 10]], -23],
    ];
    for (const [segments, expected] of cases) {
      const got = measureLoudnessR128(toneSequence(rate, segments), rate).integrated;
      assert.ok(Math.abs(got - expected) <= 0.1, `${JSON.stringify(segments)}: ${got.toFixed(2)} LUFS, expected ${expected}`);
    }
  });
}

test('EBU Tech 3342 case 1-style: 20 s at −20 dBFS then 20 s at −30 dBFS gives a loudness range of 10 LU (±1)', () => {
  const got = measureLoudnessR128(toneSequence(48000, [[-20, 20], [-30, 20]]), 48000).range;
  assert.ok(Math.abs(got - 10) <= 1, `LRA ${got.toFixed(2)} LU`);
});

test('digital silence is −∞ LUFS with range 0 and peak 0; a mono file is measured on its one channel', () => {
  const silent = measureLoudnessR128([new Float32Array(48000 * 3)], 48000);
  assert.equal(silent.integrated, -Infinity);
  assert.equal(silent.range, 0);
  assert.equal(silent.samplePeak, 0);
  const [left] = toneSequence(48000, [[-23, 10]]);
  const mono = measureLoudnessR128([left], 48000).integrated;
  assert.ok(Math.abs(mono - -26.01) < 0.1, `mono −23 dBFS tone: ${mono}`);
});

test('within 0.5 LU of ffmpeg ebur128 on every rendered file (pieces, speech, noise, clipping) and on 3 wesnoth Oggs; durations exact', async () => {
  const { analysedCorpus, ffmpegEbur128 } = await import('../../../test/support/audio-corpus.ts');
  const { analyzeSignal } = await import('./analyze-signal.ts');
  const files = await analysedCorpus(analyzeSignal);
  const off: string[] = [];
  for (const f of files) {
    assert.ok(Math.abs(f.durationMs - (f.samples / f.sampleRate) * 1000) < 10, `${f.name}: ${f.durationMs} ms`);
    if (f.kind === 'silence') continue;
    const ref = ffmpegEbur128(f.file).integrated;
    if (!(Math.abs(f.features.loudness - ref) <= 0.5)) off.push(`${f.name}: ${f.features.loudness.toFixed(2)} vs ffmpeg ${ref}`);
  }
  const { default: decode } = await import('audio-decode');
  const { readFileSync } = await import('node:fs');
  const music = '/usr/share/games/wesnoth/1.16/data/core/music';
  for (const name of ['sad.ogg', 'victory.ogg', 'defeat.ogg']) {
    const audio = await decode(readFileSync(`${music}/${name}`));
    const got = measureLoudnessR128(audio.channelData, audio.sampleRate).integrated;
    const ref = ffmpegEbur128(`${music}/${name}`).integrated;
    if (!(Math.abs(got - ref) <= 0.5)) off.push(`${name}: ${got.toFixed(2)} vs ffmpeg ${ref}`);
  }
  assert.deepEqual(off, []);
});
