/**
 * The pipeline end to end through the real CLI on real public data (../shared/data): the
 * "done means" checks of the pipeline issue that need a whole command, not a unit.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DATA, runCli } from './support/cli.ts';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'moodscape-real-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

const tidy = join(DATA, 'catalogues/tidytuesday_spotify_songs.csv');
const moods = join(DATA, 'mood_labelled/data_moods.csv');
const bdizon = join(DATA, 'mood_labelled/bdizon_playlist_moods_angry_happy_sad.csv');

test("--from-clusters --k 4 on tidytuesday: the network reproduces the cluster ids with ≥ 0.99 cross-validated accuracy", async () => {
  // 3 folds rather than 10 keeps this test to a few CPU-minutes; README quotes the 5-fold run.
  const model = join(dir, 'from-clusters');
  const r = await runCli(['train', tidy, '--from-clusters', '--k', '4', '--classifier', 'mlp', '--cv', '3', '--out', model, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.cv.folds, 3);
  assert.equal(out.classes.length, 4);
  assert.equal(new Set(out.classes).size, 4, 'cluster moods have unique names');
  assert.ok(out.cv.accuracy.mean >= 0.99, `cross-validated accuracy ${out.cv.accuracy.mean}`);
  const manifest = JSON.parse(await readFile(join(model, 'model.json'), 'utf8'));
  assert.equal(manifest.meta.target.type, 'clusters');
  assert.match(manifest.meta.training.fingerprint, /^sha256:[0-9a-f]{64}$/);
});

test('cluster on a real catalogue writes mood_cluster, mood_name, memberships and the mood map', async () => {
  const out = join(dir, 'clustered.csv');
  const r = await runCli(['cluster', moods, '--k', '4', '--method', 'gmm', '--out', out, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const res = JSON.parse(r.stdout);
  assert.equal(res.k, 4);
  assert.equal(res.clusters.length, 4);
  assert.ok(res.gmm.bic > 0 && Number.isFinite(res.gmm.logLikelihood.total));
  const [header, first] = (await readFile(out, 'utf8')).split('\n');
  for (const col of ['mood_cluster', 'mood_name', 'membership', 'pca_x', 'pca_y']) assert.ok(header.split(',').includes(col), col);
  assert.ok(first.length > 0);
});

test('cluster --k auto reports the sweep with inertia and silhouette for k = 2..10', async () => {
  const r = await runCli(['cluster', moods, '--out', join(dir, 'auto.csv'), '--json']);
  assert.equal(r.code, 0, r.stderr);
  const res = JSON.parse(r.stdout);
  assert.deepEqual(res.sweep.map((p: { k: number }) => p.k), [2, 3, 4, 5, 6, 7, 8, 9, 10]);
  for (let i = 1; i < res.sweep.length; i++) assert.ok(res.sweep[i].inertia <= res.sweep[i - 1].inertia * 1.001, 'inertia falls with k');
  assert.ok(res.sweep.every((p: { sampled: boolean }) => p.sampled === false), '686 rows: exact silhouette');
  assert.ok(res.k >= 2 && res.k <= 10);
  assert.equal(res.stability.k, res.k, 'bootstrap stability is reported for the chosen k');
  assert.equal(res.stability.bootstraps, 10);
  assert.ok(res.stability.mean > 0 && res.stability.mean <= 1, `ARI ${res.stability.mean}`);
});

test('train → evaluate → tag on real mood sets, with a model trained on another set', async () => {
  const model = join(dir, 'logreg');
  const t = await runCli(['train', moods, '--label', 'mood', '--classifier', 'logreg', '--cv', '5', '--out', model, '--json']);
  assert.equal(t.code, 0, t.stderr);
  const trained = JSON.parse(t.stdout);
  assert.deepEqual(trained.classes, ['Calm', 'Energetic', 'Happy', 'Sad']);
  assert.ok(trained.cv.accuracy.mean > 0.7);

  const e = await runCli(['evaluate', moods, '--model', model, '--label', 'mood', '--json']);
  assert.equal(e.code, 0, e.stderr);
  const ev = JSON.parse(e.stdout);
  assert.ok(ev.accuracy > 0.7 && ev.macroF1 > 0.6);
  assert.equal(ev.confusion.length, 4);

  const tagged = join(dir, 'tagged.csv');
  const g = await runCli(['tag', bdizon, '--model', model, '--out', tagged]);
  assert.equal(g.code, 0, g.stderr);
  const lines = (await readFile(tagged, 'utf8')).trim().split('\n');
  assert.equal(lines[0], 'id,name,artist,mood,confidence,p_Calm,p_Energetic,p_Happy,p_Sad');
  assert.equal(lines.length - 1, 2548, 'one row per deduplicated track');
  const cells = lines[1].split(',');
  const p = cells.slice(-4).map(Number);
  assert.ok(Math.abs(p.reduce((a, b) => a + b, 0) - 1) < 1e-3, 'probabilities sum to 1');
});

test('import then tag --db: every untagged track gets a tag from the model, once', async () => {
  const db = join(dir, 'catalogue.db');
  const model = join(dir, 'logreg');
  const imp = await runCli(['import', moods, '--db', db, '--json']);
  assert.equal(imp.code, 0, imp.stderr);
  const first = await runCli(['tag', '--db', db, '--model', model, '--json']);
  assert.equal(first.code, 0, first.stderr);
  const r1 = JSON.parse(first.stdout);
  assert.equal(r1.tagged, 686);
  assert.equal(r1.total, 686);
  const again = JSON.parse((await runCli(['tag', '--db', db, '--model', model, '--json'])).stdout);
  assert.equal(again.tagged, 0, 'tracks already tagged by this model are left alone');
});

test('profile prints the describe table and correlations as JSON', async () => {
  const r = await runCli(['profile', moods, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const res = JSON.parse(r.stdout);
  const energy = res.describe.find((d: { feature: string }) => d.feature === 'energy');
  assert.equal(energy.count, 686);
  assert.ok(energy.min >= 0 && energy.max <= 1);
  assert.ok(res.correlations.features.includes('valence'));
  assert.equal(res.ingest.rowsKept, 686);
  assert.deepEqual(res.ingest.missingOptional, ['mode']);
});

test('demo runs the whole pipeline on its own generated catalogue and writes everything into one folder', async () => {
  const out = join(dir, 'demo');
  const r = await runCli(['demo', '--out', out, '--tracks', '3000', '--labelled', '800', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const s = JSON.parse(r.stdout);
  for (const f of ['catalogue.csv', 'labelled.csv', 'clustered.csv', 'tagged.csv', 'report.html', 'summary.json']) {
    assert.ok((await stat(join(out, f))).size > 0, f);
  }
  assert.ok((await stat(join(out, 'model', 'model.json'))).isFile());
  assert.equal(s.catalogue.tracks, 3000);
  assert.ok(s.clusters.k >= 2 && s.clusters.k <= 10);
  assert.ok(s.honest.accuracy.mean > 0.6, 'the labelled sample carries real signal');
  assert.ok(s.fromClusters.accuracy > s.honest.accuracy.mean, 'the circular metric is the higher one');
});
