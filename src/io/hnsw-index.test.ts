import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exactNearest, recallAtK } from '../core/recommend/index.ts';
import { createRng } from '../core/random.ts';
import { buildHnswIndex, openHnswIndex } from './hnsw-index.ts';

function randomVectors(n: number, dims: number, seed: number): Float32Array {
  const rng = createRng(seed);
  const v = new Float32Array(n * dims);
  for (let i = 0; i < v.length; i++) v[i] = rng.normal();
  return v;
}

describe('HNSW index', () => {
  it('recall@10 against the exact scan is at least 0.99 on 20k random 12-dim vectors', () => {
    const dims = 12, n = 20_000;
    const data = randomVectors(n, dims, 1);
    const index = buildHnswIndex(data, dims, { threads: 2 });
    const queries = randomVectors(200, dims, 2);
    const exact = [], approx = [];
    for (let q = 0; q < 200; q++) {
      const v = queries.subarray(q * dims, (q + 1) * dims);
      exact.push(exactNearest(data, dims, v, 10));
      approx.push(index.search(v, 10));
    }
    const recall = recallAtK(exact, approx, 10);
    assert.ok(recall >= 0.99, `recall@10 ${recall}`);
    const d = approx[0].distances;
    for (let i = 1; i < d.length; i++) assert.ok(d[i] >= d[i - 1]);
  });

  it('is persisted beside the catalogue and rebuilt when the catalogue changes', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'moodscape-hnsw-'));
    try {
      const cat = join(dir, 'catalogue.csv');
      await writeFile(cat, 'stand-in');
      const dims = 6, data = randomVectors(1500, dims, 3);
      const first = await openHnswIndex(cat, data, dims, { threads: 1 });
      assert.equal(first.rebuilt, true);
      const second = await openHnswIndex(cat, data, dims, { threads: 1 });
      assert.equal(second.rebuilt, false);
      assert.deepEqual(Array.from(second.index.search(data.subarray(0, dims), 3).rows), Array.from(first.index.search(data.subarray(0, dims), 3).rows));
      const changed = data.slice();
      changed[7] += 1;
      const third = await openHnswIndex(cat, changed, dims, { threads: 1 });
      assert.equal(third.rebuilt, true);
      assert.match(third.reason, /catalogue changed/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
