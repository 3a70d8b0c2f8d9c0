import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateCatalogue } from '../../../core/generator/generate.ts';
import { matrix } from '../../../core/common/matrix.ts';
import { encodeLabels, MoodClassifier } from '../../../core/classify/mood-classifier.ts';
import { readTracksCsv } from '../../../io/csv/read-tracks.ts';
import { writeGeneratedCsv } from '../../../io/generate-csv.ts';
import { loadMoodModel, saveMoodModel } from '../../../io/mood-model-dir.ts';
import { onnxExportDiscrepancy, predictWithEngine } from '../../../io/onnx/engine.ts';
import { moodModelToOnnx } from '../../../io/onnx/export.ts';
import { onnxRuntimeAvailable, predictProbaOnnx } from '../../../io/onnx/run.ts';
import { registerExport } from './export.ts';
import { registerTag } from './tag.ts';
import { runInProcess } from '../../../../test/support/in-process-cli.ts';

const ORT = await onnxRuntimeAvailable();

const run = (args: string[]) => runInProcess([registerExport, registerTag], args);

describe('export and tag engines', () => {
  let dir: string, modelDir: string, tracks: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'moodscape-export-'));
    modelDir = join(dir, 'model');
    tracks = join(dir, 'tracks.csv');
    const lab = generateCatalogue({ tracks: 1200, seed: 21, labelled: true });
    const model = new MoodClassifier({ features: { inputs: ['valence', 'energy', 'danceability', 'acousticness', 'tempo', 'loudness'], engineered: ['tempo_log', 'dance_energy_interaction'] }, model: 'ensemble', classifierOptions: { members: [{ kind: 'logreg' }, { kind: 'mlp', seeds: 2, options: { epochs: 4, batchSize: 32 } }] }, seed: 2 })
      .fit(lab, encodeLabels(lab.text.mood))
      .withTemperature(1.4); // like train's default model: a blend with a fitted temperature
    await saveMoodModel(modelDir, model, { target: { type: 'label', column: 'mood' }, training: { file: 'generated', rows: lab.rowCount, fingerprint: 'x' }, metrics: {} });
    await writeGeneratedCsv(tracks, { tracks: 3000, seed: 22 });
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('export --onnx writes a graph that reproduces the saved model', { skip: !ORT && 'onnxruntime-node is not installed' }, async () => {
    const out = join(dir, 'model.onnx');
    const r = await run(['export', '--model', modelDir, '--onnx', out, '--json']);
    assert.equal(r.code, 0, r.out);
    const summary = JSON.parse(r.out);
    assert.equal(summary.out, out);
    assert.deepEqual(summary.engineered, ['tempo_log', 'dance_energy_interaction']);
    assert.equal((await stat(out)).size, summary.bytes);
    assert.ok(summary.verifiedMaxDiff < 1e-5);
    const { model } = await loadMoodModel(modelDir);
    const X = model.featureMatrix((await readTracksCsv(tracks)).table);
    const a = await predictProbaOnnx(out, X), b = model.predictProbaRaw(X);
    let worst = 0;
    for (let i = 0; i < a.data.length; i++) worst = Math.max(worst, Math.abs(a.data[i] - b.data[i]));
    assert.ok(worst < 1e-5, `max |Δp| = ${worst}`);
  });

  it('export without a format or of a missing directory is a usage error', async () => {
    assert.equal((await run(['export', '--model', modelDir])).code, 2);
    assert.equal((await run(['export', '--model', join(dir, 'nope'), '--onnx', join(dir, 'x.onnx')])).code, 2);
  });

  it('tag --engine onnx and --engine ts write the same moods and probabilities', { skip: !ORT && 'onnxruntime-node is not installed' }, async () => {
    const outTs = join(dir, 'ts.csv'), outOnnx = join(dir, 'onnx.csv');
    const a = await run(['tag', tracks, '--model', modelDir, '--out', outTs, '--engine', 'ts', '--json']);
    const b = await run(['tag', tracks, '--model', modelDir, '--out', outOnnx, '--engine', 'onnx', '--json']);
    assert.equal(a.code, 0, a.out);
    assert.equal(b.code, 0, b.out);
    assert.equal(JSON.parse(a.out).engine, 'ts');
    assert.equal(JSON.parse(b.out).engine, 'onnx');
    const rowsOf = async (f: string) => (await readFile(f, 'utf8')).trim().split('\n').map((l) => l.split(','));
    const ts = await rowsOf(outTs), onnx = await rowsOf(outOnnx);
    assert.deepEqual(onnx[0], ts[0]);
    assert.equal(onnx.length, ts.length);
    const firstP = ts[0].findIndex((h) => h.startsWith('p_'));
    const moodCol = ts[0].indexOf('mood');
    for (let i = 1; i < ts.length; i++) {
      const pts = ts[i].slice(firstP).map(Number), pon = onnx[i].slice(firstP).map(Number);
      // Values are rounded to 1e-4 in the CSV: at most one rounding step apart.
      for (let j = 0; j < pts.length; j++) assert.ok(Math.abs(pts[j] - pon[j]) <= 1.0001e-4, `row ${i} p${j}: ${pts[j]} vs ${pon[j]}`);
      const sorted = [...pts].sort((x, y) => y - x);
      if (sorted[0] - sorted[1] > 2e-4) assert.equal(onnx[i][moodCol], ts[i][moodCol], `row ${i}`);
    }
  });

  it('auto uses onnxruntime only for large inputs, and the results agree', { skip: !ORT && 'onnxruntime-node is not installed' }, async () => {
    const { model } = await loadMoodModel(modelDir);
    const X = model.featureMatrix((await readTracksCsv(tracks)).table);
    const small = await predictWithEngine(model, X, 'auto');
    assert.equal(small.engine, 'ts');
    const large = await predictWithEngine(model, X, 'auto', { minRows: 1000 });
    assert.equal(large.engine, 'onnx');
    let worst = 0;
    for (let i = 0; i < X.rows * model.classes.length; i++) worst = Math.max(worst, Math.abs(small.proba.data[i] - large.proba.data[i]));
    assert.ok(worst < 1e-5, `max |Δp| = ${worst}`);
  });

  it('auto falls back to TypeScript when the ONNX run would not match the model', { skip: !ORT && 'onnxruntime-node is not installed' }, async () => {
    const { model } = await loadMoodModel(modelDir);
    // A model whose TypeScript output the graph cannot know about: auto must not use onnxruntime.
    const shifted = Object.create(model) as typeof model;
    shifted.predictProbaRaw = (X) => {
      const p = model.predictProbaRaw(X);
      const q = matrix(p.rows, p.cols);
      for (let i = 0; i < p.rows; i++) for (let c = 0; c < p.cols; c++) q.data[i * p.cols + c] = p.data[i * p.cols + ((c + 1) % p.cols)];
      return q;
    };
    const X = model.featureMatrix((await readTracksCsv(tracks)).table);
    const r = await predictWithEngine(shifted, X, 'auto', { minRows: 10 });
    assert.equal(r.engine, 'ts');
    assert.match(r.note ?? '', /disagrees/);
    await assert.rejects(predictWithEngine(shifted, X, 'onnx'), /disagrees/);
    // The export's self-check sees the same gap (and none for the real model).
    assert.ok((await onnxExportDiscrepancy(shifted, moodModelToOnnx(model)))! > 1e-3);
    assert.ok((await onnxExportDiscrepancy(model, moodModelToOnnx(model)))! < 1e-5);
  });

  it('rejects an unknown engine', async () => {
    const r = await run(['tag', tracks, '--model', modelDir, '--out', join(dir, 'x.csv'), '--engine', 'gpu']);
    assert.equal(r.code, 2);
    assert.match(r.out, /--engine must be one of auto, ts, onnx/);
  });
});
