import { test } from 'node:test';
import assert from 'node:assert/strict';
import { correlations, describe, strongestPairs } from './describe.ts';
import type { TrackTable } from './track-table.ts';

const table: TrackTable = {
  rowCount: 5,
  numeric: {
    valence: Float64Array.from([0.1, 0.2, 0.3, 0.4, NaN]),
    energy: Float64Array.from([0.2, 0.4, 0.6, 0.8, 0.5]),
    tempo: Float64Array.from([120, 100, 80, 60, 90]),
  },
  text: {},
};

test('describe matches pandas (sample std, linear quantiles, missing counted)', () => {
  const [valence, energy] = describe(table);
  assert.equal(valence.feature, 'valence');
  assert.equal(valence.count, 4);
  assert.equal(valence.missing, 1);
  assert.ok(Math.abs(valence.mean - 0.25) < 1e-12);
  assert.ok(Math.abs(valence.std - 0.12909944487358055) < 1e-12);
  assert.ok(Math.abs(valence.q25 - 0.175) < 1e-12);
  assert.equal(energy.median, 0.5);
});

test('correlations: perfect positive and negative pairs, pairwise-complete rows', () => {
  const c = correlations(table);
  const iv = c.features.indexOf('valence'), ie = c.features.indexOf('energy'), it = c.features.indexOf('tempo');
  assert.ok(Math.abs(c.matrix[iv][ie] - 1) < 1e-12);
  assert.ok(Math.abs(c.matrix[iv][it] + 1) < 1e-12);
  assert.equal(strongestPairs(c, 1).length, 1);
});
