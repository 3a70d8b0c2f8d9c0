/**
 * One feedback store: likes and skips given on the command line (`feedback --db`) and through the
 * server (POST /feedback) land in the same catalogue-store table, and `recommend --db --user` reads
 * them; the JSON file is only the fallback for a CSV catalogue. The old `--catalog` spelling still
 * reaches the same store, with a note.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../src/io/store/open-store.ts';
import { importCsv } from '../src/io/store/import-csv.ts';
import { registerFeedback } from '../src/app/cli/commands/feedback.ts';
import { registerRecommend } from '../src/app/cli/commands/recommend.ts';
import { runInProcess } from './support/in-process-cli.ts';
import { trainMoodsModel } from './support/moods-model.ts';
import { DATA_MOODS, startTestServer } from './support/server-fixtures.ts';

const [A, B, C] = ['2H7PHVdQ3mXqEHXcvclTB0', '4HIwL9ii9CcXpTOTzMq0MP', '6HA97v4wEGQ5TUClRM0XLc'];
let dir = '';
let modelDir = '';
let db = '';

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'moodscape-feedback-'));
  modelDir = await trainMoodsModel(dir);
  db = join(dir, 'catalogue.db');
  await importCsv(DATA_MOODS, db);
});
after(async () => { await rm(dir, { recursive: true, force: true }); });

async function feedbackOf(user: string): Promise<string[]> {
  const store = await openStore(db);
  try {
    return (await store.getFeedback(user)).map((f) => `${f.kind} ${f.trackId}`);
  } finally {
    await store.close();
  }
}

test('feedback --db, the server and recommend --db --user share the store', { timeout: 60_000 }, async () => {
  const cli = await runInProcess([registerFeedback], ['feedback', '--db', db, '--user', 'ana', '--like', A, '--skip', B, '--json']);
  assert.equal(cli.code, 0, cli.out);
  assert.equal(JSON.parse(cli.out).likes, 1);
  assert.deepEqual(await feedbackOf('ana'), [`like ${A}`, `skip ${B}`]);

  const server = await startTestServer({ db, modelDir, noAuth: true });
  try {
    const res = await fetch(`${server.url}/feedback`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user: 'ana', trackId: C, kind: 'like' }) });
    assert.equal(res.status, 200);
    const body = await res.json() as { likes: string[]; skips: string[] };
    assert.deepEqual(body, { user: 'ana', recorded: { trackId: C, kind: 'like' }, likes: [A, C], skips: [B] }, 'the server sees the likes given on the command line');
  } finally {
    await server.close();
  }

  const old = await runInProcess([registerFeedback], ['feedback', '--catalog', db, '--user', 'ana', '--like', B]);
  assert.equal(old.code, 0, old.out);
  assert.match(old.out, new RegExp(`^moodscape: note: --catalog is deprecated; use --db ${db.replace(/[.\\/]/g, '\\$&')}\n`));
  assert.deepEqual(await feedbackOf('ana'), [`like ${A}`, `skip ${B}`, `like ${C}`, `like ${B}`]);

  const rec = await runInProcess([registerRecommend], ['recommend', '--db', db, '--model', modelDir, '--mood', 'Happy', '--user', 'ana', '--limit', '5', '--json', '--quiet']);
  assert.equal(rec.code, 0, rec.out);
  const shifts = JSON.parse(rec.out).query.tasteShifts as unknown[];
  assert.ok(Array.isArray(shifts) && shifts.length > 0, 'three likes move the targets');
});

test('with --db there is no taste file; with a CSV the file is the fallback', async () => {
  const file = join(dir, 'taste.json');
  const both = await runInProcess([registerFeedback], ['feedback', '--db', db, '--user', 'bo', '--like', A, '--taste-store', file]);
  assert.equal(both.code, 2);
  assert.match(both.out, /--taste-store is for a CSV catalogue/);
  const csv = await runInProcess([registerFeedback], ['feedback', DATA_MOODS, '--user', 'bo', '--like', A, '--taste-store', file, '--quiet']);
  assert.equal(csv.code, 0, csv.out);
  const saved = JSON.parse(await readFile(file, 'utf8')) as { users: Record<string, { likes: { id: string }[] }> };
  assert.deepEqual(saved.users.bo.likes.map((x) => x.id), [A]);
  assert.deepEqual(await feedbackOf('bo'), [], 'the CSV form leaves the store alone');
});
