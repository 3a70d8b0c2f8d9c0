import { test } from 'node:test';
import assert from 'node:assert/strict';
import { countMissing, dropSparseColumns, imputeMissing, meanIgnoringNaN, medianIgnoringNaN } from './clean.ts';
import type { TrackTable } from './track-table.ts';

const table = (): TrackTable => ({
  rowCount: 4,
  numeric: {
    valence: Float64Array.from([0.1, NaN, 0.3, 0.9]),
    mode: Float64Array.from([1, 1, NaN, 0]),
    liveness: Float64Array.from([NaN, NaN, NaN, 0.2]),
    tempo: Float64Array.from([100, 110, 120, 130]),
  },
  text: { id: ['a', 'b', 'c', 'd'] },
});

test('statistics ignore NaN', () => {
  assert.equal(countMissing([1, NaN, NaN]), 2);
  assert.equal(meanIgnoringNaN([1, NaN, 3]), 2);
  assert.equal(medianIgnoringNaN([5, NaN, 1, 3]), 3);
  assert.equal(medianIgnoringNaN([4, 1, 3, 2]), 2.5);
  assert.ok(Number.isNaN(medianIgnoringNaN([NaN])));
  assert.ok(Number.isNaN(meanIgnoringNaN([])));
});

test('median imputation fills, counts and rounds discrete features; input untouched', () => {
  const t = table();
  const r = imputeMissing(t, 'median');
  assert.deepEqual([...r.table.numeric.valence], [0.1, 0.3, 0.3, 0.9]);
  assert.deepEqual([...r.table.numeric.mode], [1, 1, 1, 0]);
  assert.deepEqual([...r.table.numeric.liveness], [0.2, 0.2, 0.2, 0.2]);
  assert.deepEqual(r.imputed, { valence: 1, mode: 1, liveness: 3 });
  assert.equal(r.fillValues.valence, 0.3);
  assert.equal(r.droppedRows, 0);
  assert.ok(Number.isNaN(t.numeric.valence[1]));
  assert.equal(r.table.numeric.tempo, t.numeric.tempo); // untouched columns are shared
});

test('mean imputation', () => {
  const r = imputeMissing(table(), 'mean', ['valence']);
  assert.ok(Math.abs(r.table.numeric.valence[1] - 1.3 / 3) < 1e-12);
  assert.deepEqual(Object.keys(r.imputed), ['valence']);
  assert.ok(Number.isNaN(r.table.numeric.mode[2]));
});

test('drop removes rows with any gap in the chosen columns', () => {
  const r = imputeMissing(table(), 'drop', ['valence', 'mode', 'tempo']);
  assert.deepEqual(r.table.text.id, ['a', 'd']);
  assert.equal(r.droppedRows, 2);
  const all = imputeMissing(table(), 'drop');
  assert.deepEqual(all.table.text.id, ['d']);
});

test('dropSparseColumns removes mostly-empty columns except kept ones', () => {
  const r = dropSparseColumns(table(), 0.5);
  assert.deepEqual(Object.keys(r.table.numeric), ['valence', 'mode', 'tempo']);
  assert.deepEqual(r.dropped, [{ column: 'liveness', missing: 3, missingFraction: 0.75 }]);
  const kept = dropSparseColumns(table(), 0.5, ['liveness']);
  assert.ok('liveness' in kept.table.numeric);
  const allEmpty: TrackTable = { rowCount: 2, numeric: { x: Float64Array.from([NaN, NaN]) }, text: {} };
  assert.deepEqual(dropSparseColumns(allEmpty, 1).dropped.map((d) => d.column), ['x']);
});
