/**
 * An outage is an outage: with PostgreSQL stopped, writes get 503 + Retry-After, /health says
 * "degraded" and names the store, and reads keep coming from the snapshot (and say so: recommendations,
 * a user's without their taste, and the track listing); once the
 * server is started again the pool reconnects and everything is 200 and "ok".
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importCsv } from '../../io/store/import-csv.ts';
import { startPostgres, type PgServer } from '../../../test/support/postgres.ts';
import { DATA_MOODS, startTestServer, trainFixtureModel, type RunningServer } from '../../../test/support/server-fixtures.ts';

const TOKEN = 'outage-token-5d21';
const PRINCE_1999 = '2H7PHVdQ3mXqEHXcvclTB0';
let tmp = '';
let pg: PgServer;
let server: RunningServer;

before(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'moodscape-outage-'));
  pg = await startPostgres();
  const db = await pg.createDatabase();
  await importCsv(DATA_MOODS, db, { quiet: true });
  server = await startTestServer({ db, modelDir: await trainFixtureModel(tmp, { tracks: 400, epochs: 1 }), token: TOKEN });
});
after(async () => {
  await server?.close().catch(() => undefined);
  await pg?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

const like = () => fetch(`${server.url}/feedback`, {
  method: 'POST',
  headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
  body: JSON.stringify({ user: 'alice', trackId: PRINCE_1999, kind: 'like' }),
});
const health = async () => {
  const r = await fetch(`${server.url}/health`);
  return { status: r.status, body: await r.json() };
};

test('PostgreSQL stopped: 503 + Retry-After and degraded; started again: 200 and ok', { timeout: 120_000 }, async () => {
  assert.equal((await like()).status, 200);
  assert.equal((await health()).body.status, 'ok');
  const listing = async (query: string) => {
    const r = await fetch(`${server.url}/tracks?${query}`);
    return { status: r.status, header: r.headers.get('x-moodscape-degraded'), body: await r.json() };
  };
  const ids = (b: { items: { id: string }[] }) => b.items.map((t) => t.id);
  const beforeAll = await listing('limit=7&offset=3');
  const beforeHappy = await listing('mood=Happy&limit=5');
  const beforeSearch = await listing('q=prince&limit=5');
  assert.equal(beforeAll.body.degraded, undefined);

  await pg.halt();
  const refused = await like();
  const body = await refused.json();
  assert.equal(refused.status, 503, JSON.stringify(body));
  assert.equal(refused.headers.get('retry-after'), '5');
  assert.equal(body.error, 'Service Unavailable');
  assert.doesNotMatch(JSON.stringify(body), /127\.0\.0\.1|postgres:\/\//, 'no address in the answer');

  const h = await health();
  assert.equal(h.status, 200);
  assert.equal(h.body.status, 'degraded');
  assert.equal(h.body.degraded[0].dependency, 'store (postgres)');
  assert.equal(h.body.servingFromSnapshot, true);

  const rec = await fetch(`${server.url}/recommend?mood=Happy&limit=3`);
  assert.equal(rec.status, 200, 'reads come from the snapshot');
  assert.match(rec.headers.get('x-moodscape-degraded') ?? '', /store unavailable; served from snapshot \d+/);
  assert.equal((await rec.json()).tracks.length, 3);

  // A listing and a recommendation without the user's taste come from the snapshot, and say so.
  const all = await listing('limit=7&offset=3');
  assert.equal(all.status, 200, JSON.stringify(all.body));
  assert.match(all.header ?? '', /store unavailable/);
  assert.match(all.body.degraded, /store is unavailable: listed from snapshot \d+/);
  assert.equal(all.body.total, beforeAll.body.total);
  assert.deepEqual(ids(all.body), ids(beforeAll.body), 'the same page as the store gave');
  const happy = await listing('mood=Happy&limit=5');
  assert.deepEqual(ids(happy.body), ids(beforeHappy.body), 'by confidence within a mood, as the store orders');
  assert.deepEqual(happy.body.items.map((t: { mood: string }) => t.mood), beforeHappy.body.items.map((t: { mood: string }) => t.mood));
  const search = await listing('q=prince&limit=5');
  assert.deepEqual(ids(search.body), ids(beforeSearch.body));
  const forAlice = await fetch(`${server.url}/recommend?mood=Happy&limit=3&user=alice`);
  const aliceBody = await forAlice.json();
  assert.equal(forAlice.status, 200, JSON.stringify(aliceBody));
  assert.match(forAlice.headers.get('x-moodscape-degraded') ?? '', /store unavailable/);
  assert.ok(aliceBody.warnings.some((w: string) => /store is unavailable.*without alice's likes and skips/.test(w)), JSON.stringify(aliceBody.warnings));
  assert.equal(aliceBody.tracks.length, 3);

  await pg.resume();
  let back = await health();
  for (let i = 0; i < 50 && back.body.status !== 'ok'; i++) {
    await new Promise((r) => setTimeout(r, 200));
    back = await health();
  }
  assert.equal(back.status, 200);
  assert.equal(back.body.status, 'ok');
  assert.equal((await like()).status, 200, 'writes work again');
  const rec2 = await fetch(`${server.url}/recommend?mood=Happy&limit=3`);
  assert.equal(rec2.headers.get('x-moodscape-degraded'), null);
});
