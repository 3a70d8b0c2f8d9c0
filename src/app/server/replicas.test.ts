/**
 * The service as stateless replicas over one PostgreSQL: a write on one replica (POST /tracks,
 * feedback) reaches the others within a second through LISTEN/NOTIFY, also after the database
 * restarted; `serve --workers 2` runs two processes on one port.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { PgServer } from '../../../test/support/postgres.ts';
import { exited, restartPostgres, seedCatalogue, waitFor, startFleetEnvironment, type FleetEnvironment } from '../../../test/support/fleet-fixtures.ts';
import { BIN, ROOT } from '../../../test/support/cli.ts';
import { loadMoodModel } from '../../io/mood-model-dir.ts';
import { PostgresStore } from '../../io/store/postgres-store.ts';
import { PgChangeFeed } from '../../io/store/change-feed.ts';
import { authMode } from './auth.ts';
import { CatalogueState } from './catalogue-state.ts';
import { createServer } from './server.ts';

let env: FleetEnvironment;
let server: PgServer;
let dir: string;
let modelDir: string;
let db: string;

interface Replica { app: FastifyInstance; state: CatalogueState; url: string; close(): Promise<void> }

async function replica(adaptDir?: string): Promise<Replica> {
  const store = await PostgresStore.open(db);
  const changes = await PgChangeFeed.open(db);
  const state = await CatalogueState.open({ store, modelDir, loaded: await loadMoodModel(modelDir), changes, adaptDir });
  const app = await createServer({ state, auth: authMode(undefined, true) });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as { port: number };
  return { app, state, url: `http://127.0.0.1:${port}`, close: async () => { await app.close(); await changes.close(); await store.close(); } };
}

before(async () => {
  env = await startFleetEnvironment();
  ({ server, dir, modelDir } = env);
  db = await server.createDatabase();
  await seedCatalogue(db, 300);
});

after(() => env?.stop());

const track = (id: string) => ({ id, name: id, artist: 'replica test', valence: 0.8, danceability: 0.7, energy: 0.9, acousticness: 0.1, tempo: 128, loudness: -5 });
const post = (url: string, body: unknown) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

test('a write on one replica is visible on the other within 1 s, also after PostgreSQL restarts', async () => {
  const a = await replica();
  const b = await replica();
  try {
    assert.equal((await fetch(`${b.url}/tracks/new-1`)).status, 404);
    const r = await post(`${a.url}/tracks`, { tracks: [track('new-1')] });
    assert.equal(r.status, 200, await r.text());
    await waitFor('B to see the track A added', async () => (await fetch(`${b.url}/tracks/new-1`)).status === 200, 1000, 25);

    // Feedback on A: B's cached recommendation for that user goes stale.
    const q = { moods: [b.state.classes[0]], limit: 5, user: 'ann' };
    // A's write may still notify B once more (its tags land after the tracks): wait until B's cache holds.
    await waitFor('B to cache a result for ann', async () => { await b.state.recommend(q); return (await b.state.recommend(q)).cached; }, 5000, 25);
    const f = await post(`${a.url}/feedback`, { user: 'ann', trackId: 'new-1', kind: 'like' });
    assert.equal(f.status, 200, await f.text());
    await waitFor('B to drop its cached result for ann', async () => !(await b.state.recommend(q)).cached, 1000, 25);
    assert.deepEqual((await b.state.profile('ann')).likes.map((l) => l.id), ['new-1']);

    await restartPostgres(server, 500);
    // A's store reconnects on its next query; B's listener reconnects on its own.
    await waitFor('A to take writes again', async () => (await post(`${a.url}/tracks`, { tracks: [track('new-2')] })).status === 200, 20_000, 250);
    await waitFor('B to see the track A added after the restart', async () => (await fetch(`${b.url}/tracks/new-2`)).status === 200, 10_000, 50);
  } finally {
    await a.close();
    await b.close();
  }
});

test('POST /models/adapt on one replica: it serves the adapted model, the store makes it current, and the other replica follows', async () => {
  const a = await replica(join(dir, 'replica-adapted'));
  const b = await replica();
  try {
    const started = a.state.modelRecord.id;
    const ids = a.state.snapshot.table.text.id.slice(0, 16);
    const moods = a.state.classes;
    for (const [i, id] of ids.entries()) {
      const r = await post(`${a.url}/feedback`, { kind: 'relabel', trackId: id, mood: moods[i % moods.length] });
      assert.equal(r.status, 200, await r.text());
    }
    const r = await post(`${a.url}/models/adapt`, {});
    assert.equal(r.status, 200);
    const body = await r.json() as { model: string; out: string; corrections: number };
    assert.equal(body.corrections, ids.length);
    assert.match(body.model, /^m_[0-9a-f]{16}$/);
    assert.notEqual(body.model, started);
    assert.equal(a.state.modelRecord.id, body.model);
    assert.equal(a.state.modelDir, body.out);
    const health = await (await fetch(`${a.url}/health`)).json() as { model: { id: string } };
    assert.equal(health.model.id, body.model);
    assert.equal((await a.state.store.getCurrentModel())?.id, body.model);
    await waitFor('B to serve the adapted model', async () => b.state.modelRecord.id === body.model, 20_000, 50);
    assert.equal(b.state.snapshot.rec.proba.rows, a.state.snapshot.rec.proba.rows);
    assert.deepEqual(Array.from(b.state.snapshot.rec.proba.data), Array.from(a.state.snapshot.rec.proba.data), 'both replicas tag with the adapted model');
  } finally {
    await a.close();
    await b.close();
  }
});

test('serve --workers 2: two processes answer on one port and stop on SIGTERM', async () => {
  const child = spawn(process.execPath, [BIN, 'serve', '--db', db, '--model', modelDir, '--port', '0', '--workers', '2', '--no-auth', '--json', '--log', 'warn'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '', err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  try {
    const line = await waitFor('the JSON line', async () => out.includes('\n') && out.split('\n')[0], 60_000);
    const { url } = JSON.parse(line);
    await waitFor('both workers to listen', async () => {
      const pids = new Set<number>();
      for (let i = 0; i < 20; i++) {
        const r = await fetch(`${url}/health`, { headers: { connection: 'close' } });
        if (r.status === 200) pids.add(Number(r.headers.get('x-moodscape-worker')));
      }
      return pids.size === 2;
    }, 30_000, 250);
  } finally {
    child.kill('SIGTERM');
  }
  assert.equal(await exited(child), 0, err);
});
