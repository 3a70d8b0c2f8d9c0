/**
 * Model quality on real labelled sets, through the CLI (issue 3, items 1–5). One 10-fold run of
 * the default `train` keeps this to a few CPU-minutes; the 3 × 10-fold numbers and the tuning
 * study are in scripts/quality-study.ts and README.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DATA, runCli } from './support/cli.ts';
import { generateCatalogue } from '../src/core/generator/generate.ts';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'moodscape-quality-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

const moods = join(DATA, 'mood_labelled/data_moods.csv');
const bdizon = join(DATA, 'mood_labelled/bdizon_playlist_moods_angry_happy_sad.csv');

test('default train on data_moods: 10-fold CV reaches its bar, beats both baselines, is calibrated; evaluate maps, dedups and warns', async () => {
  const model = join(dir, 'default');
  const t = await runCli(['train', moods, '--label', 'mood', '--cv', '10', '--out', model, '--json']);
  assert.equal(t.code, 0, t.stderr);
  const r = JSON.parse(t.stdout);
  assert.equal(r.model, 'ensemble');
  assert.equal(r.cv.folds, 10);
  assert.deepEqual(r.classes, ['Calm', 'Energetic', 'Happy', 'Sad']);
  // The honest bar on audio features (README): ≥ 0.81 accuracy, ≥ 0.79 macro-F1 (issue target 0.84 / 0.83 not reached).
  assert.ok(r.cv.accuracy.mean >= 0.81, `accuracy ${r.cv.accuracy.mean}`);
  assert.ok(r.cv.macroF1.mean >= 0.79, `macro-F1 ${r.cv.macroF1.mean}`);
  assert.ok(r.cv.accuracy.mean >= r.cv.baselines.logreg.accuracy.mean, 'at least logistic regression on the same folds');
  assert.ok(r.cv.baselines.majority.accuracy.mean < 0.3);
  assert.ok(r.cv.calibration.ece.calibrated <= 0.05, `ECE ${r.cv.calibration.ece.calibrated}`);
  assert.ok(r.cv.uncertain.threshold === 0.4 && Number.isInteger(r.cv.uncertain.count));
  assert.equal(r.circularity.circular, false);
  assert.ok(r.circularity.treeAccuracy < 0.9);
  assert.deepEqual(r.warnings, []);

  const e = await runCli(['evaluate', bdizon, '--model', model, '--label', 'mood', '--map', 'happy=Happy,sad=Sad', '--json']);
  assert.equal(e.code, 0, e.stderr);
  const ev = JSON.parse(e.stdout);
  assert.deepEqual(ev.unmappedLabels, { angry: 727 }, 'angry has no class in data_moods: reported, not scored');
  assert.ok(ev.dedup.byId >= 100, `shared ids ${ev.dedup.byId}`);
  assert.equal(ev.rows + ev.dedup.removed, ev.mappedLabels.happy + ev.mappedLabels.sad);
  assert.ok(ev.warnings.some((w: string) => /shares \d+ track ids/.test(w) && /left out/.test(w)));
  assert.ok(ev.accuracy > ev.baselines.majority.accuracy);
  assert.ok(typeof ev.baselines.logreg.accuracy === 'number');
  assert.ok(ev.calibration.ece.calibrated >= 0 && typeof ev.uncertain.count === 'number');
  assert.equal(ev.confusion.length, 4);

  const k = await runCli(['evaluate', bdizon, '--model', model, '--label', 'mood', '--map', 'happy=Happy,sad=Sad', '--keep-overlap', '--json']);
  const kv = JSON.parse(k.stdout);
  assert.equal(kv.rows, ev.rows + ev.dedup.removed);
  assert.ok(kv.warnings.some((w: string) => /inflated/.test(w)));

  const self = await runCli(['evaluate', moods, '--model', model, '--label', 'mood', '--json']);
  const sv = JSON.parse(self.stdout);
  assert.equal(sv.rows, 686, 'a training set evaluated on itself is still scored …');
  assert.ok(sv.warnings.some((w: string) => /training-set scores/.test(w)), '… with a warning that says so');
});

test('train warns when a depth-2 tree reproduces the labels (labels made from the features)', async () => {
  const t = generateCatalogue({ tracks: 600, seed: 9 });
  const cols = ['valence', 'danceability', 'energy', 'acousticness', 'tempo', 'loudness'];
  const lines = [['id', ...cols, 'mood'].join(',')];
  for (let i = 0; i < t.rowCount; i++) {
    const mood = t.numeric.energy[i] > 0.6 ? (t.numeric.valence[i] > 0.5 ? 'Happy' : 'Angry') : (t.numeric.valence[i] > 0.5 ? 'Calm' : 'Sad');
    lines.push([`t${i}`, ...cols.map((c) => t.numeric[c][i]), mood].join(','));
  }
  const csv = join(dir, 'threshold-labels.csv');
  await writeFile(csv, lines.join('\n') + '\n');
  const r = await runCli(['train', csv, '--label', 'mood', '--classifier', 'logreg', '--cv', '5', '--out', join(dir, 'circular'), '--json']);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.circularity.circular, true);
  assert.ok(out.warnings.some((w: string) => /agreement with the labeller, not mood/.test(w)), JSON.stringify(out.warnings));
  const text = await runCli(['train', csv, '--label', 'mood', '--classifier', 'logreg', '--cv', '5', '--out', join(dir, 'circular2')]);
  assert.match(text.stdout, /warning: circular labels/);
});
