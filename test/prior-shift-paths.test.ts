/**
 * `--prior-shift auto` means the same on every path: `tag` on a CSV, `tag --db` and the server
 * estimate the same mood mix for the same catalogue and give every track the same mood; the
 * server's mood playlists rank by the adjusted probabilities.
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
