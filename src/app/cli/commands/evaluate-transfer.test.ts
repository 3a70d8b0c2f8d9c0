import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { DATA, runCli } from '../../../../test/support/cli.ts';
import { runInProcess } from '../../../../test/support/in-process-cli.ts';
import { registerEvaluateTransfer } from './evaluate-transfer.ts';
import { registerMoods } from './moods.ts';

const SETS = ['data_moods.csv', 'skerjanec_moods_5class.csv', 'pranav_playlist_moods_8class.csv', 'bdizon_playlist_moods_angry_happy_sad.csv']
  .map((f) => join(DATA, 'mood_labelled', f));

test('evaluate-transfer --json: one fold per set, scored over its own moods, beside the baselines', async () => {
  const r = await runCli(['evaluate-transfer', ...SETS, '--label', 'mood', '--json']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  const out = JSON.parse(r.stdout);
  assert.deepEqual(out.classes, ['Calm', 'Energetic', 'Happy', 'Sad']);
  assert.deepEqual(out.folds.map((f: { set: string }) => f.set), ['data_moods', 'skerjanec', 'pranav', 'bdizon']);
  const bdizon = out.folds[3];
  assert.deepEqual(bdizon.moods, ['Happy', 'Sad']);
  assert.ok(bdizon.overlapRemoved.total > 0, 'bdizon shares tracks with the other sets');
  assert.ok(!out.features.includes('liveness'), 'pranav lacks liveness, so nobody uses it');
  for (const f of out.folds) assert.ok(f.macroF1 > f.baselines.majority.macroF1 + 0.2, `${f.set}: ${f.macroF1}`);
  assert.ok(out.mean.macroF1 >= out.mean.baselines.logreg.macroF1, 'at least the pooled logistic regression');
});

test('moods --taxonomy prints the map, with the labels kept out', async () => {
  const r = await runInProcess([registerMoods], ['moods', '--taxonomy']);
  assert.equal(r.code, 0, r.out);
  assert.match(r.out, /active\s+→ Energetic/);
  assert.match(r.out, /chill\s+→ Calm/);
  assert.match(r.out, /instrument\s+→ \(kept out/);
  const j = JSON.parse((await runInProcess([registerMoods], ['moods', '--taxonomy', '--json'])).out);
  assert.equal(j.sets.find((s: { name: string }) => s.name === 'pranav').labels.party, 'Energetic');
});

test('evaluate-transfer rejects a single file and an unknown mood', async () => {
  const one = await runInProcess([registerEvaluateTransfer], ['evaluate-transfer', SETS[0], '--label', 'mood']);
  assert.equal(one.code, 2);
  assert.match(one.out, /at least two/);
  const bad = await runInProcess([registerEvaluateTransfer], ['evaluate-transfer', ...SETS.slice(0, 2), '--label', 'mood', '--moods', 'Calm,Joyful']);
  assert.equal(bad.code, 2);
  assert.match(bad.out, /Joyful is not a mood/);
});
