import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stratifiedKFold, stratifiedTrainTestSplit } from './split.ts';

/** 140 / 197 / 154 / 195 — the class sizes of data_moods.csv, interleaved. */
function labels(): Int32Array {
  const sizes = [140, 197, 154, 195];
  const y: number[] = [];
  sizes.forEach((s, c) => { for (let i = 0; i < s; i++) y.push(c); });
  // Deterministic interleave so classes are not in blocks.
  return Int32Array.from(y.map((v, i) => [v, (i * 7919) % 686]).sort((a, b) => a[1] - b[1]).map((p) => p[0]));
}

function count(y: Int32Array, idx: Int32Array, c: number): number {
  let n = 0;
  for (const i of idx) if (y[i] === c) n++;
  return n;
}

test('stratified train/test split keeps class ratios and partitions the rows', () => {
  const y = labels();
  const { train, test } = stratifiedTrainTestSplit(y, { seed: 1 });
  assert.equal(test.length, Math.ceil(0.2 * 686));
  assert.equal(train.length + test.length, 686);
  const seen = new Uint8Array(686);
  for (const i of [...train, ...test]) seen[i]++;
  assert.ok(seen.every((v) => v === 1));
  for (const [c, size] of [[0, 140], [1, 197], [2, 154], [3, 195]]) {
    assert.ok(Math.abs(count(y, test, c) - size * 0.2) <= 1);
  }
  assert.deepEqual(stratifiedTrainTestSplit(y, { seed: 1 }), { train, test });
  assert.notDeepEqual(stratifiedTrainTestSplit(y, { seed: 2 }).test, test);
  assert.throws(() => stratifiedTrainTestSplit(Int32Array.from([0, 0, 1]), {}), /only 1 member/);
  assert.throws(() => stratifiedTrainTestSplit(y, { testSize: 1 }), /testSize/);
});

test('stratified k-fold: every row tested once, class counts per fold balanced', () => {
  const y = labels();
  const folds = stratifiedKFold(y, { folds: 10, seed: 3 });
  assert.equal(folds.length, 10);
  const seen = new Uint8Array(686);
  for (const f of folds) {
    assert.equal(f.train.length + f.test.length, 686);
    for (const i of f.test) seen[i]++;
    assert.ok(f.test.length === 68 || f.test.length === 69);
    for (const [c, size] of [[0, 140], [1, 197], [2, 154], [3, 195]]) {
      const k = count(y, f.test, c);
      assert.ok(k === Math.floor(size / 10) || k === Math.ceil(size / 10), `class ${c}: ${k}`);
    }
    const inTest = new Set(f.test);
    assert.ok(f.train.every((i) => !inTest.has(i)));
  }
  assert.ok(seen.every((v) => v === 1));
  assert.deepEqual(stratifiedKFold(y, { folds: 10, seed: 3 }), folds);
  assert.notDeepEqual(stratifiedKFold(y, { folds: 10, seed: 4 })[0].test, folds[0].test);
});

test('stratified k-fold rejects classes smaller than the fold count', () => {
  const y = Int32Array.from([0, 0, 0, 0, 0, 1, 1, 1]);
  assert.throws(() => stratifiedKFold(y, { folds: 4 }), /class 1 has 3 members, fewer than the 4 folds/);
  assert.equal(stratifiedKFold(y, { folds: 3 }).length, 3);
  assert.throws(() => stratifiedKFold(y, { folds: 1 }), /folds must be/);
});
