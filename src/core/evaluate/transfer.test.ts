import { test } from 'node:test';
import assert from 'node:assert/strict';
import { matrix, type Matrix } from '../common/matrix.ts';
import { createRng } from '../common/random.ts';
import { LogisticRegression } from '../classify/logreg.ts';
import { MlpClassifier } from '../classify/mlp.ts';
import { labelledSet, poolSets, sharedFeatures, type LabelledSet } from '../data/labelled-sets.ts';
import type { TrackTable } from '../data/track-table.ts';
import { evaluateTransfer, fitOnSets } from './transfer.ts';

/** Rows of classes 0 and 1 only, in 3 features: what a set that labels two of three moods gives. */
function twoOfThree(n: number, seed: number): { X: Matrix; y: Int32Array; sets: Uint8Array } {
  const rng = createRng(seed);
  const X = matrix(n, 3), y = new Int32Array(n), sets = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) {
    y[i] = i % 2;
    for (let j = 0; j < 3; j++) X.data[i * 3 + j] = (y[i] === 0 ? 1 : -1) * (j === 0 ? 1 : 0) + rng.normal();
    sets[i * 3] = 1; sets[i * 3 + 1] = 1;
  }
  return { X, y, sets };
}

test('partial labels (logreg): a set that does not label a class leaves its coefficients exactly at zero', () => {
  const { X, y, sets } = twoOfThree(200, 1);
  const partial = new LogisticRegression().fit(X, y, 3, { labelSets: sets });
  // Row 2 of coef and intercept 2: the class the set does not label.
  assert.deepEqual(Array.from(partial.coef.subarray(6, 9)), [0, 0, 0]);
  assert.equal(partial.intercept[2], 0);
  // Without partial labels the same rows are evidence against class 2.
  const full = new LogisticRegression().fit(X, y, 3);
  assert.ok(full.intercept[2] < -1, `full-label intercept of the unlabelled class ${full.intercept[2]}`);
  // The two labelled classes are still told apart.
  const p = partial.predict(X);
  let ok = 0;
  for (let i = 0; i < y.length; i++) if (p[i] === y[i]) ok++;
  assert.ok(ok / y.length > 0.6);
});

test('partial labels (mlp): the output unit of an unlabelled class gets no gradient', () => {
  const { X, y, sets } = twoOfThree(200, 2);
  const opts = { hiddenSizes: [8], epochs: 5, batchSize: 16, earlyStopping: null, seed: 3 };
  const partial = new MlpClassifier(opts).fit(X, y, 3, { labelSets: sets });
  const full = new MlpClassifier(opts).fit(X, y, 3);
  // Biases start at 0: with partial labels class 2's output bias never moves; with full labels it is pushed down.
  assert.equal(partial.bias(1)[2], 0);
  assert.ok(full.bias(1)[2] < 0, `full-label bias ${full.bias(1)[2]}`);
  // Its output kernel row keeps its (seeded) initial values: compare with a 0-epoch-like reference
  // — the partial model's class-2 row equals the one of a fit where that class is labelled nowhere either way.
  const partialAgain = new MlpClassifier(opts).fit(X, y, 3, { labelSets: sets });
  assert.deepEqual(Array.from(partial.kernel(1)), Array.from(partialAgain.kernel(1)));
});

test('partial labels with every class in the set equal ordinary training', () => {
  const { X, y } = twoOfThree(120, 4);
  const all = new Uint8Array(120 * 3).fill(1);
  const a = new LogisticRegression().fit(X, y, 3, { labelSets: all });
  const b = new LogisticRegression().fit(X, y, 3);
  assert.deepEqual(Array.from(a.coef), Array.from(b.coef));
  const opts = { hiddenSizes: [4], epochs: 3, earlyStopping: null, seed: 1 };
  assert.deepEqual(Array.from(new MlpClassifier(opts).fit(X, y, 3, { labelSets: all }).kernel(0)), Array.from(new MlpClassifier(opts).fit(X, y, 3).kernel(0)));
});

test('sample weights: zero weight is the same as leaving the rows out', () => {
  const { X, y } = twoOfThree(100, 5);
  const w = new Float64Array(100).fill(1);
  for (let i = 50; i < 100; i++) w[i] = 0;
  const weighted = new LogisticRegression({ C: 100 }).fit(X, y, 2, { sampleWeight: w });
  const half = new LogisticRegression({ C: 100 }).fit(matrix(50, 3, X.data.slice(0, 150)), y.slice(0, 50), 2);
  for (let i = 0; i < 3; i++) assert.ok(Math.abs(weighted.coef[i] - half.coef[i]) < 1e-3, `coef ${i}: ${weighted.coef[i]} vs ${half.coef[i]}`);
});

/** A labelled set of n tracks whose mood depends on valence and energy, with ids prefixed by name. */
function syntheticSet(name: string, n: number, labels: readonly string[], seed: number, shared: { ids?: string[]; rows?: number } = {}): { table: TrackTable } {
  const rng = createRng(seed);
  const cols = ['valence', 'danceability', 'energy', 'acousticness', 'tempo', 'loudness'];
  const numeric: Record<string, Float64Array> = Object.fromEntries(cols.map((c) => [c, new Float64Array(n)]));
  const mood: string[] = [], id: string[] = [];
  for (let i = 0; i < n; i++) {
    const v = rng.next(), e = rng.next();
    numeric.valence[i] = v; numeric.energy[i] = e;
    numeric.danceability[i] = rng.next(); numeric.acousticness[i] = 1 - e + 0.1 * rng.normal();
    numeric.tempo[i] = 80 + 80 * e; numeric.loudness[i] = -20 + 15 * e;
    const full = v > 0.5 ? (e > 0.5 ? 'Energetic' : 'Happy') : (e > 0.5 ? 'Angry' : (v > 0.25 ? 'Calm' : 'Sad'));
    mood.push(labels.includes(full) ? full : 'other');
    id.push(shared.ids && i < shared.ids.length ? shared.ids[i] : `${name}-${i}`);
  }
  return { table: { rowCount: n, numeric, text: { mood, id } } };
}

const identity = (labels: readonly string[]) => new Map(labels.map((l) => [l, l]));

test('poolSets: dedupes across sets by id, counts conflicts, weighs every set equally', () => {
  const classes = ['Calm', 'Energetic', 'Happy', 'Sad'];
  const a = labelledSet('a', syntheticSet('a', 200, classes, 1).table, 'mood', classes, identity(classes));
  const bTable = syntheticSet('b', 100, ['Happy', 'Sad'], 2, { ids: ['a-0', 'a-1', 'a-2'] }).table;
  // a-0..a-2 reappear in b: same mood → dropped as duplicates, another mood → a conflict, kept.
  const aMood = (i: number) => a.table.text.mood[i];
  bTable.text.mood[0] = aMood(0) === 'Happy' || aMood(0) === 'Sad' ? aMood(0) : 'Happy';
  const b = labelledSet('b', bTable, 'mood', classes, identity(['Happy', 'Sad']));
  assert.deepEqual(b.moods, [2, 3]);
  assert.ok((b.unmapped.other ?? 0) > 0, 'labels outside the map are counted');
  const pooled = poolSets([a, b], 4, { features: sharedFeatures([a.table, b.table]) });
  const d = pooled.dedupe;
  assert.equal(d.duplicatesById + d.conflicts >= 1, true);
  assert.equal(pooled.table.rowCount, a.table.rowCount + b.table.rowCount - d.duplicatesById - d.duplicatesByFeatures);
  // Equal set weights: each set's rows sum to the same total.
  const sum = [0, 0];
  for (let i = 0; i < pooled.y.length; i++) sum[pooled.setIndex[i]] += pooled.sampleWeight[i];
  assert.ok(Math.abs(sum[0] - sum[1]) < 1e-9 * sum[0], `set totals ${sum}`);
  // b's rows carry b's label set (Happy, Sad) only.
  const r = pooled.setIndex.indexOf(1);
  assert.deepEqual(Array.from(pooled.labelSets.subarray(r * 4, r * 4 + 4)), [0, 0, 1, 1]);
});

test('evaluateTransfer: leaves each set out, removes the overlap, scores over the set\'s moods; the postprocess hook sees the training priors', () => {
  const classes = ['Calm', 'Energetic', 'Happy', 'Sad'];
  const sets: LabelledSet[] = [
    labelledSet('a', syntheticSet('a', 300, classes, 1).table, 'mood', classes, identity(classes)),
    labelledSet('b', syntheticSet('b', 300, ['Happy', 'Sad'], 2, { ids: ['a-0', 'a-1'] }).table, 'mood', classes, identity(['Happy', 'Sad'])),
    labelledSet('c', syntheticSet('c', 300, ['Calm', 'Energetic', 'Happy'], 3).table, 'mood', classes, identity(classes)),
  ];
  let seen = 0;
  const r = evaluateTransfer(sets, {
    classes, keepPredictions: true,
    postprocess: (p, ctx) => { seen++; assert.equal(ctx.trainPriors.length, 4); assert.ok(Math.abs(ctx.trainPriors.reduce((s, x) => s + x, 0) - 1) < 1e-9); return p; },
  });
  assert.equal(seen, 3);
  assert.deepEqual(r.folds.map((f) => f.set), ['a', 'b', 'c']);
  assert.deepEqual(r.folds[1].moods, ['Happy', 'Sad']);
  assert.ok(r.folds[1].overlapRemoved.byId >= 1, 'b shares ids with a');
  for (const f of r.folds) {
    assert.ok(f.macroF1 > f.baselines.majority.macroF1, `${f.set}: ${f.macroF1}`);
    assert.equal(f.predictions!.y.length, f.rows);
  }
  assert.ok(r.mean.macroF1 > 0.5, `mean ${r.mean.macroF1}`);
});

test('fitOnSets is deterministic for a seed', () => {
  const classes = ['Calm', 'Energetic', 'Happy', 'Sad'];
  const sets = [labelledSet('a', syntheticSet('a', 150, classes, 1).table, 'mood', classes, identity(classes)),
    labelledSet('b', syntheticSet('b', 150, ['Happy', 'Sad'], 2).table, 'mood', classes, identity(['Happy', 'Sad']))];
  const spec = { classifier: { model: 'mlp' as const, classifierOptions: { hiddenSizes: [4], epochs: 3, earlyStopping: null } } };
  const a = fitOnSets(sets, classes, spec, 7).model.toStates(), b = fitOnSets(sets, classes, spec, 7).model.toStates();
  assert.deepEqual(a.stages.classifier.arrays, b.stages.classifier.arrays);
});
