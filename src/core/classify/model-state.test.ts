import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InputError } from '../common/errors.ts';
import { ModelStateError, readState, type ModelState } from './model-state.ts';
import { FittedKMeans, KMeans } from '../cluster/kmeans.ts';
import { FittedEnsemble } from './ensemble.ts';
import { classifierFactory } from './classifiers.ts';
import { fromRows } from '../common/matrix.ts';

const state = (config: Record<string, unknown>, arrays: ModelState['arrays'] = {}): ModelState => ({ kind: 'demo', formatVersion: 1, config, arrays });

/** The message of the ModelStateError `f` throws. */
function failure(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof ModelStateError && e instanceof InputError, `a ModelStateError, got ${String(e)}`);
    return e.message;
  }
  throw new assert.AssertionError({ message: 'expected a ModelStateError' });
}

test('the reader checks kind, version and every field it reads, naming the field', () => {
  assert.match(failure(() => readState({ ...state({}), kind: 'other' }, 'demo', 1)), /^demo state: kind is wrong: expected a demo model state, got "other"$/);
  assert.match(failure(() => readState({ ...state({}), formatVersion: 3 }, 'demo', 1)), /formatVersion says format version 3; this moodscape reads version 1/);
  assert.match(failure(() => readState({ ...state({}), config: null as never }, 'demo', 1)), /demo state: config must be an object, got null/);
  const r = readState(state({ n: 3, x: 1.5, flag: true, names: ['a', 'b'], sizes: [4, 0], inner: { k: 'two' }, list: [{ w: 1 }, 7] }, { a: new Float32Array(4) }), 'demo', 1);
  assert.equal(r.int('n', 1), 3);
  assert.equal(r.number('x'), 1.5);
  assert.equal(r.boolean('flag'), true);
  assert.deepEqual(r.strings('names', 2), ['a', 'b']);
  assert.equal(r.int('absent', 0, 9), 9, 'a fallback for fields older files lack');
  assert.match(failure(() => r.int('x', 1)), /config\.x must be an integer ≥ 1, got 1\.5/);
  assert.match(failure(() => r.number('missing')), /config\.missing is missing/);
  assert.match(failure(() => r.ints('sizes', 1)), /config\.sizes must be an array of integers ≥ 1, got \[4,0\]/);
  assert.match(failure(() => r.object('inner').int('k')), /config\.inner\.k must be an integer, got "two"/);
  assert.match(failure(() => r.objects('list')), /config\.list\[1\] must be an object, got 7/);
  assert.equal(r.array('a', 'float32', 4).length, 4);
  assert.match(failure(() => r.array('a', 'float32', 5)), /arrays\.a holds 4 values, expected 5/);
  assert.match(failure(() => r.array('a', 'float64')), /arrays\.a must be float64, got float32/);
  assert.match(failure(() => r.array('b', 'int32')), /arrays\.b is missing/);
  assert.match(failure(() => r.options<{ k: number }>((p) => { if (p.k === undefined) throw new RangeError('option "k" is required'); return { k: p.k }; })), /config\.options are invalid: option "k" is required/);
});

test('estimators load through the reader: a hand-edited state names its field', () => {
  const X = fromRows([[0, 0], [0, 1], [5, 5], [5, 6]]);
  const s = new KMeans({ k: 2, nInit: 1 }).fit(X).toState();
  assert.deepEqual(FittedKMeans.fromState(s).centroids, new KMeans({ k: 2, nInit: 1 }).fit(X).centroids);
  assert.match(failure(() => FittedKMeans.fromState({ ...s, config: { ...s.config, nFeatures: 3 } })), /kmeans state: arrays\.centroids holds 4 values, expected 6/);
  assert.match(failure(() => FittedKMeans.fromState({ ...s, config: { ...s.config, inertia: 'low' } })), /kmeans state: config\.inertia must be a finite number, got "low"/);
  assert.match(failure(() => FittedKMeans.fromState({ ...s, config: { ...s.config, options: { k: 0 } } })), /kmeans state: config\.options are invalid: .*"k"/);
  // An ensemble says which member is malformed.
  const y = Int32Array.of(0, 0, 1, 1);
  const e = classifierFactory('ensemble').fit(X, y, 2, { members: [{ kind: 'logreg' }, { kind: 'logreg' }] });
  const es = e.toState();
  const members = structuredClone(es.config.members) as Array<{ config: Record<string, unknown> }>;
  members[1].config.nClasses = 1;
  assert.match(failure(() => FittedEnsemble.fromState({ ...es, config: { ...es.config, members } }, (m) => classifierFactory(m.kind).fromState(m))),
    /ensemble state: member 1 \(logreg\) config\.nClasses must be an integer ≥ 2, got 1/);
});
