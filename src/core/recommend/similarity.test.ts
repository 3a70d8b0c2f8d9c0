import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '../common/random.ts';
import { BoundedMaxHeap } from './similarity.ts';

test('bounded heap keeps the smallest (key, id) pairs whatever the push order, ties to the lower id', () => {
  const rng = createRng(4);
  for (let trial = 0; trial < 200; trial++) {
    const n = 1 + Math.floor(rng.next() * 60);
    const cap = Math.floor(rng.next() * 12);
    // Few distinct keys, so ties at the boundary are common.
    const keys = Array.from({ length: n }, () => Math.floor(rng.next() * 5));
    const want = Array.from({ length: n }, (_, id) => id).sort((a, b) => keys[a] - keys[b] || a - b).slice(0, cap);
    const order = Array.from({ length: n }, (_, id) => id);
    for (let i = n - 1; i > 0; i--) { const j = Math.floor(rng.next() * (i + 1)); [order[i], order[j]] = [order[j], order[i]]; }
    const heap = new BoundedMaxHeap(cap);
    for (const id of order) heap.push(id, keys[id]);
    assert.deepEqual(Array.from(heap.sorted().ids), want, `trial ${trial}`);
  }
});
