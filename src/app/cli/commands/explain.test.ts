/**
 * `moodscape explain` run as a user runs it (the binary in a child process): exact Shapley values
 * that add up to the prediction, the same answer through the deprecated `explain MODEL CSV`
 * order (with a note), and a clear error for an unknown track.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../../../test/support/cli.ts';
import { trainMoodsModel } from '../../../../test/support/moods-model.ts';
import { DATA_MOODS } from '../../../../test/support/server-fixtures.ts';

const PRINCE_1999 = '2H7PHVdQ3mXqEHXcvclTB0';
let dir = '';
let modelDir = '';

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'moodscape-explain-'));
  modelDir = await trainMoodsModel(dir);
});
after(async () => { await rm(dir, { recursive: true, force: true }); });

interface ExplainJson {
  mood: string;
  probability: number;
  baseline: number;
  method: { exact: boolean };
  contributions: { feature: string; shap: number; text: string }[];
  counterfactual: { text: string } | null;
}

test('explain --model --json: exact attributions that add up, and the smallest flip', { timeout: 60_000 }, async () => {
  const r = await runCli(['explain', DATA_MOODS, '--model', modelDir, '--track', PRINCE_1999, '--json']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  const e = JSON.parse(r.stdout) as ExplainJson;
  assert.equal(e.method.exact, true);
  const sum = e.contributions.reduce((a, c) => a + c.shap, 0);
  assert.ok(Math.abs(sum - (e.probability - e.baseline)) < 1e-6, `${sum} vs ${e.probability - e.baseline}`);
  assert.ok(e.contributions.some((c) => c.feature === 'energy' && /^energy [\d.]+ \([+-]\d\.\d\d\)$/.test(c.text)));
  if (e.counterfactual) assert.match(e.counterfactual.text, /→ \w+/);

  const old = await runCli(['explain', modelDir, DATA_MOODS, '--track', PRINCE_1999, '--json']);
  assert.equal(old.code, 0, old.stderr);
  assert.deepEqual(JSON.parse(old.stdout), e);
  assert.match(old.stderr, /^moodscape: note: "moodscape explain MODEL CSV" is deprecated; use "moodscape explain CSV --model MODEL"\n$/);
});

test('explain of a track that is not in the CSV exits 2 with one line', async () => {
  const r = await runCli(['explain', DATA_MOODS, '--model', modelDir, '--track', 'notATrackId']);
  assert.equal(r.code, 2);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /^moodscape: .*data_moods\.csv: track "notATrackId" is not in the CSV/);
  assert.equal(r.stderr.trim().split('\n').length, 1);
});
