import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveOptions, integer, finite, oneOf, seedCheck } from './options.ts';

interface Opts { k: number; tol: number; kind: 'a' | 'b'; seed: number }
const DEFAULTS: Opts = { k: 3, tol: 1e-4, kind: 'a', seed: 0 };
const CHECKS = { k: integer(1), tol: finite({ min: 0 }), kind: oneOf(['a', 'b'] as const), seed: seedCheck };

test('defaults are returned when nothing is passed', () => {
  assert.deepEqual(resolveOptions(DEFAULTS, undefined, CHECKS), DEFAULTS);
  assert.deepEqual(resolveOptions(DEFAULTS, {}, CHECKS), DEFAULTS);
});

test('undefined does not override a default; defined values do', () => {
  const o = resolveOptions(DEFAULTS, { k: undefined, tol: 0.5 }, CHECKS);
  assert.equal(o.k, 3);
  assert.equal(o.tol, 0.5);
});

test('defaults object is not mutated', () => {
  resolveOptions(DEFAULTS, { k: 7 }, CHECKS);
  assert.equal(DEFAULTS.k, 3);
});

test('bad values throw RangeError naming the field', () => {
  assert.throws(() => resolveOptions(DEFAULTS, { k: 0 }, CHECKS, 'KMeans'), (e: unknown) => {
    assert.ok(e instanceof RangeError);
    assert.match((e as Error).message, /KMeans: option "k" must be an integer ≥ 1, got 0/);
    return true;
  });
  assert.throws(() => resolveOptions(DEFAULTS, { k: 2.5 }, CHECKS), /"k"/);
  assert.throws(() => resolveOptions(DEFAULTS, { tol: -1 }, CHECKS), /"tol".*≥ 0/);
  assert.throws(() => resolveOptions(DEFAULTS, { tol: NaN }, CHECKS), /"tol"/);
  assert.throws(() => resolveOptions(DEFAULTS, { kind: 'c' as 'a' }, CHECKS), /"kind" must be one of "a", "b", got "c"/);
  assert.throws(() => resolveOptions(DEFAULTS, { seed: 1.5 }, CHECKS), /"seed"/);
});

test('unknown option names are rejected', () => {
  assert.throws(() => resolveOptions(DEFAULTS, { kk: 2 } as Partial<Opts>, CHECKS), /unknown option "kk"/);
});

test('check helpers', () => {
  assert.equal(integer(1, 5)(5), undefined);
  assert.ok(integer(1, 5)(6));
  assert.equal(finite({ min: 0, exclusiveMin: true })(1e-9), undefined);
  assert.ok(finite({ min: 0, exclusiveMin: true })(0));
  assert.ok(finite({ max: 1 })(Infinity));
});
