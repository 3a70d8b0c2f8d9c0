import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateCatalogue } from '../generator/generate.ts';
import { designMatrix } from '../data/feature-matrix.ts';
import { fitDecisionTree } from '../classify/decision-tree.ts';
import { buildTrainingIndex, checkCircularity, circularityWarning, findOverlap, hash53, overlapWarning } from './leakage.ts';
import { encodeLabels } from '../classify/mood-classifier.ts';
import { selectRows, type TrackTable } from '../data/track-table.ts';

const SEL = { inputs: ['valence', 'danceability', 'energy', 'acousticness', 'tempo', 'loudness'], engineered: [] };

test('a depth-2 tree recovers threshold labels exactly', () => {
  const t = generateCatalogue({ tracks: 400, seed: 1 });
  const X = designMatrix(t, SEL);
  const y = Int32Array.from({ length: t.rowCount }, (_, i) => (t.numeric.energy[i] > 0.6 ? 1 : 0) + (t.numeric.valence[i] > 0.5 ? 2 : 0));
  const tree = fitDecisionTree(X, y, 4, { maxDepth: 2 });
  assert.deepEqual(Array.from(tree.predict(X)), Array.from(y));
});

test('circularity guard: labels made by thresholding the features are flagged, and the warning says what accuracy then measures', () => {
  const t = generateCatalogue({ tracks: 1000, seed: 2 });
  const X = designMatrix(t, SEL);
  const y = Int32Array.from({ length: t.rowCount }, (_, i) => (t.numeric.energy[i] > 0.6 ? 1 : 0) + (t.numeric.acousticness[i] > 0.3 ? 2 : 0));
  const c = checkCircularity(X, y, 4, { featureNames: SEL.inputs, classes: ['a', 'b', 'c', 'd'] });
  assert.ok(c.treeAccuracy >= 0.98, `tree accuracy ${c.treeAccuracy}`);
  assert.equal(c.circular, true);
  const w = circularityWarning(c)!;
  assert.match(w, /depth-2 decision tree/);
  assert.match(w, /agreement with the labeller, not mood/);
  assert.match(w, /energy/);
});

test('circularity guard: moods that are not a function of two thresholds are not flagged', () => {
  const t = generateCatalogue({ tracks: 1000, seed: 3, labelled: true });
  const X = designMatrix(t, SEL);
  const { y, classes } = encodeLabels(t.text.mood);
  const c = checkCircularity(X, y, classes.length);
  assert.ok(c.treeAccuracy < 0.98, `tree accuracy ${c.treeAccuracy}`);
  assert.equal(c.circular, false);
  assert.equal(circularityWarning(c), undefined);
});

test('circularity guard subsamples large inputs to maxRows', () => {
  const t = generateCatalogue({ tracks: 3000, seed: 4 });
  const X = designMatrix(t, SEL);
  const y = Int32Array.from({ length: t.rowCount }, (_, i) => (t.numeric.tempo[i] > 120 ? 1 : 0));
  const c = checkCircularity(X, y, 2, { maxRows: 1000 });
  assert.equal(c.rows, 1000);
  assert.equal(c.circular, true);
});

function withIds(t: TrackTable, prefix: string): TrackTable {
  return { ...t, text: { ...t.text, id: Array.from({ length: t.rowCount }, (_, i) => `${prefix}${i}`) } };
}

test('overlap guard: shared track ids and identical feature rows are found and removed', () => {
  const train = withIds(generateCatalogue({ tracks: 300, seed: 5 }), 'tr');
  const fresh = withIds(generateCatalogue({ tracks: 200, seed: 6 }), 'new');
  const index = buildTrainingIndex(train);
  // Test set: 200 new tracks, 10 training rows under their ids, 5 training rows without id,
  // and 3 training rows re-issued under a new id with values written differently (0.137 vs 0.13699999999999998).
  const same = selectRows(train, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  const noId = selectRows(train, [20, 21, 22, 23, 24]);
  noId.text.id = noId.text.id.map(() => '');
  const reissued = selectRows(train, [30, 31, 32]);
  reissued.text.id = ['x1', 'x2', 'x3'];
  for (const f of Object.keys(reissued.numeric)) reissued.numeric[f] = reissued.numeric[f].map((v) => v * (1 + 1e-12));
  const parts = [fresh, same, noId, reissued];
  const test_: TrackTable = {
    rowCount: parts.reduce((a, p) => a + p.rowCount, 0),
    numeric: Object.fromEntries(Object.keys(fresh.numeric).map((f) => [f, Float64Array.from(parts.flatMap((p) => Array.from(p.numeric[f])))])),
    text: { id: parts.flatMap((p) => p.text.id) },
  };
  const o = findOverlap(test_, index);
  assert.equal(o.sharedIds, 10);
  assert.equal(o.identicalRows, 18);
  assert.equal(o.identicalRowsWithoutId, 5);
  assert.equal(o.overlapping, 18);
  assert.deepEqual(Array.from(o.keep), Array.from({ length: 200 }, (_, i) => i));
  assert.match(overlapWarning(o, true)!, /shares 10 track ids and 18 identical feature rows.*left out/);
  assert.match(overlapWarning(o, false)!, /inflated/);
  assert.equal(overlapWarning(findOverlap(fresh, index), true), undefined);
});

test('hash53 is deterministic and spreads', () => {
  assert.equal(hash53('abc'), hash53('abc'));
  assert.notEqual(hash53('abc'), hash53('abd'));
  assert.ok(Number.isSafeInteger(hash53('x')));
});
