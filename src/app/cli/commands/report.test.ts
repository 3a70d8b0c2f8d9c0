/**
 * `moodscape report` run as a user runs it (the binary in a child process) on a real CSV with a
 * real model: the HTML is written, self-contained, and counts the uncertain tracks.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../../../test/support/cli.ts';
import { trainMoodsModel } from '../../../../test/support/moods-model.ts';
import { DATA_MOODS } from '../../../../test/support/server-fixtures.ts';

let dir = '';
let modelDir = '';

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'moodscape-report-'));
  modelDir = await trainMoodsModel(dir, { uncertainBelow: 0.6 });
});
after(async () => { await rm(dir, { recursive: true, force: true }); });

test('report --model writes one self-contained HTML file with moods, explanations and the uncertain count', { timeout: 120_000 }, async () => {
  const out = join(dir, 'report.html');
  const r = await runCli(['report', DATA_MOODS, '--model', modelDir, '--out', out, '--json']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  const summary = JSON.parse(r.stdout) as { bytes: number; charts: number; errors: unknown[] };
  assert.deepEqual(summary.errors, []);
  assert.ok(summary.charts >= 8, `${summary.charts} charts`);
  const html = await readFile(out, 'utf8');
  assert.equal(Buffer.byteLength(html), summary.bytes);
  assert.match(html, /^<!doctype html>/i);
  assert.doesNotMatch(html, /<script\b[^>]*\bsrc=|<link\b[^>]*\bhref="https?:/i, 'no external scripts or styles');
  assert.match(html, /Mood map/);
  assert.match(html, /\d+ of 686 tracks \([\d.]+%\) are (&quot;|")uncertain(&quot;|")/, 'the report counts the uncertain tracks');
  assert.match(html, /2H7PHVdQ3mXqEHXcvclTB0|Shapley/);
});
