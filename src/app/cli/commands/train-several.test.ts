import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DATA, runCli } from '../../../../test/support/cli.ts';
import { runInProcess } from '../../../../test/support/in-process-cli.ts';
import { registerTrain } from './train.ts';

const set = (f: string) => join(DATA, 'mood_labelled', f);

test('train a.csv b.csv --label mood: one model on both sets, deduplicated, with leave-one-set-out scores; tag uses it', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'moodscape-train-sets-'));
  try {
    const out = join(dir, 'model');
    const r = await runCli(['train', set('data_moods.csv'), set('bdizon_playlist_moods_angry_happy_sad.csv'), '--label', 'mood', '--out', out, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const m = JSON.parse(r.stdout);
    assert.deepEqual(m.classes, ['Calm', 'Energetic', 'Happy', 'Sad']);
    assert.deepEqual(m.sets.map((s: { name: string; moods: string[] }) => [s.name, s.moods]), [['data_moods', ['Calm', 'Energetic', 'Happy', 'Sad']], ['bdizon', ['Happy', 'Sad']]]);
    assert.equal(m.sets[1].outsideClasses.angry, 727, 'angry is kept out of a four-mood model, and counted');
    // 110 tracks are in both sets (SOURCES.md): dropped as duplicates or counted as conflicts.
    assert.ok(m.dedupe.duplicatesById + m.dedupe.conflicts >= 100, JSON.stringify(m.dedupe));
    assert.equal(m.leaveOneSetOut.folds.length, 2);
    assert.ok(m.temperature > 0);
    const info = JSON.parse(await readFile(join(out, "model.json"), "utf8")).meta;
    assert.equal(info.training.files.length, 2);
    const tagged = join(dir, 'tagged.csv');
    const t = await runCli(['tag', set('skerjanec_moods_5class.csv'), '--model', out, '--out', tagged]);
    assert.equal(t.code, 0, t.stderr);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('train with several CSVs refuses --from-clusters, and one CSV refuses the multi-set flags', async () => {
  const a = await runInProcess([registerTrain], ['train', set('data_moods.csv'), set('bdizon_playlist_moods_angry_happy_sad.csv'), '--from-clusters', '--out', '/nonexistent/x']);
  assert.equal(a.code, 2);
  assert.match(a.out, /needs --label/);
  const b = await runInProcess([registerTrain], ['train', set('data_moods.csv'), '--label', 'mood', '--set-weights', 'size', '--out', '/nonexistent/x']);
  assert.equal(b.code, 2);
  assert.match(b.out, /apply when training on several/);
});
