/**
 * Learning from corrections end to end on a SQLite catalogue: relabels through POST /feedback and
 * `moodscape feedback --relabel`, then POST /models/adapt and `moodscape adapt --db`, which read
 * the same corrections from the one feedback store.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DATA_MOODS, startTestServer, trainFixtureModel, type RunningServer } from './support/server-fixtures.ts';
import { runInProcess } from './support/in-process-cli.ts';
import { importCsv } from '../src/io/store/import-csv.ts';
import { registerAdapt } from '../src/app/cli/commands/adapt.ts';
import { registerFeedback } from '../src/app/cli/commands/feedback.ts';
import { loadMoodModel } from '../src/io/mood-model-dir.ts';
import { AdaptedClassifier } from '../src/core/classify/catalogue-adapter.ts';

const TOKEN = 'adapt-token-1';
let tmp = '', db = '', modelDir = '';
let s: RunningServer;

before(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'moodscape-adapt-'));
  modelDir = await trainFixtureModel(tmp, { tracks: 800, epochs: 3 });
  db = join(tmp, 'catalogue.db');
  await importCsv(DATA_MOODS, db, { quiet: true });
  s = await startTestServer({ db, modelDir, token: TOKEN });
});
after(async () => {
  await s?.close();
  rmSync(tmp, { recursive: true, force: true });
});

async function post(path: string, body?: unknown, token: string | null = TOKEN): Promise<{ status: number; json: any }> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (token) headers.authorization = `Bearer ${token}`;
  const r = await fetch(s.url + path, { method: 'POST', headers, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: r.status, json: await r.json() };
}

test('POST /feedback relabel: the mood must be one of the model\'s; likes still need a user', async () => {
  const ids = s.state.snapshot.table.text.id;
  const ok = await post('/feedback', { kind: 'relabel', trackId: ids[0], mood: 'Calm' });
  assert.equal(ok.status, 200, JSON.stringify(ok.json));
  assert.deepEqual(ok.json.recorded, { trackId: ids[0], kind: 'relabel', mood: 'Calm' });
  assert.equal(ok.json.user, 'catalogue');
  const bad = await post('/feedback', { kind: 'relabel', trackId: ids[0], mood: 'Grumpy' });
  assert.equal(bad.status, 400);
  assert.match(bad.json.message, /Grumpy.*Calm, Energetic, Happy, Sad|Calm, Energetic, Happy, Sad.*Grumpy/);
  assert.equal((await post('/feedback', { kind: 'relabel', trackId: ids[0] })).status, 400);
  assert.equal((await post('/feedback', { kind: 'like', trackId: ids[0] })).status, 400);
  assert.equal((await post('/feedback', { kind: 'like', trackId: ids[0], user: 'ana', mood: 'Calm' })).status, 400);
  assert.equal((await post('/feedback', { kind: 'relabel', trackId: ids[0], mood: 'Sad' }, null)).status, 401);
});

test('corrections from the server and the CLI land in one store; POST /models/adapt and moodscape adapt --db learn from them', async () => {
  const { table } = s.state.snapshot;
  const ids = table.text.id, moods = table.text.mood;
  for (let i = 1; i < 40; i++) {
    const r = await post('/feedback', { kind: 'relabel', trackId: ids[i], mood: moods[i], user: 'curator' });
    assert.equal(r.status, 200);
  }
  const cli = await runInProcess([registerFeedback], ['feedback', '--db', db, '--relabel', `${ids[40]}=${moods[40]}`, '--relabel', `${ids[0]}=${moods[0]}`, '--json']);
  assert.equal(cli.code, 0, cli.out);
  assert.equal(JSON.parse(cli.out.slice(cli.out.indexOf('{'))).corrections, 41, 'track 0 was relabelled twice: counted once');
  const refused = await runInProcess([registerFeedback], ['feedback', '--db', db, '--relabel', `${ids[1]}=Angry`]);
  assert.equal(refused.code, 2);
  assert.match(refused.out, /Angry.*not a mood of the model/);

  assert.equal((await post('/models/adapt', undefined, null)).status, 401);
  const started = s.state.modelRecord.id;
  const r = await post('/models/adapt');
  assert.equal(r.status, 200, JSON.stringify(r.json));
  assert.equal(r.json.corrections, 41);
  assert.notEqual(r.json.model, started);
  assert.equal(s.state.modelRecord.id, r.json.model, 'the server now serves the adapted model');
  assert.equal((await s.state.store.getCurrentModel())?.id, r.json.model);
  const served = await (await fetch(`${s.url}/moods`)).json() as { model: { id: string } };
  assert.equal(served.model.id, r.json.model);
  assert.ok(existsSync(join(r.json.out, 'model.json')));
  const adapted = await loadMoodModel(r.json.out);
  assert.ok(adapted.model.classifier instanceof AdaptedClassifier || r.json.l2 === null);
  assert.equal((adapted.info as { adaptation?: { corrections: number } }).adaptation?.corrections, 41);

  const out = join(tmp, 'adapted-cli');
  const a = await runInProcess([registerAdapt], ['adapt', modelDir, '--db', db, '--out', out, '--json']);
  assert.equal(a.code, 0, a.out);
  const j = JSON.parse(a.out.slice(a.out.indexOf('{')));
  assert.equal(j.corrections, 41);
  const p1 = (await loadMoodModel(out)).model.predictProba(table), p2 = adapted.model.predictProba(table);
  assert.deepEqual(Array.from(p1.data), Array.from(p2.data), 'the CLI and the server adapt the same way');
  const none = await runInProcess([registerAdapt], ['adapt', modelDir, '--out', out]);
  assert.equal(none.code, 2);
});
