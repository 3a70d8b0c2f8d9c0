import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fromRows, matrix } from '../common/matrix.ts';
import { StandardScaler, FittedStandardScaler, MinMaxScaler, FittedMinMaxScaler } from './scaler.ts';

const X = fromRows([
  [1, 10, 5],
  [2, 20, 5],
  [3, 30, 5],
  [6, 60, 5],
]);

const close = (a: number, b: number, eps = 1e-12) => assert.ok(Math.abs(a - b) <= eps, `${a} vs ${b}`);

test('StandardScaler: population std, zero-variance column gets scale 1', () => {
  const s = new StandardScaler().fit(X);
  close(s.mean[0], 3);
  close(s.variance[0], (4 + 1 + 0 + 9) / 4); // ddof 0 like sklearn
  close(s.scale[0], Math.sqrt(3.5));
  assert.equal(s.scale[2], 1);
  const Z = s.transform(X);
  for (let j = 0; j < 2; j++) {
    let m = 0, v = 0;
    for (let i = 0; i < 4; i++) m += Z.data[i * 3 + j];
    for (let i = 0; i < 4; i++) v += (Z.data[i * 3 + j] - m / 4) ** 2;
    close(m / 4, 0);
    close(v / 4, 1, 1e-12);
  }
  for (let i = 0; i < 4; i++) assert.equal(Z.data[i * 3 + 2], 0);
  const back = s.inverseTransform(Z);
  back.data.forEach((v, i) => close(v, X.data[i], 1e-12));
});

test('StandardScaler: withMean/withStd off', () => {
  const s = new StandardScaler({ withMean: false, withStd: false }).fit(X);
  assert.deepEqual(s.transform(X).data, X.data);
});

test('StandardScaler: state round-trip, width check, option validation', () => {
  const s = new StandardScaler().fit(X);
  const r = FittedStandardScaler.fromState(s.toState());
  assert.deepEqual(r.transform(X).data, s.transform(X).data);
  assert.throws(() => s.transform(matrix(1, 2)), /fitted on 3 features but got 2/);
  assert.throws(() => new StandardScaler({ withMean: 1 as unknown as boolean }).fit(X), /"withMean"/);
  assert.throws(() => FittedStandardScaler.fromState({ ...s.toState(), kind: 'kmeans' }), /expected a standard-scaler/);
  assert.throws(() => new StandardScaler().fit(matrix(0, 3)), /0 rows/);
});

test('MinMaxScaler: maps to [0,1] and custom range, constant column to min, inverse', () => {
  const s = new MinMaxScaler().fit(X);
  const Z = s.transform(X);
  assert.deepEqual(Array.from(Z.data.filter((_, i) => i % 3 === 0)), [0, 0.2, 0.4, 1]);
  for (let i = 0; i < 4; i++) assert.equal(Z.data[i * 3 + 2], 0);
  const s2 = new MinMaxScaler({ min: -1, max: 1 }).fit(X);
  const Z2 = s2.transform(X);
  close(Z2.data[0], -1);
  close(Z2.data[9], 1);
  s2.inverseTransform(Z2).data.forEach((v, i) => close(v, X.data[i], 1e-12));
});

test('MinMaxScaler: state round-trip, width check, option validation', () => {
  const s = new MinMaxScaler({ min: 2, max: 5 }).fit(X);
  const r = FittedMinMaxScaler.fromState(s.toState());
  assert.deepEqual(r.transform(X).data, s.transform(X).data);
  assert.throws(() => r.transform(matrix(1, 4)), /fitted on 3 features but got 4/);
  assert.throws(() => new MinMaxScaler({ min: 1, max: 1 }).fit(X), /"max" must be > min/);
  assert.throws(() => new MinMaxScaler({ min: NaN }).fit(X), /"min"/);
});
