import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, readlink, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MoodClassifier, encodeLabels } from '../core/classify/mood-classifier.ts';
import { generateCatalogue } from '../core/generator/generate.ts';
import { InputError } from '../core/common/errors.ts';
import { loadMoodModel, saveMoodModel } from './mood-model-dir.ts';

async function trainedModelDir(model: 'mlp' | 'logreg' = 'mlp') {
  const table = generateCatalogue({ tracks: 400, seed: 3, labelled: true });
  const target = encodeLabels(table.text.mood);
  const fitted = new MoodClassifier({ model, classifierOptions: model === 'mlp' ? { epochs: 5 } : {}, seed: 1 }).fit(table, target);
  const dir = await mkdtemp(join(tmpdir(), 'moodscape-model-'));
  const modelDir = join(dir, 'model');
  await saveMoodModel(modelDir, fitted, {
    target: { type: 'label', column: 'mood' },
    training: { file: 'generated', rows: table.rowCount, fingerprint: 'sha256:test' },
    metrics: { note: 'test' },
  });
  return { dir, modelDir, fitted, table };
}

test('a saved model loads back and predicts exactly the same probabilities', async () => {
  const { dir, modelDir, fitted, table } = await trainedModelDir();
  try {
    const files = (await readdir(modelDir)).sort();
    assert.deepEqual(files, ['model.json', 'weights.bin']);
    const { model, info } = await loadMoodModel(modelDir);
    assert.deepEqual(model.classes, fitted.classes);
    assert.deepEqual(model.inputFeatures, fitted.inputFeatures);
    assert.deepEqual(info.target, { type: 'label', column: 'mood' });
    assert.deepEqual(Array.from(model.predictProba(table).data), Array.from(fitted.predictProba(table).data));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a model of an unknown format version is refused with a clear message', async () => {
  const { dir, modelDir } = await trainedModelDir();
  try {
    const file = join(modelDir, 'model.json');
    const manifest = JSON.parse(await readFile(file, 'utf8'));
    manifest.formatVersion = 99;
    await writeFile(file, JSON.stringify(manifest));
    await assert.rejects(loadMoodModel(modelDir), (e: unknown) => {
      assert.ok(e instanceof InputError);
      assert.match((e as Error).message, /format version 99/);
      assert.match((e as Error).message, /reads only version 1/);
      return true;
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a directory that is not a model is refused', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'moodscape-notmodel-'));
  try {
    await assert.rejects(loadMoodModel(dir), /not a moodscape model directory/);
    await assert.rejects(loadMoodModel(join(dir, 'absent')), /does not exist/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('saving over an existing model replaces it whole', async () => {
  const { dir, modelDir, table } = await trainedModelDir();
  try {
    const second = new MoodClassifier({ classifierOptions: { epochs: 2 }, seed: 9 }).fit(table, encodeLabels(table.text.mood));
    await saveMoodModel(modelDir, second, { target: { type: 'label', column: 'mood' }, training: { file: 'g', rows: 1, fingerprint: 'x' }, metrics: {} });
    const { model } = await loadMoodModel(modelDir);
    assert.deepEqual(Array.from(model.predictProba(table).data), Array.from(second.predictProba(table).data));
    const version = await readlink(modelDir);
    assert.deepEqual((await readdir(dir)).filter((n) => n !== version).sort(), ['model'], 'no temporary directories left beside it');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('temperature, uncertain threshold, logreg baseline and training-set index survive save and load', async () => {
  const { buildTrainingIndex, findOverlap } = await import('../core/evaluate/leakage.ts');
  const { evaluationStages } = await import('./mood-model-dir.ts');
  const table = generateCatalogue({ tracks: 300, seed: 4, labelled: true });
  const target = encodeLabels(table.text.mood);
  const fitted = new MoodClassifier({ classifierOptions: { epochs: 3 }, seed: 2 }).fit(table, target).withTemperature(1.7, 0.45);
  const baseline = new MoodClassifier({ model: 'logreg', features: fitted.selection }).fit(table, target);
  const dir = await mkdtemp(join(tmpdir(), 'moodscape-model-'));
  try {
    const withIds = { ...table, text: { ...table.text, id: table.text.id ?? Array.from({ length: table.rowCount }, (_, i) => `t${i}`) } };
    await saveMoodModel(join(dir, 'm'), fitted, { target: { type: 'label', column: 'mood' }, training: { file: 'g', rows: 300, fingerprint: 'x' }, metrics: {} },
      evaluationStages(baseline, buildTrainingIndex(withIds)));
    const loaded = await loadMoodModel(join(dir, 'm'));
    assert.equal(loaded.model.temperature, 1.7);
    assert.equal(loaded.model.uncertainBelow, 0.45);
    assert.deepEqual(Array.from(loaded.model.predictProba(table).data), Array.from(fitted.predictProba(table).data));
    assert.deepEqual(Array.from(loaded.baseline!.predictProba(table).data), Array.from(baseline.predictProba(table).data));
    assert.equal(findOverlap(withIds, loaded.trainingIndex!).overlapping, 300);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('training priors are saved and loaded; older models fall back to their class counts, or have none', async () => {
  const { dir, modelDir, fitted } = await trainedModelDir('logreg');
  try {
    const loaded = await loadMoodModel(modelDir);
    assert.ok(fitted.trainingPriors);
    assert.deepEqual(Array.from(loaded.model.trainingPriors!), Array.from(fitted.trainingPriors));
    // An older model.json: no trainingPriors in the classifier config.
    const path = join(modelDir, 'model.json');
    const json = JSON.parse(await readFile(path, 'utf8'));
    delete json.meta.classifier.trainingPriors;
    await writeFile(path, JSON.stringify(json));
    assert.equal((await loadMoodModel(modelDir)).model.trainingPriors, null);
    json.meta.metrics.classCounts = Object.fromEntries(fitted.classes.map((c, k) => [c, k + 1]));
    await writeFile(path, JSON.stringify(json));
    const old = await loadMoodModel(modelDir);
    const total = fitted.classes.length * (fitted.classes.length + 1) / 2;
    assert.deepEqual(Array.from(old.model.trainingPriors!), fitted.classes.map((_, k) => (k + 1) / total));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
