import { resolve } from 'node:path';
import { DATA as DATA_DIR } from '../../../test/support/cli.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { applyTemperature } from '../../core/classify/calibration.ts';
import { availableInputs, ORIGINAL_CLUSTER_FEATURES, type FeatureSelection } from '../../core/data/feature-matrix.ts';
import { generateCatalogue } from '../../core/generator/generate.ts';
import { matrix, type Matrix } from '../../core/common/matrix.ts';
import { encodeLabels, FittedMoodClassifier, MoodClassifier } from '../../core/classify/mood-classifier.ts';
import { FittedEnsemble } from '../../core/classify/ensemble.ts';
import { DEFAULT_ENSEMBLE_MEMBERS } from '../../core/classify/train-mood-model.ts';
import { readTracksCsv } from '../csv/read-tracks.ts';
import { buildOnnxModel, classifierLayers, classifierToOnnx, moodModelToOnnx, onnxSpecOf, OnnxExportError } from './export.ts';
import { encodeModel } from './onnx-proto.ts';
import { ProtoWriter } from './protobuf.ts';
import { onnxRuntimeAvailable, predictProbaOnnx } from './run.ts';

const ORT = await onnxRuntimeAvailable();
const noOrt = ORT ? false : 'onnxruntime-node is not installed';
const DATA_MOODS = resolve(DATA_DIR, 'mood_labelled/data_moods.csv');

function maxAbsDiff(a: Matrix, b: Matrix): number {
  assert.equal(a.rows, b.rows);
  assert.equal(a.cols, b.cols);
  let m = 0;
  for (let i = 0; i < a.data.length; i++) m = Math.max(m, Math.abs(a.data[i] - b.data[i]));
  return m;
}

const generated = generateCatalogue({ tracks: 1500, seed: 11, labelled: true });
const generatedY = encodeLabels(generated.text.mood);

function fitGenerated(model: 'mlp' | 'logreg', features: FeatureSelection | null, classifierOptions: Record<string, unknown> = {}): FittedMoodClassifier {
  return new MoodClassifier({ model, features, classifierOptions, seed: 3 }).fit(generated, generatedY);
}

test('protobuf writer: varints, negative int64, length-delimited fields', () => {
  const w = new ProtoWriter();
  w.varint(300);
  assert.deepEqual([...w.finish()], [0xac, 0x02]);
  const n = new ProtoWriter();
  n.int(1, -1);
  assert.deepEqual([...n.finish()], [0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
  const s = new ProtoWriter();
  s.string(2, 'hi');
  assert.deepEqual([...s.finish()], [0x12, 0x02, 0x68, 0x69]);
  assert.throws(() => new ProtoWriter().varint(-1), /negative/);
});

test('the exported model starts with ir_version and names the graph', () => {
  const bytes = moodModelToOnnx(fitGenerated('mlp', null, { epochs: 1 }));
  assert.deepEqual([...bytes.subarray(0, 2)], [0x08, 0x07]); // field 1 varint = 7
  assert.ok(Buffer.from(bytes).includes('moodscape_mood_model'));
});

test('ONNX parity: MLP on generated data, raw inputs', { skip: noOrt }, async () => {
  const m = fitGenerated('mlp', null, { epochs: 5, batchSize: 64 });
  const X = m.featureMatrix(generated);
  const diff = maxAbsDiff(await predictProbaOnnx(moodModelToOnnx(m), X), m.predictProbaRaw(X));
  assert.ok(diff < 1e-5, `max |Δp| = ${diff}`);
});

test('ONNX parity: MLP with every engineered feature', { skip: noOrt }, async () => {
  const sel = { inputs: availableInputs(generated), engineered: [...ORIGINAL_CLUSTER_FEATURES.engineered] };
  const m = fitGenerated('mlp', sel, { epochs: 5, batchSize: 64, hiddenSizes: [16, 8] });
  const X = m.featureMatrix(generated);
  // A loudness of exactly 0 makes energy_loudness_ratio huge: the graph must still agree.
  const j = sel.inputs.indexOf('loudness');
  X.data[j] = 0;
  const diff = maxAbsDiff(await predictProbaOnnx(moodModelToOnnx(m), X), m.predictProbaRaw(X));
  assert.ok(diff < 1e-5, `max |Δp| = ${diff}`);
});

test('ONNX parity: a bare network on scaled rows (classifierToOnnx)', { skip: noOrt }, async () => {
  const m = fitGenerated('mlp', null, { epochs: 2 });
  const Xs = m.scaler.transform(m.featureMatrix(generated));
  const diff = maxAbsDiff(await predictProbaOnnx(classifierToOnnx(m.classifier), Xs), m.classifier.predictProba(Xs));
  assert.ok(diff < 1e-5, `max |Δp| = ${diff}`);
});

test('ONNX parity: logistic regression, multinomial and binary', { skip: noOrt }, async () => {
  const multi = fitGenerated('logreg', null);
  const X = multi.featureMatrix(generated);
  assert.ok(maxAbsDiff(await predictProbaOnnx(moodModelToOnnx(multi), X), multi.predictProbaRaw(X)) < 1e-5);
  const labels = generated.text.mood.map((m) => (m === generatedY.classes[0] ? 'a' : 'b'));
  const bin = new MoodClassifier({ model: 'logreg' }).fit(generated, encodeLabels(labels));
  const diff = maxAbsDiff(await predictProbaOnnx(moodModelToOnnx(bin), X), bin.predictProbaRaw(X));
  assert.ok(diff < 1e-5, `binary max |Δp| = ${diff}`);
});

test('ONNX parity on data_moods.csv (real labels)', { skip: noOrt || (!existsSync(DATA_MOODS) && 'data_moods.csv not present') }, async () => {
  const table = (await readTracksCsv(DATA_MOODS)).table;
  const y = encodeLabels(table.text.mood);
  const mlp = new MoodClassifier({ model: 'mlp', classifierOptions: { epochs: 20 }, seed: 1 }).fit(table, y);
  // train's default: logreg + a seed ensemble of three networks, with a temperature.
  const members = DEFAULT_ENSEMBLE_MEMBERS.map((m) => (m.kind === 'mlp' ? { ...m, options: { epochs: 20 } } : m));
  const ens = new MoodClassifier({ model: 'ensemble', classifierOptions: { members }, seed: 1 }).fit(table, y).withTemperature(1.3);
  for (const m of [mlp, ens]) {
    const X = m.featureMatrix(table);
    const diff = maxAbsDiff(await predictProbaOnnx(moodModelToOnnx(m), X), m.predictProbaRaw(X));
    assert.ok(diff < 1e-5, `${m.options.model}: max |Δp| = ${diff}`);
  }
});

test('ONNX parity: weighted ensemble (logreg + seed networks) with a temperature, as the default model is', { skip: noOrt }, async () => {
  const members = [{ kind: 'logreg', weight: 1 }, { kind: 'mlp', seeds: 3, weight: 2, options: { epochs: 3, hiddenSizes: [16, 8] } }];
  const m = new MoodClassifier({ model: 'ensemble', classifierOptions: { members }, seed: 5 }).fit(generated, generatedY);
  const spec = onnxSpecOf(m);
  assert.equal(spec.members.length, 4);
  assert.deepEqual(spec.weights, [1, 2 / 3, 2 / 3, 2 / 3]);
  const X = m.featureMatrix(generated);
  for (const T of [1, 0.6, 1.7]) {
    const mt = m.withTemperature(T);
    assert.equal(onnxSpecOf(mt).temperature, T === 1 ? undefined : T);
    const diff = maxAbsDiff(await predictProbaOnnx(moodModelToOnnx(mt), X), mt.predictProbaRaw(X));
    assert.ok(diff < 1e-5, `T = ${T}: max |Δp| = ${diff}`);
  }
});

test('ONNX graph from a hand-made spec: equal weights by default, temperature on one network', { skip: noOrt }, async () => {
  const a = fitGenerated('mlp', null, { epochs: 2, hiddenSizes: [8, 4] });
  const b = new MoodClassifier({ model: 'mlp', classifierOptions: { epochs: 2, hiddenSizes: [6] }, seed: 9 }).fit(generated, generatedY);
  const X = a.featureMatrix(generated);
  const Xs = a.scaler.transform(X); // both were fitted on the same rows: same scaler
  const pa = a.classifier.predictProba(Xs), pb = b.classifier.predictProba(Xs);
  const base = onnxSpecOf(a);
  const single = await predictProbaOnnx(encodeModel(buildOnnxModel({ ...base, temperature: 1.7 })), X);
  assert.ok(maxAbsDiff(single, applyTemperature(pa, 1.7, { from: 'probs' })) < 1e-5);
  const mean = matrix(pa.rows, pa.cols);
  for (let i = 0; i < mean.data.length; i++) mean.data[i] = (pa.data[i] + pb.data[i]) / 2;
  const spec = { ...base, members: [classifierLayers(a.classifier), classifierLayers(b.classifier)] };
  assert.ok(maxAbsDiff(await predictProbaOnnx(encodeModel(buildOnnxModel(spec)), X), mean) < 1e-5);
});

test('refuses what it cannot express, with a clear error', () => {
  const a = fitGenerated('mlp', null, { epochs: 1, hiddenSizes: [4] });
  const odd = { nFeatures: 3, nClasses: 2, predictProba: () => matrix(0, 2), toState: () => ({ kind: 'forest', formatVersion: 1, config: {}, arrays: {} }) };
  assert.throws(() => onnxSpecOf(new FittedMoodClassifier(a.options, a.selection, a.classes, a.scaler, odd)), (e) => e instanceof OnnxExportError && /mlp and logreg.*forest/.test(e.message));
  const unknown = { ...onnxSpecOf(a), inputs: ['energy'], engineered: ['energy_squared'], mean: [0, 0], scale: [1, 1] };
  assert.throws(() => buildOnnxModel(unknown), /unknown engineered feature "energy_squared"/);
  assert.throws(() => buildOnnxModel({ ...onnxSpecOf(a), temperature: -1 }), /temperature must be a finite number > 0/);
  assert.throws(() => buildOnnxModel({ ...onnxSpecOf(a), weights: [1, 1] }), /one positive number per member/);
  const nested = new FittedEnsemble({ members: [] }, [new FittedEnsemble({ members: [] }, [a.classifier], [1])], [1]);
  assert.throws(() => onnxSpecOf(new FittedMoodClassifier(a.options, a.selection, a.classes, a.scaler, nested)), /nested ensemble/);
});
