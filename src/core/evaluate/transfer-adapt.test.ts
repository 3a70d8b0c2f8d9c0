import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateCatalogue } from '../generator/generate.ts';
import { labelledSet } from '../data/labelled-sets.ts';
import { correctionLearningCurve, leftOutFolds, leftOutPrecisionAtK } from './transfer-adapt.ts';

const classes = ['Calm', 'Energetic', 'Happy', 'Sad'];
const identity = new Map(classes.map((c) => [c, c]));

/** Three generated sets; the third calls Calm what the others call Sad and the other way round. */
function sets() {
  const make = (name: string, seed: number, swap = false) => {
    const t = generateCatalogue({ tracks: 600, seed, labelled: true });
    const mood = swap ? t.text.mood.map((m) => (m === 'Calm' ? 'Sad' : m === 'Sad' ? 'Calm' : m)) : t.text.mood;
    // Distinct ids per set: the overlap check must not drop rows that only share generated ids.
    const id = t.text.id.map((v) => `${name}-${v}`);
    return labelledSet(name, { ...t, text: { ...t.text, mood, id } }, 'mood', classes, identity);
  };
  return [make('a', 1), make('b', 2), make('c', 3, true)];
}

test('leave-one-set-out learning curve: corrections from the left-out set repair a set whose labels differ', () => {
  const folds = leftOutFolds(sets(), classes);
  assert.equal(folds.length, 3);
  assert.ok(folds.every((f) => f.y.length === 600), 'no overlap between the generated sets');
  const lc = correctionLearningCurve(folds, classes, { sizes: [20, 120], draws: 2 });
  assert.deepEqual(lc.sizes, [20, 120]);
  const c = lc.folds.find((f) => f.set === 'c')!;
  assert.equal(c.points[0].macroF1.length, 2);
  assert.ok(c.points[1].meanGain > 0.1, `120 corrections on the swapped set: gain ${c.points[1].meanGain}`);
  assert.ok(c.points[1].meanMacroF1 > c.points[0].meanMacroF1, 'more corrections help more');
  // Deterministic for a seed.
  assert.deepEqual(correctionLearningCurve(folds, classes, { sizes: [20], draws: 1 }).folds.map((f) => f.points[0].macroF1),
    correctionLearningCurve(folds, classes, { sizes: [20], draws: 1 }).folds.map((f) => f.points[0].macroF1));
  assert.throws(() => correctionLearningCurve(folds, classes, { sizes: [600] }), /no rows to score/);
});

test('leave-one-set-out precision@k: one row per mood the left-out set labels, an empty playlist scores 0', () => {
  const folds = leftOutFolds(sets(), classes);
  const r = leftOutPrecisionAtK(folds, classes, { k: 10 });
  assert.equal(r.folds.length, 3);
  for (const f of r.folds) {
    assert.deepEqual(f.moods.map((m) => m.mood), classes);
    for (const m of f.moods) assert.ok(m.precision >= 0 && m.precision <= 1);
  }
  const a = r.folds.find((f) => f.set === 'a')!, c = r.folds.find((f) => f.set === 'c')!;
  const calm = (f: typeof a) => f.moods.find((m) => m.mood === 'Calm')!.precision;
  assert.ok(calm(a) > calm(c), `Calm playlists hit on a (${calm(a)}), miss on the swapped set (${calm(c)})`);
});
