/**
 * `--prior-shift auto` means the same on every path: `tag` on a CSV, `tag --db` and the server
 * estimate the same mood mix for the same catalogue and give every track the same mood; the
 * server's mood playlists rank by the adjusted probabilities. And the EM itself recovers known
 * priors on a resampled real set.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { openStore } from '../src/io/store/open-store.ts';
import { modelIdOf } from '../src/io/store/tag-catalogue.ts';
import { loadMoodModel } from '../src/io/mood-model-dir.ts';
import { CatalogueState } from '../src/app/server/catalogue-state.ts';
import { registerImport } from '../src/app/cli/commands/import.ts';
import { registerTag } from '../src/app/cli/commands/tag.ts';
import { runInProcess } from './support/in-process-cli.ts';
import { DATA_MOODS, trainFixtureModel } from './support/server-fixtures.ts';
import { readTracksCsv } from '../src/io/csv/read-tracks.ts';
import { encodeLabels, MoodClassifier } from '../src/core/classify/mood-classifier.ts';
import { applyTemperature, fitTemperature } from '../src/core/classify/calibration.ts';
import { stratifiedTrainTestSplit } from '../src/core/evaluate/split.ts';
import { selectRows } from '../src/core/data/track-table.ts';
import { takeLabels, takeRows } from '../src/core/common/matrix.ts';
import { createRng } from '../src/core/common/random.ts';
import { PriorShiftEM } from '../src/core/tag/prior-shift.ts';

let dir = '';
let modelDir = '';

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'moodscape-prior-shift-'));
  modelDir = await trainFixtureModel(dir, { tracks: 800, epochs: 3 });
});
after(async () => { await rm(dir, { recursive: true, force: true }); });

test('prior shift auto: the CSV, the store and the server agree on the mix and on every mood', { timeout: 120_000 }, async () => {
  const out = join(dir, 'tagged.csv');
  const csvRun = await runInProcess([registerTag], ['tag', DATA_MOODS, '--model', modelDir, '--out', out, '--prior-shift', 'auto', '--json']);
  assert.equal(csvRun.code, 0, csvRun.out);
  const summary = JSON.parse(csvRun.out.slice(csvRun.out.indexOf('{')));
  const mix = summary.estimatedPriors as Record<string, number>;
  assert.equal(summary.priorShift, 'auto');
  assert.ok(Math.abs(Object.values(mix).reduce((a, b) => a + b, 0) - 1) < 1e-9);
  const rows = parse(await readFile(out, 'utf8'), { columns: true }) as Record<string, string>[];
  const fromCsv = new Map(rows.map((r) => [r.id, r.mood]));
  const off = await runInProcess([registerTag], ['tag', DATA_MOODS, '--model', modelDir, '--out', join(dir, 'off.csv'), '--json']);
  assert.notDeepEqual(JSON.parse(off.out.slice(off.out.indexOf('{'))).moods, summary.moods, 'the shift changes some moods');

  const db = join(dir, 'catalogue.db');
  assert.equal((await runInProcess([registerImport], ['import', DATA_MOODS, '--db', db, '--quiet'])).code, 0);
  const dbRun = await runInProcess([registerTag], ['tag', '--db', db, '--model', modelDir, '--prior-shift', 'auto', '--json']);
  assert.equal(dbRun.code, 0, dbRun.out);
  const dbMix = JSON.parse(dbRun.out.slice(dbRun.out.indexOf('{'))).estimatedPriors as Record<string, number>;
  for (const m of Object.keys(mix)) assert.ok(Math.abs(dbMix[m] - mix[m]) < 1e-6, m);
  const store = await openStore(db);
  try {
    for (const t of await store.getTags(await modelIdOf(modelDir))) assert.equal(t.label, fromCsv.get(t.trackId), t.trackId);
    const state = await CatalogueState.open({ store, modelDir, loaded: await loadMoodModel(modelDir), priorShift: 'auto', tagOnOpen: false });
    const snap = state.snapshot;
    for (const m of Object.keys(mix)) assert.ok(Math.abs(snap.tags.estimatedPriors![m] - mix[m]) < 1e-6, m);
    assert.equal(snap.rec.proba, snap.tags.proba, 'mood playlists rank by the adjusted probabilities');
    snap.table.text.id.forEach((id, i) => assert.equal(snap.tags.decisions[i].mood, fromCsv.get(id), id));
  } finally {
    await store.close();
  }
  const bad = await runInProcess([registerTag], ['tag', DATA_MOODS, '--model', modelDir, '--out', out, '--prior-shift', 'sometimes']);
  assert.equal(bad.code, 2);
});

test('EM recovers known priors on a resampled real set (data_moods, logistic regression, temperature-calibrated)', async () => {
  const { table } = await readTracksCsv(DATA_MOODS);
  const target = encodeLabels(table.text.mood);
  const K = target.classes.length;
  // Train half, calibrate on a quarter, resample the last quarter to a skewed mix.
  const first = stratifiedTrainTestSplit(target.y, { testSize: 0.5, seed: 1 });
  const rest = takeLabels(target.y, first.test);
  const second = stratifiedTrainTestSplit(rest, { testSize: 0.5, seed: 2 });
  const model = new MoodClassifier({ model: 'logreg' }).fit(selectRows(table, first.train), { y: takeLabels(target.y, first.train), classes: target.classes });
  const calRows = Array.from(second.train, (i) => first.test[i]);
  const testRows = Array.from(second.test, (i) => first.test[i]);
  const rawCal = model.predictProbaUncalibrated(model.featureMatrix(selectRows(table, calRows)));
  const T = fitTemperature(rawCal, takeLabels(target.y, calRows), { from: 'probs' });
  const rawTest = model.predictProbaUncalibrated(model.featureMatrix(selectRows(table, testRows)));
  const P = applyTemperature(rawTest, T, { from: 'probs' });
  const yTest = takeLabels(target.y, testRows);
  const truth = [0.55, 0.15, 0.1, 0.2];
  const rng = createRng(7);
  const byClass = Array.from({ length: K }, (_, k) => [...yTest.keys()].filter((i) => yTest[i] === k));
  const draw: number[] = [];
  const n = 1200;
  for (let k = 0; k < K; k++) for (let t = 0; t < Math.round(truth[k] * n); t++) draw.push(byClass[k][rng.int(byClass[k].length)]);
  const sample = takeRows(P, draw);
  const fit = new PriorShiftEM().fit(sample, model.trainingPriors!);
  for (let k = 0; k < K; k++) assert.ok(Math.abs(fit.priors[k] - truth[k]) < 0.05, `${target.classes[k]}: ${fit.priors[k].toFixed(3)} vs ${truth[k]}`);
});
