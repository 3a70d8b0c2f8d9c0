import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { applyTemperature } from '../../core/calibration.ts';
import { availableInputs, ORIGINAL_CLUSTER_FEATURES, type FeatureSelection } from '../../core/feature-matrix.ts';
import { generateCatalogue } from '../../core/generator/generate.ts';
import { matrix, type Matrix } from '../../core/matrix.ts';
import { encodeLabels, FittedMoodClassifier, MoodClassifier } from '../../core/mood-classifier.ts';
import type { FittedClassifier } from '../../core/classifiers.ts';
import { readTracksCsv } from '../csv/read-tracks.ts';
import { buildOnnxModel, classifierLayers, classifierToOnnx, moodModelToOnnx, onnxSpecOf, OnnxExportError } from './export.ts';
import { encodeModel } from './onnx-proto.ts';
import { ProtoWriter } from './protobuf.ts';
import { onnxRuntimeAvailable, predictProbaOnnx } from './run.ts';

const ORT = await onnxRuntimeAvailable();
const noOrt = ORT ? false : 'onnxruntime-node is not installed';
const DATA_MOODS = '/work/shared/data/mood_labelled/data_moods.csv';

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
  const m = new MoodClassifier({ classifierOptions: { epochs: 20 }, seed: 1 }).fit(table, encodeLabels(table.text.mood));
  const X = m.featureMatrix(table);
  const diff = maxAbsDiff(await predictProbaOnnx(moodModelToOnnx(m), X), m.predictProbaRaw(X));
  assert.ok(diff < 1e-5, `max |Δp| = ${diff}`);
});

test('ONNX graph: ensemble members averaged, temperature applied (single model and ensemble)', { skip: noOrt }, async () => {
  const a = fitGenerated('mlp', null, { epochs: 2, hiddenSizes: [8, 4] });
  const b = new MoodClassifier({ classifierOptions: { epochs: 2, hiddenSizes: [6] }, seed: 9 }).fit(generated, generatedY);
  const X = a.featureMatrix(generated);
  const Xs = a.scaler.transform(X); // both were fitted on the same rows: same scaler
  const pa = a.classifier.predictProba(Xs), pb = b.classifier.predictProba(Xs);
  const T = 1.7;
  const base = onnxSpecOf(a);
  // Single network, logits ÷ T.
  const single = await predictProbaOnnx(encodeModel(buildOnnxModel({ ...base, temperature: T })), X);
  assert.ok(maxAbsDiff(single, applyTemperature(pa, T, { from: 'probs' })) < 1e-5);
  // Two networks: mean of softmaxes, then temperature from probabilities.
  const spec = { ...base, members: [classifierLayers(a.classifier), classifierLayers(b.classifier)] };
  const mean = matrix(pa.rows, pa.cols);
  for (let i = 0; i < mean.data.length; i++) mean.data[i] = (pa.data[i] + pb.data[i]) / 2;
  assert.ok(maxAbsDiff(await predictProbaOnnx(encodeModel(buildOnnxModel(spec)), X), mean) < 1e-5);
  const tempered = await predictProbaOnnx(encodeModel(buildOnnxModel({ ...spec, temperature: T })), X);
  assert.ok(maxAbsDiff(tempered, applyTemperature(mean, T, { from: 'probs' })) < 1e-5);
});

test('a temperature or members on the fitted model are read from it', () => {
  const a = fitGenerated('mlp', null, { epochs: 1, hiddenSizes: [4] });
  const withT = Object.assign(Object.create(Object.getPrototypeOf(a)), a, { temperature: 2 }) as FittedMoodClassifier;
  assert.equal(onnxSpecOf(withT).temperature, 2);
  const ens = { ...a.classifier, members: [a.classifier, a.classifier], toState: () => a.classifier.toState() } as unknown as FittedClassifier;
  const withMembers = new FittedMoodClassifier(a.options, a.selection, a.classes, a.scaler, ens);
  assert.equal(onnxSpecOf(withMembers).members.length, 2);
});

test('refuses what it cannot express, with a clear error', () => {
  const a = fitGenerated('mlp', null, { epochs: 1, hiddenSizes: [4] });
  const odd = { nFeatures: 3, nClasses: 2, predictProba: () => matrix(0, 2), toState: () => ({ kind: 'forest', formatVersion: 1, config: {}, arrays: {} }) };
  assert.throws(() => onnxSpecOf(new FittedMoodClassifier(a.options, a.selection, a.classes, a.scaler, odd)), (e) => e instanceof OnnxExportError && /mlp and logreg.*forest/.test(e.message));
  const unknown = { ...onnxSpecOf(a), inputs: ['energy'], engineered: ['energy_squared'], mean: [0, 0], scale: [1, 1] };
  assert.throws(() => buildOnnxModel(unknown), /unknown engineered feature "energy_squared"/);
  const badT = Object.assign(Object.create(Object.getPrototypeOf(a)), a, { temperature: -1 }) as FittedMoodClassifier;
  assert.throws(() => onnxSpecOf(badT), /temperature must be a finite number > 0/);
});
