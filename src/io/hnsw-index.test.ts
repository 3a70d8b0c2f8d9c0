import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildHnswIndex, openHnswIndex } from './hnsw-index.ts';
import { againstExact, randomVectors } from '../../test/support/recommend-fixtures.ts';

describe('HNSW index', () => {
  it('recall@10 against the exact scan is at least 0.99 on 20k random 12-dim vectors', () => {
    const dims = 12, n = 20_000;
    const data = randomVectors(n, dims, 1);
    const index = buildHnswIndex(data, dims, { threads: 2 });
    const { approx, recall } = againstExact(index, data, dims, randomVectors(200, dims, 2), 10);
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
