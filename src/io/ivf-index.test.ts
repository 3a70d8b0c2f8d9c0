import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ivfPath, openIvfIndex } from './ivf-index.ts';
import { randomVectors } from '../../test/support/recommend-fixtures.ts';

test('IVF index file: written beside the catalogue, loaded while the vectors match, rebuilt when they or the options change or the file is damaged', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'moodscape-ivf-'));
  try {
    const cat = join(dir, 'catalogue.csv');
    await writeFile(cat, 'stand-in');
    const dims = 6, data = randomVectors(2500, dims, 3);
    const first = await openIvfIndex(cat, data, dims);
    assert.equal(first.rebuilt, true);
    assert.equal(first.path, ivfPath(cat));
    const second = await openIvfIndex(cat, data, dims);
    assert.equal(second.rebuilt, false, second.reason);
    const q = data.subarray(10 * dims, 11 * dims);
    assert.deepEqual(second.index.search(q, 7), first.index.search(q, 7));

    const changed = data.slice();
    changed[7] += 1;
    const third = await openIvfIndex(cat, changed, dims);
    assert.equal(third.rebuilt, true);
    assert.match(third.reason, /changed since the index was built/);
    const fourth = await openIvfIndex(cat, changed, dims, { cells: 10 });
    assert.equal(fourth.rebuilt, true);
    assert.equal(fourth.index.cells, 10);

    const bytes = await readFile(ivfPath(cat));
    await writeFile(ivfPath(cat), bytes.subarray(0, bytes.length - 100));
    const fifth = await openIvfIndex(cat, changed, dims, { cells: 10 });
    assert.equal(fifth.rebuilt, true);
    assert.match(fifth.reason, /unreadable.*runs past the end/);
    assert.deepEqual(fifth.index.search(q, 7), fourth.index.search(q, 7));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
