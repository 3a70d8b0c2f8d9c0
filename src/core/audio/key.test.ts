import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeSignal } from './analyze-signal.ts';
import { estimateKey, KEY_PROFILES } from './key.ts';
import { analysedCorpus, KEY_NAMES } from '../../../test/support/audio-corpus.ts';

test('rendered corpus, every key in both modes: key and mode right on ≥ 90 %', async () => {
  const pieces = (await analysedCorpus(analyzeSignal)).filter((f) => f.spec);
  const keys = new Set(pieces.map((p) => `${p.spec!.key}/${p.spec!.mode}`));
  assert.equal(keys.size, 24, 'the corpus covers all 24 keys');
  const wrong = pieces
    .filter((p) => p.features.key !== p.spec!.key || p.features.mode !== p.spec!.mode)
    .map((p) => `${p.name}: ${KEY_NAMES[p.features.key] ?? '-'}${p.features.mode === 1 ? ' major' : ' minor'}`);
  assert.ok(1 - wrong.length / pieces.length >= 0.9, `wrong on ${wrong.length}/${pieces.length}: ${wrong.join('; ')}`);
});

test('a profile rotated to any key is recognised as that key; flat chroma has no key', () => {
  for (const name of ['krumhansl', 'temperley'] as const) {
    for (let key = 0; key < 12; key++) {
      for (const [mode, profile] of [[1, KEY_PROFILES[name].major], [0, KEY_PROFILES[name].minor]] as const) {
        const chroma = Array.from({ length: 12 }, (_, i) => profile[(i - key + 12) % 12]);
        const got = estimateKey(chroma, name);
        assert.deepEqual([got.key, got.mode], [key, mode]);
        assert.ok(got.strength > 0.99);
      }
    }
  }
  const flat = estimateKey(new Array(12).fill(1 / 12));
  assert.equal(flat.key, -1);
  assert.ok(Number.isNaN(flat.mode));
});

test('key strength: every rendered piece above white noise and speech; speech has more low-energy frames than sustained strings', async () => {
  const files = await analysedCorpus(analyzeSignal);
  const pieces = files.filter((f) => f.kind === 'piece');
  const others = files.filter((f) => f.kind === 'noise' || f.kind === 'speech');
  const weakest = Math.min(...pieces.map((p) => p.features.key_strength));
  for (const o of others) assert.ok(weakest > o.features.key_strength, `${o.name} ${o.features.key_strength} vs weakest piece ${weakest}`);
  const strings = pieces.filter((p) => p.spec!.program === 48);
  for (const s of files.filter((f) => f.kind === 'speech'))
    for (const p of strings) assert.ok(s.features.low_energy_fraction > p.features.low_energy_fraction, `${s.name} vs ${p.name}`);
});
