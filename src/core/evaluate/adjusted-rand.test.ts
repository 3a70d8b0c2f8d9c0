import { test } from 'node:test';
import assert from 'node:assert/strict';
import { adjustedRandIndex } from './adjusted-rand.ts';

const close = (a: number, b: number, eps = 1e-12) => assert.ok(Math.abs(a - b) <= eps, `${a} vs ${b}`);

test('identical partitions up to renaming score 1', () => {
  assert.equal(adjustedRandIndex([0, 0, 1, 1, 2], [5, 5, 3, 3, 9]), 1);
  assert.equal(adjustedRandIndex(['a', 'a', 'b'], Int32Array.from([1, 1, 0])), 1);
});

test('known answers from sklearn docs', () => {
  // sklearn: adjusted_rand_score([0, 0, 1, 1], [0, 0, 1, 2]) == 0.5714285714285715
  close(adjustedRandIndex([0, 0, 1, 1], [0, 0, 1, 2]), 0.5714285714285715);
  // adjusted_rand_score([0, 0, 1, 2], [0, 0, 1, 1]) == 0.5714285714285715 (symmetric)
  close(adjustedRandIndex([0, 0, 1, 2], [0, 0, 1, 1]), 0.5714285714285715);
  // adjusted_rand_score([0, 0, 1, 1], [0, 1, 0, 1]) == -0.5
  close(adjustedRandIndex([0, 0, 1, 1], [0, 1, 0, 1]), -0.5);
  // adjusted_rand_score([0, 0, 0, 0], [0, 1, 2, 3]) == 0.0
  close(adjustedRandIndex([0, 0, 0, 0], [0, 1, 2, 3]), 0);
});

test('trivial partitions that agree score 1; length mismatch throws', () => {
  assert.equal(adjustedRandIndex([1, 1, 1], [2, 2, 2]), 1);
  assert.equal(adjustedRandIndex([0, 1, 2], [2, 0, 1]), 1);
  assert.equal(adjustedRandIndex([], []), 1);
  assert.throws(() => adjustedRandIndex([0, 1], [0]), /2 and 1 rows/);
});
