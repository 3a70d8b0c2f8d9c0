import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateCatalogue } from '../../core/generator/generate.ts';
import { encodeLabels } from '../../core/classify/mood-classifier.ts';
import { crossValidateMoodClassifier, type CvOptions } from '../../core/evaluate/mood-cv.ts';
import { trainMoodModel } from '../../core/classify/train-mood-model.ts';
import { sweepK } from '../../core/cluster/k-sweep.ts';
import { matrix } from '../../core/common/matrix.ts';
import { createRng } from '../../core/common/random.ts';
import { KMeans } from '../../core/cluster/kmeans.ts';
import { workerFoldRunner, workerRestartRunner, workerSweepRunner } from './fold-runner.ts';

const labelled = generateCatalogue({ tracks: 400, seed: 21, labelled: true });
const target = encodeLabels(labelled.text.mood);

test('folds on 2 worker threads give exactly the sequential results (same seed)', () => {
  const options = { model: 'mlp' as const, classifierOptions: { epochs: 3, batchSize: 32 }, seed: 4 };
  const cv: CvOptions = { folds: 5, seed: 9, repeats: 2 };
  const seq = crossValidateMoodClassifier(labelled, target, options, cv);
  let calls = 0;
  const par = crossValidateMoodClassifier(labelled, target, options, { ...cv, runFolds: workerFoldRunner(2), onFold: () => { calls++; } });
  assert.equal(calls, 10);
  assert.deepEqual(par.accuracy, seq.accuracy);
  assert.deepEqual(par.macroF1, seq.macroF1);
  assert.deepEqual(par.baselines, seq.baselines);
  assert.deepEqual(par.histories, seq.histories);
  assert.deepEqual(Array.from(par.oofProbaByRepeat[1].data), Array.from(seq.oofProbaByRepeat[1].data));
  assert.deepEqual(par.calibration, seq.calibration);
});

test('train --from-clusters with the worker runner equals the sequential run', () => {
  const spec = { target: { type: 'clusters' as const, k: 3, method: 'kmeans' as const }, classifier: { model: 'logreg' as const }, cv: 3, seed: 2 };
  const seq = trainMoodModel(labelled, spec);
  const par = trainMoodModel(labelled, spec, undefined, { runFolds: workerFoldRunner(2) });
  assert.deepEqual(par.cv!.accuracy, seq.cv!.accuracy);
  assert.deepEqual(Array.from(par.cv!.oofProba.data), Array.from(seq.cv!.oofProba.data));
  assert.equal(par.model.temperature, seq.model.temperature);
  assert.deepEqual(par.model.toStates(), seq.model.toStates());
});

test('a fold that throws in a worker surfaces as an error in the caller', () => {
  const bad = { model: 'mlp' as const, classifierOptions: { epochs: -1 } };
  assert.throws(() => crossValidateMoodClassifier(labelled, target, bad, { folds: 2, seed: 0, runFolds: workerFoldRunner(2) }), /worker thread/);
});

test('k sweep on 2 worker threads equals the sequential sweep', () => {
  const rng = createRng(3);
  const X = matrix(600, 4);
  for (let i = 0; i < X.data.length; i++) X.data[i] = rng.next() + (i % 3);
  const o = { kMin: 2, kMax: 6, nInit: 2, seed: 1, silhouetteMaxExact: 300, silhouetteSample: 300 };
  assert.deepEqual(sweepK(X, o, workerSweepRunner(2)), sweepK(X, o));
});

test('K-Means restarts on 2 threads over shared memory equal the restarts run in turn', () => {
  const rng = createRng(5);
  const X = matrix(3000, 5);
  for (let i = 0; i < X.data.length; i++) X.data[i] = rng.next() + rng.next() + ((i / 5) % 4 === 0 ? 1.5 : 0);
  const runner = workerRestartRunner(2);
  for (const k of [3, 5]) {
    const seq = new KMeans({ k, nInit: 6, seed: 11 }).fit(X);
    const par = new KMeans({ k, nInit: 6, seed: 11 }).fit(X, runner);
    assert.equal(par.inertia, seq.inertia);
    assert.equal(par.nIter, seq.nIter);
    assert.deepEqual(Array.from(par.centroids.data), Array.from(seq.centroids.data));
    assert.deepEqual(Array.from(par.labels), Array.from(seq.labels));
  }
});

test('workers start from the esbuild bundle of the core (not through tsx), and quickly answer', async () => {
  const { workerBundle } = await import('./worker-bundle.ts');
  const bundle = workerBundle();
  assert.ok(bundle !== null && bundle.includes('runCvFold'), 'esbuild is a dependency: the bundle must build');
  const { receiveMessageOnPort } = await import('node:worker_threads');
  const { spawnWorker } = await import('./fold-runner.ts');
  const signal = new Int32Array(new SharedArrayBuffer(8));
  const slot = spawnWorker(signal);
  try {
    let message: unknown;
    for (let waited = 0; message === undefined && waited < 30_000; waited += 50) {
      const m = receiveMessageOnPort(slot.port);
      if (m) message = m.message;
      else Atomics.wait(signal, 0, Atomics.load(signal, 0), 50);
    }
    assert.deepEqual(message, { type: 'ready' });
  } finally {
    await slot.worker.terminate();
  }
});
