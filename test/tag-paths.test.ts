/**
 * One tagging path: the same 686 real tracks tagged three ways — `tag` on the CSV, `tag --db` on a
 * SQLite catalogue, and the server (`GET /tracks/:id`, `POST /tag`, `/moods`) — give the same mood
 * for every track, `uncertain` included. The model's threshold is set high (0.6) so that a good
 * share of the tracks is uncertain and the outcome is really compared.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { readTracksCsv } from '../src/io/csv/read-tracks.ts';
import { openStore } from '../src/io/store/open-store.ts';
import { modelIdOf } from '../src/io/store/tag-catalogue.ts';
import { registerImport } from '../src/app/cli/commands/import.ts';
import { registerTag } from '../src/app/cli/commands/tag.ts';
import { runInProcess } from './support/in-process-cli.ts';
import { DATA_MOODS, startTestServer } from './support/server-fixtures.ts';
import { trainMoodsModel } from './support/moods-model.ts';

const UNCERTAIN_BELOW = 0.6;
let dir = '';
let modelDir = '';

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'moodscape-tag-paths-'));
  modelDir = await trainMoodsModel(dir, { uncertainBelow: UNCERTAIN_BELOW });
});
after(async () => { await rm(dir, { recursive: true, force: true }); });

test('tag on a CSV, tag --db and the server give every track the same mood', { timeout: 120_000 }, async () => {
  // 1. `tag` on the CSV.
  const out = join(dir, 'tagged.csv');
  const csvRun = await runInProcess([registerTag], ['tag', DATA_MOODS, '--model', modelDir, '--out', out, '--quiet']);
  assert.equal(csvRun.code, 0, csvRun.out);
  const rows = parse(await readFile(out, 'utf8'), { columns: true }) as Record<string, string>[];
  const fromCsv = new Map(rows.map((r) => [r.id, { mood: r.mood, confidence: Number(r.confidence) }]));
  assert.equal(fromCsv.size, 686);
  const uncertain = [...fromCsv.values()].filter((t) => t.mood === 'uncertain').length;
  assert.ok(uncertain >= 20 && uncertain < 600, `${uncertain} uncertain tracks: the comparison covers both outcomes`);

  // 2. `tag --db` on a SQLite catalogue.
  const db = join(dir, 'catalogue.db');
  assert.equal((await runInProcess([registerImport], ['import', DATA_MOODS, '--db', db, '--quiet'])).code, 0);
  const dbRun = await runInProcess([registerTag], ['tag', '--db', db, '--model', modelDir, '--json']);
  assert.equal(dbRun.code, 0, dbRun.out);
  assert.equal(JSON.parse(dbRun.out).moods.uncertain, uncertain);
  const store = await openStore(db);
  const stored = await store.getTags(await modelIdOf(modelDir)).finally(() => store.close());
  assert.equal(stored.length, 686);
  for (const t of stored) {
    const c = fromCsv.get(t.trackId)!;
    assert.equal(t.label, c.mood, `tag --db, track ${t.trackId}`);
    assert.ok(Math.abs(t.confidence - c.confidence) < 1e-4);
  }

  // 3. The server over that store: every track's own page, the tag endpoint, the mood counts.
  const server = await startTestServer({ db, modelDir, noAuth: true });
  try {
    const ids = [...fromCsv.keys()];
    for (const id of ids) {
      const got = await (await fetch(`${server.url}/tracks/${id}`)).json() as { mood: string; confidence: number };
      assert.equal(got.mood, fromCsv.get(id)!.mood, `GET /tracks/${id}`);
      assert.ok(Math.abs(got.confidence - fromCsv.get(id)!.confidence) < 1e-4);
    }
    const { table } = await readTracksCsv(DATA_MOODS);
    const features = server.state.model.inputFeatures;
    const tracks = ids.map((id, i) => ({ id, ...Object.fromEntries(features.map((f) => [f, table.numeric[f][i]])) }));
    assert.deepEqual(table.text.id, ids, 'the CSV and tagged.csv list the tracks in one order');
    const res = await fetch(`${server.url}/tag`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ tracks }) });
    assert.equal(res.status, 200);
    const tagged = (await res.json() as { tracks: { id: string; mood: string }[] }).tracks;
    assert.deepEqual(tagged.map((t) => t.mood), ids.map((id) => fromCsv.get(id)!.mood), 'POST /tag');
    const moods = await (await fetch(`${server.url}/moods`)).json() as { moods: { name: string; tracks: number }[]; uncertain: number };
    assert.equal(moods.uncertain, uncertain);
    for (const m of moods.moods) assert.equal(m.tracks, [...fromCsv.values()].filter((t) => t.mood === m.name).length, m.name);
  } finally {
    await server.close();
  }
});
