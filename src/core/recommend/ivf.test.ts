import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildIvfIndex, IvfIndex } from './ivf.ts';
import { exactNearest } from './similarity.ts';
import { againstExact, randomVectors } from '../../../test/support/recommend-fixtures.ts';

test('IVF: recall@10 against the exact scan is at least 0.99 on 20k random 12-dim vectors, with exact distances in exact order', () => {
  const dims = 12, n = 20_000;
  const data = randomVectors(n, dims, 1);
  const index = buildIvfIndex(data, dims, { seed: 1 });
  assert.equal(index.cells, Math.round(Math.sqrt(n) / 2));
  const { exact, approx, recall } = againstExact(index, data, dims, randomVectors(200, dims, 2), 10);
  assert.ok(recall >= 0.99, `recall@10 ${recall}`);
  for (let q = 0; q < 200; q++) {
    const a = approx[q], e = exact[q];
    assert.equal(a.rows.length, 10);
    for (let i = 1; i < 10; i++) assert.ok(a.distances[i] >= a.distances[i - 1]);
    // A neighbour both found has the same distance, to the bit.
    for (let i = 0; i < 10; i++) {
      const j = Array.from(e.rows).indexOf(a.rows[i]);
      if (j >= 0) assert.ok(Object.is(a.distances[i], e.distances[j]));
    }
  }
});

test('IVF: every row is filed once; a query for more neighbours than rows returns them all; a row finds itself first', () => {
  const dims = 5, n = 700;
  const data = randomVectors(n, dims, 3);
  const index = buildIvfIndex(data, dims, { cells: 9, probes: 2, seed: 4 });
  assert.deepEqual(Array.from(index.order).sort((a, b) => a - b), Array.from({ length: n }, (_, i) => i));
  assert.equal(index.offsets[index.cells], n);
  const all = index.search(data.subarray(0, dims), 5000);
  assert.equal(all.rows.length, n);
  assert.deepEqual(Array.from(all.rows), Array.from(exactNearest(data, dims, data.subarray(0, dims), n).rows));
  for (const r of [0, 123, 699]) assert.equal(index.search(data.subarray(r * dims, (r + 1) * dims), 3).rows[0], r);
});

test('IVF: the state round trip answers exactly as the built index, and rejects a state that does not fit the vectors', () => {
  const dims = 6, n = 3000;
  const data = randomVectors(n, dims, 5);
  const built = buildIvfIndex(data, dims, { seed: 2 });
  const loaded = IvfIndex.fromState(built.toState(), data);
  const queries = randomVectors(20, dims, 6);
  for (let q = 0; q < 20; q++) {
    const v = queries.subarray(q * dims, (q + 1) * dims);
    assert.deepEqual(loaded.search(v, 15), built.search(v, 15));
  }
  assert.throws(() => IvfIndex.fromState(built.toState(), data.subarray(0, 100 * dims)), /100 vectors given, the index holds 3000/);
  assert.throws(() => buildIvfIndex(data, dims, { cells: -1 }), /cells/);
});
