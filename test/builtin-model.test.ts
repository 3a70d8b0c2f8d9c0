/**
 * The built-in model: it ships in models/builtin, loads, tags without --model (saying so), and a
 * fresh retrain by the committed script gives byte-identical weights (the full configuration
 * retrains in a few seconds, so no reduced one is needed; `npm run train:builtin -- --check`
 * compares model.json too).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DATA, ROOT, runCli } from './support/cli.ts';
import { builtinModelDir } from '../src/io/builtin-model.ts';
import { loadMoodModel } from '../src/io/mood-model-dir.ts';
import { readTracksCsv } from '../src/io/csv/read-tracks.ts';
import { trainBuiltinModel } from '../scripts/train-builtin-model.ts';
import { withServeChild } from './support/serve-child.ts';
import { importCsv } from '../src/io/store/import-csv.ts';

test('the built-in model is in the package, small, and loads with the four moods and a temperature', async () => {
  const dir = builtinModelDir();
  assert.equal(dir, join(ROOT, 'models/builtin'));
  const size = (await stat(join(dir, 'weights.bin'))).size + (await stat(join(dir, 'model.json'))).size;
  assert.ok(size <= 300 * 1024, `${size} bytes`);
  const { model, info, trainingIndex } = await loadMoodModel(dir);
  assert.deepEqual(model.classes, ['Calm', 'Energetic', 'Happy', 'Sad']);
  assert.ok(model.temperature > 1, 'calibrated on out-of-set predictions');
  assert.ok(trainingIndex && trainingIndex.ids.length > 1000);
  assert.equal((info.training as { files: string[] }).files.length, 4);
  const { table } = await readTracksCsv(join(DATA, 'mood_labelled/data_moods.csv'));
  const p = model.predictProba(table);
  for (let i = 0; i < 4; i++) assert.ok(Math.abs(p.data[i * 4] + p.data[i * 4 + 1] + p.data[i * 4 + 2] + p.data[i * 4 + 3] - 1) < 1e-9);
});

test('a fresh retrain by the committed script gives byte-identical weights', async () => {
  const tmp = await mkdtemp(join(tmpdir(), 'moodscape-builtin-test-'));
  try {
    await trainBuiltinModel(join(tmp, 'm'), { dataDir: DATA });
    const [fresh, committed] = await Promise.all([readFile(join(tmp, 'm/weights.bin')), readFile(join(builtinModelDir(), 'weights.bin'))]);
    assert.ok(fresh.equals(committed), 'weights.bin differs from models/builtin: rerun npm run train:builtin and commit it');
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
});

test('tag without --model uses the built-in model and says so on stderr', async () => {
  const tmp = await mkdtemp(join(tmpdir(), 'moodscape-builtin-tag-'));
  try {
    const out = join(tmp, 'tagged.csv');
    const r = await runCli(['tag', join(DATA, 'mood_labelled/bdizon_playlist_moods_angry_happy_sad.csv'), '--out', out]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /using the built-in mood model/);
    const header = (await readFile(out, 'utf8')).split('\n')[0];
    assert.match(header, /p_Calm/);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
});

test('recommend without --model uses the built-in model too', async () => {
  const r = await runCli(['recommend', join(DATA, 'mood_labelled/data_moods.csv'), '--mood', 'Calm', '--limit', '5']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /using the built-in mood model/);
  const j = await runCli(['recommend', join(DATA, 'mood_labelled/data_moods.csv'), '--mood', 'Calm', '--limit', '5', '--json']);
  assert.equal(j.stderr, '', '--json keeps stderr quiet');
  const out = JSON.parse(j.stdout);
  assert.equal(out.tracks.length, 5);
  assert.ok(out.tracks.every((t: { mood: string }) => t.mood === 'Calm'));
});

test('evaluate maps lower-case set labels by the mood taxonomy, and knows the built-in model saw these tracks', async () => {
  const r = await runCli(['evaluate', join(DATA, 'mood_labelled/skerjanec_moods_5class.csv'), '--model', builtinModelDir(), '--label', 'mood', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const ev = JSON.parse(r.stdout);
  assert.deepEqual(ev.labelMap, { active: 'Energetic', calm: 'Calm', happy: 'Happy', sad: 'Sad' });
  assert.deepEqual(ev.unmappedLabels, { angry: 596 });
  assert.ok(ev.warnings.some((w: string) => /training-set scores/.test(w)));
});

test('serve without --model tags the catalogue with the built-in model', { timeout: 90_000 }, async () => {
  const tmp = await mkdtemp(join(tmpdir(), 'moodscape-builtin-serve-'));
  const db = join(tmp, 'catalogue.db');
  await importCsv(join(DATA, 'mood_labelled/data_moods.csv'), db);
  try {
    await withServeChild(['--db', db], async ({ url, stderr }) => {
      assert.match(stderr, /using the built-in mood model/);
      const moods = await (await fetch(`${url}/moods`)).json() as Record<string, unknown>;
      assert.match(JSON.stringify(moods), /Calm/);
    });
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
});
