/**
 * The HTTP API against a real server on 127.0.0.1 (port 0), once per store backend: SQLite (a temp
 * file) and PostgreSQL (a private cluster from test/support/postgres.ts). The catalogue is a real
 * file (data_moods.csv, 686 tracks); the model is a small MLP trained on the fly.
 *
 * Every failure case checks the status, that the message names the failing field, that no stack
 * trace leaks, and that the server still answers afterwards.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importCsv } from '../../io/store/import-csv.ts';
import { tagDatabase } from '../../io/store/tag-catalogue.ts';
import { openStore } from '../../io/store/open-store.ts';
import { parseM3u } from '../../io/playlist-export.ts';
import { startPostgres, type PgServer } from '../../../test/support/postgres.ts';
import { DATA_MOODS, startTestServer, trainFixtureModel, type RunningServer } from '../../../test/support/server-fixtures.ts';
import { ROOT } from '../../../test/support/cli.ts';
import { authMode } from './auth.ts';
import { createServer } from './server.ts';
import { isTraversal } from './app.ts';

const TOKEN = 'test-token-7f3a';
const PRINCE_1999 = '2H7PHVdQ3mXqEHXcvclTB0';

let tmp = '';
let modelDir = '';
let pg: PgServer | undefined;

before(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'moodscape-api-'));
  modelDir = await trainFixtureModel(tmp);
});
after(async () => {
  await pg?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

interface Res { status: number; headers: Headers; text: string; json: any }

async function call(base: string, method: string, path: string, o: { body?: unknown; raw?: string; token?: string; headers?: Record<string, string> } = {}): Promise<Res> {
  const headers: Record<string, string> = { ...(o.headers ?? {}) };
  let body: string | undefined;
  if (o.body !== undefined) { body = JSON.stringify(o.body); headers['content-type'] ??= 'application/json'; }
  if (o.raw !== undefined) { body = o.raw; headers['content-type'] ??= 'application/json'; }
  if (o.token) headers.authorization = `Bearer ${o.token}`;
  const r = await fetch(base + path, { method, headers, body });
  const text = await r.text();
  let json: unknown;
  try { json = JSON.parse(text); } catch { json = undefined; }
  return { status: r.status, headers: r.headers, text, json };
}

/** A request with the path sent exactly as given (fetch would normalise `..`). */
function rawGet(base: string, path: string): Promise<{ status: number; body: string }> {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: u.hostname, port: u.port, method: 'GET', path }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** The checkout's absolute path, which no error may show. */
const ROOT_PATH = new RegExp(ROOT.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));

function assertCleanError(r: Res, status: number, field?: string | RegExp): void {
  assert.equal(r.status, status, `expected ${status}, got ${r.status}: ${r.text}`);
  assert.equal(r.json?.statusCode, status, r.text);
  assert.equal(typeof r.json?.message, 'string');
  assert.doesNotMatch(r.text, /\bat .+:\d+:\d+|node_modules|\.ts:\d+/, 'no stack trace or paths in errors');
  assert.doesNotMatch(r.text, ROOT_PATH, 'no paths in errors');
  if (field instanceof RegExp) assert.match(`${r.json.field ?? ''} ${r.json.message}`, field);
  else if (field !== undefined) {
    assert.equal(r.json.field, field, r.text);
    if (status === 400) assert.ok(r.json.message.includes(field), `message names ${field}: ${r.json.message}`);
  }
}

const goodFeatures = { valence: 0.2, danceability: 0.3, energy: 0.2, acousticness: 0.9, tempo: 70, loudness: -18 };

interface Backend { name: string; spec(): Promise<string> }

const BACKENDS: Backend[] = [
  { name: 'sqlite', spec: async () => join(tmp, `catalogue-${Math.random().toString(36).slice(2)}.db`) },
  {
    name: 'postgres',
    spec: async () => {
      pg ??= await startPostgres();
      return pg.createDatabase();
    },
  },
];

for (const backend of BACKENDS) {
  describe(`API on ${backend.name}`, () => {
    let s: RunningServer;
    let B = '';
    const up = async () => {
      const r = await call(B, 'GET', '/health');
      assert.equal(r.status, 200, 'server still up');
    };

    before(async () => {
      const db = await backend.spec();
      await importCsv(DATA_MOODS, db, { quiet: true });
      // The postgres server serves a given report file; the SQLite one generates its report.
      let reportPath: string | undefined;
      if (backend.name === 'postgres') {
        reportPath = join(tmp, 'given-report.html');
        writeFileSync(reportPath, '<!doctype html><title>given report</title><p>the given report</p>');
      }
      s = await startTestServer({ db, modelDir, token: TOKEN, reportPath });
      B = s.url;
    });
    after(async () => { await s?.close(); });

    test('GET /health, /moods, /contexts, /map', async () => {
      const h = await call(B, 'GET', '/health');
      assert.equal(h.status, 200);
      assert.equal(h.json.status, 'ok');
      assert.equal(h.json.tracks, 686);
      assert.equal(h.json.store, backend.name);
      assert.equal(h.json.writes, 'token');
      assert.deepEqual(h.json.model.classes, ['Calm', 'Energetic', 'Happy', 'Sad']);
      assert.equal(h.headers.get('x-content-type-options'), 'nosniff');

      const m = await call(B, 'GET', '/moods');
      assert.equal(m.status, 200);
      assert.deepEqual(m.json.moods.map((x: { name: string }) => x.name), ['Calm', 'Energetic', 'Happy', 'Sad']);
      assert.equal(m.json.moods.reduce((a: number, x: { tracks: number }) => a + x.tracks, 0) + m.json.uncertain, 686);
      assert.ok(m.json.uncertain > 0, 'tracks below the threshold are counted as uncertain');

      const c = await call(B, 'GET', '/contexts');
      assert.equal(c.status, 200);
      const workout = c.json.contexts.find((x: { name: string }) => x.name === 'workout');
      assert.ok(workout.rules.some((r: string) => r.includes('energy')));
      assert.ok(workout.excludedMoods.includes('Sad'));
      assert.ok(c.json.arcs.length > 0);

      const map = await call(B, 'GET', '/map?limit=100');
      assert.equal(map.status, 200);
      assert.equal(map.json.points.length, 100);
      assert.equal(map.json.centroids.length, 4);
      assertCleanError(await call(B, 'GET', '/map?limit=0'), 400, 'querystring.limit');
    });

    test('GET /tracks filters by mood and text, pages, and rejects bad parameters', async () => {
      const happy = await call(B, 'GET', '/tracks?mood=happy&limit=5');
      assert.equal(happy.status, 200);
      assert.equal(happy.json.items.length, 5);
      assert.ok(happy.json.items.every((t: { mood: string }) => t.mood === 'Happy'));
      const conf = happy.json.items.map((t: { confidence: number }) => t.confidence);
      assert.deepEqual(conf, [...conf].sort((a, b) => b - a), 'most confident first');

      const prince = await call(B, 'GET', '/tracks?q=PRINCE&limit=50');
      assert.equal(prince.status, 200);
      assert.ok(prince.json.total >= 1);
      assert.ok(prince.json.items.every((t: { artist: string; name: string }) => /prince/i.test(`${t.artist} ${t.name}`)));

      const p1 = await call(B, 'GET', '/tracks?limit=3&offset=0');
      const p2 = await call(B, 'GET', '/tracks?limit=3&offset=3');
      assert.equal(p1.json.total, 686);
      assert.notEqual(p1.json.items[0].id, p2.json.items[0].id);

      assertCleanError(await call(B, 'GET', '/tracks?limit=0'), 400, 'querystring.limit');
      assertCleanError(await call(B, 'GET', '/tracks?limit=abc'), 400, 'querystring.limit');
      assertCleanError(await call(B, 'GET', '/tracks?offset=-1'), 400, 'querystring.offset');
      assertCleanError(await call(B, 'GET', '/tracks?colour=red'), 400, 'querystring.colour');
      assertCleanError(await call(B, 'GET', '/tracks?mood=grumpy'), 400, /grumpy/);
      await up();
    });

    test('GET /tracks/:id gives features, mood, probabilities and an explanation', async () => {
      const r = await call(B, 'GET', `/tracks/${PRINCE_1999}`);
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.name, '1999');
      assert.equal(r.json.artist, 'Prince');
      assert.equal(r.json.features.valence, 0.625);
      assert.equal(r.json.extra.mood, 'Happy', 'the source label column is kept as extra text');
      const p = r.json.probabilities as Record<string, number>;
      assert.ok(Math.abs(Object.values(p).reduce((a, b) => a + b, 0) - 1) < 1e-6);
      assert.equal(r.json.mood, Object.entries(p).sort((a, b) => b[1] - a[1])[0][0]);
      assert.equal(r.json.explanation.mood, r.json.mood);
      const sum = r.json.explanation.contributions.reduce((a: number, c: { shap: number }) => a + c.shap, 0);
      assert.ok(Math.abs(sum - (r.json.explanation.probability - r.json.explanation.baseline)) < 1e-6, 'Shapley values add up');
      assert.match(r.json.explanation.contributions[0].text, /\(([+-])\d/);

      const quick = await call(B, 'GET', `/tracks/${PRINCE_1999}?explain=false`);
      assert.equal(quick.json.explanation, null);
      assertCleanError(await call(B, 'GET', '/tracks/no-such-track'), 404, 'params.id');
      assertCleanError(await call(B, 'GET', `/tracks/${PRINCE_1999}?explain=maybe`), 400, 'querystring.explain');
      await up();
    });

    test('POST /tag tags features that are not in the catalogue', async () => {
      const r = await call(B, 'POST', '/tag', { body: { tracks: [{ id: 'a', ...goodFeatures }, { ...goodFeatures, energy: 0.95, valence: 0.9, tempo: 150, acousticness: 0.05, loudness: -4 }] } });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.tracks.length, 2);
      assert.equal(r.json.tracks[0].id, 'a');
      assert.equal(r.json.tracks[1].id, undefined);
      for (const t of r.json.tracks) {
        assert.ok(['Calm', 'Energetic', 'Happy', 'Sad'].includes(t.mood));
        assert.equal(t.confidence, Math.max(...Object.values(t.probabilities as Record<string, number>)));
        assert.equal(typeof t.map.x, 'number');
      }
      assert.notEqual(r.json.tracks[0].mood, r.json.tracks[1].mood);
      const count = await call(B, 'GET', '/health');
      assert.equal(count.json.tracks, 686, 'nothing stored');
    });

    test('bad bodies get 400 naming the field', async () => {
      const { tempo: _t, ...noTempo } = goodFeatures;
      assertCleanError(await call(B, 'POST', '/tag', { body: { tracks: [noTempo] } }), 400, 'body.tracks[0].tempo');
      assertCleanError(await call(B, 'POST', '/tag', { body: { tracks: [goodFeatures, { ...goodFeatures, energy: 1.5 }] } }), 400, 'body.tracks[1].energy');
      assertCleanError(await call(B, 'POST', '/tag', { body: { tracks: [{ ...goodFeatures, energy: 'loud' }] } }), 400, 'body.tracks[0].energy');
      assertCleanError(await call(B, 'POST', '/tag', { body: { tracks: [{ ...goodFeatures, sparkle: 1 }] } }), 400, 'body.tracks[0].sparkle');
      assertCleanError(await call(B, 'POST', '/tag', { body: { tracks: [] } }), 400, 'body.tracks');
      assertCleanError(await call(B, 'POST', '/tag', { body: {} }), 400, 'body.tracks');
      assertCleanError(await call(B, 'POST', '/tag', { raw: '{"tracks": [' }), 400);
      assertCleanError(await call(B, 'POST', '/tag', { raw: '{"__proto__": {"x": 1}, "tracks": []}' }), 400);
      assertCleanError(await call(B, 'POST', '/recommend', { body: { mood: 'Happy', limit: 500 } }), 400, 'body.limit');
      assertCleanError(await call(B, 'POST', '/recommend', { body: { mood: 'Happy', target: { energy: 2 } } }), 400, 'body.target.energy');
      assertCleanError(await call(B, 'POST', '/recommend', { body: { mood: 'Happy', target: { sparkle: 0.5 } } }), 400, 'body.target.sparkle');
      assertCleanError(await call(B, 'POST', '/recommend', { body: { mood: 'Happy', seeds: 'abc' } }), 400, 'body.seeds');
      assertCleanError(await call(B, 'POST', '/recommend', { body: { mood: 'Happy', limit: '5' } }), 400, 'body.limit');
      assertCleanError(await call(B, 'POST', '/recommend', { body: { mood: 'Happy', user: 'bad name!' } }), 400, 'body.user');
      assertCleanError(await call(B, 'POST', '/recommend', { body: { mood: 'Happy', format: 'xml' } }), 400, 'body.format');
      assertCleanError(await call(B, 'POST', '/feedback', { token: TOKEN, body: { user: 'u', trackId: PRINCE_1999, kind: 'love' } }), 400, 'body.kind');
      assertCleanError(await call(B, 'POST', '/feedback', { token: TOKEN, body: { user: 'u', kind: 'like' } }), 400, 'body.trackId');
      assertCleanError(await call(B, 'POST', '/tracks', { token: TOKEN, body: { tracks: [{ id: 'x', ...goodFeatures, loudness: 40 }] } }), 400, 'body.tracks[0].loudness');
      assertCleanError(await call(B, 'POST', '/tracks', { token: TOKEN, body: { tracks: [{ ...goodFeatures }] } }), 400, 'body.tracks[0].id');
      assertCleanError(await call(B, 'POST', '/tag', { raw: 'valence=1', headers: { 'content-type': 'text/plain' } }), 400, 'body');
      assertCleanError(await call(B, 'POST', '/tag', { raw: '<tracks/>', headers: { 'content-type': 'application/xml' } }), 415);
      await up();
    });

    test('GET|POST /recommend: context, mood, seeds, knobs, M3U, cache', async () => {
      const ctx = await call(B, 'GET', '/recommend?context=workout&limit=10');
      assert.equal(ctx.status, 200, ctx.text);
      assert.ok(ctx.json.tracks.length > 0);
      for (const t of ctx.json.tracks) {
        assert.ok(t.features.energy >= 0.65, 'workout: energy ≥ 0.65');
        assert.ok(t.features.tempo >= 115 && t.features.tempo <= 180);
        assert.ok(!['Sad', 'Calm'].includes(t.mood));
        assert.ok(t.why.length >= 2);
        assert.equal(typeof t.map.x, 'number');
      }
      assert.equal(ctx.json.cached, false);
      const again = await call(B, 'GET', '/recommend?limit=10&context=workout');
      assert.equal(again.json.cached, true, 'the same query is served from the cache');
      assert.deepEqual(again.json.tracks.map((t: { id: string }) => t.id), ctx.json.tracks.map((t: { id: string }) => t.id));

      const post = await call(B, 'POST', '/recommend', { body: { mood: 'Happy', seeds: [PRINCE_1999], target: { valence: 0.8 }, min: { tempo: 100 }, limit: 8 } });
      assert.equal(post.status, 200, post.text);
      assert.equal(post.json.tracks.length, 8);
      for (const t of post.json.tracks) {
        assert.equal(t.mood, 'Happy');
        assert.ok(t.features.tempo >= 100);
        assert.notEqual(t.id, PRINCE_1999, 'a seed is not recommended back');
      }
      assert.ok(post.json.tracks.some((t: { why: string[] }) => t.why.some((w) => w.includes('1999'))), 'reasons name the seed');

      const knobs = await call(B, 'GET', '/recommend?target_energy=0.2&max_energy=0.4&limit=5');
      assert.equal(knobs.status, 200, knobs.text);
      assert.ok(knobs.json.tracks.every((t: { features: { energy: number } }) => t.features.energy <= 0.4));

      const m3u = await fetch(`${B}/recommend?mood=Calm&limit=5&format=m3u`);
      assert.equal(m3u.status, 200);
      assert.match(m3u.headers.get('content-type') ?? '', /audio\/x-mpegurl/);
      const entries = parseM3u(await m3u.text());
      assert.equal(entries.length, 5);
      assert.ok(entries.every((e) => e.location.startsWith('spotify:track:')));

      assertCleanError(await call(B, 'GET', '/recommend?limit=5'), 400, /nothing to recommend/);
      assertCleanError(await call(B, 'GET', '/recommend?mood=Happy&seeds=nope123'), 400, /nope123/);
      assertCleanError(await call(B, 'GET', '/recommend?context=disco'), 400, /disco/);
      assertCleanError(await call(B, 'GET', '/recommend?mood=Happy&target_tempo=999'), 400, 'querystring.target_tempo');
      assertCleanError(await call(B, 'GET', '/recommend?mood=Happy&min_energy=0.9&max_energy=0.1'), 400, /min_energy/);
      await up();
    });

    test('writes need the bearer token: 401 without or with a wrong one', async () => {
      const body = { user: 'alice', trackId: PRINCE_1999, kind: 'like' };
      assertCleanError(await call(B, 'POST', '/feedback', { body }), 401);
      assertCleanError(await call(B, 'POST', '/feedback', { body, token: 'wrong' }), 401);
      assertCleanError(await call(B, 'POST', '/feedback', { body, headers: { authorization: TOKEN } }), 401);
      assertCleanError(await call(B, 'POST', '/tracks', { body: { tracks: [{ id: 'z', ...goodFeatures }] } }), 401);
      const h = await call(B, 'GET', '/health');
      assert.equal(h.json.tracks, 686, 'nothing was written');
      await up();
    });

    test('POST /feedback shifts the next playlist for that user; skips are left out', async () => {
      const q = { context: 'workout', limit: 10, user: 'alice' };
      const before = await call(B, 'POST', '/recommend', { body: q });
      assert.equal(before.status, 200, before.text);
      const ids = before.json.tracks.map((t: { id: string }) => t.id);
      const liked = before.json.tracks[ids.length - 1];
      const like = await call(B, 'POST', '/feedback', { token: TOKEN, body: { user: 'alice', trackId: liked.id, kind: 'like' } });
      assert.equal(like.status, 200, like.text);
      assert.deepEqual(like.json.likes, [liked.id]);
      const skip = await call(B, 'POST', '/feedback', { token: TOKEN, body: { user: 'alice', trackId: ids[0], kind: 'skip' } });
      assert.deepEqual(skip.json.skips, [ids[0]]);

      const after1 = await call(B, 'POST', '/recommend', { body: q });
      assert.equal(after1.json.cached, false, 'feedback invalidates the cached playlist');
      const ids2 = after1.json.tracks.map((t: { id: string }) => t.id);
      assert.ok(!ids2.includes(ids[0]), 'the skipped track is gone');
      assert.notDeepEqual(ids2, ids);
      assert.ok(after1.json.tracks.some((t: { why: string[] }) => t.why.some((w) => w.startsWith('taste of alice'))), JSON.stringify(after1.json.tracks[0].why));
      const other = await call(B, 'POST', '/recommend', { body: { ...q, user: 'bob' } });
      assert.deepEqual(other.json.tracks.map((t: { id: string }) => t.id), ids, "bob's playlist is unchanged");
      assertCleanError(await call(B, 'POST', '/feedback', { token: TOKEN, body: { user: 'alice', trackId: 'nope', kind: 'like' } }), 400, /nope/);
    });

    test('POST /tracks upserts by id, tags, and the catalogue serves the new tracks', async () => {
      const tracks = [
        { id: 'api-new-1', name: 'Quiet Thing', artist: 'Test Band', ...goodFeatures },
        { id: 'api-new-2', name: 'Loud Thing', artist: 'Test Band', ...goodFeatures, energy: 0.95, valence: 0.9, tempo: 150, acousticness: 0.05, loudness: -4, danceability: 0.8 },
      ];
      const r = await call(B, 'POST', '/tracks', { token: TOKEN, body: { tracks } });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.inserted, 2);
      assert.equal(r.json.updated, 0);
      assert.equal(r.json.tagged, 2);
      assert.equal(r.json.total, 688);
      const tagged = await call(B, 'POST', '/tag', { body: { tracks: tracks.map(({ name: _n, artist: _a, ...f }) => f) } });
      assert.deepEqual(r.json.tracks.map((t: { mood: string }) => t.mood), tagged.json.tracks.map((t: { mood: string }) => t.mood), 'same mood as /tag gives');

      // Update one: only what is sent changes; the name stays.
      const u = await call(B, 'POST', '/tracks', { token: TOKEN, body: { tracks: [{ id: 'api-new-1', ...goodFeatures, energy: 0.5 }] } });
      assert.equal(u.json.inserted, 0);
      assert.equal(u.json.updated, 1);
      const got = await call(B, 'GET', '/tracks/api-new-1?explain=false');
      assert.equal(got.json.features.energy, 0.5);
      assert.equal(got.json.name, 'Quiet Thing');
      const found = await call(B, 'GET', '/tracks?q=test%20band');
      assert.equal(found.json.total, 2);
      const byMood = await call(B, 'GET', `/tracks?mood=${r.json.tracks[1].mood}&limit=500`);
      assert.ok(byMood.json.items.some((t: { id: string }) => t.id === 'api-new-2'), 'tags were written to the store');
      const seeded = await call(B, 'POST', '/recommend', { body: { seeds: ['api-new-2'], limit: 5 } });
      assert.equal(seeded.status, 200, 'the new track can seed a playlist');
      // The store holds tags from the model for every track.
      const check = await openStore(s.db);
      try {
        assert.deepEqual(await check.untaggedTrackIds(s.state.modelRecord.id), []);
      } finally { await check.close(); }
    });

    test('413 on an oversized body; the server stays up', async () => {
      const big = { tracks: Array.from({ length: 12_000 }, (_, i) => ({ id: `big-${i}`, ...goodFeatures })) };
      const raw = JSON.stringify(big);
      assert.ok(raw.length > 1024 * 1024);
      assertCleanError(await call(B, 'POST', '/tag', { raw }), 413);
      await up();
      assertCleanError(await call(B, 'POST', '/feedback', { raw, token: TOKEN }), 413);
      await up();
      assertCleanError(await call(B, 'POST', '/recommend', { raw: JSON.stringify({ mood: 'Happy', pad: 'x'.repeat(1_100_000) }) }), 413);
      await up();
    });

    test('404 on path traversal attempts; the server stays up', async () => {
      const attempts = [
        '/..%2f..%2fetc/passwd',
        '/static/../../package.json',
        '/static/../../../../etc/passwd',
        '/static/..%2f..%2fpackage.json',
        '/static/%2e%2e/%2e%2e/package.json',
        '/static/%252e%252e%252f%252e%252e%252fpackage.json',
        '/static/..%5c..%5cpackage.json',
        '/static/%2e%2e%2f%2e%2e%2fsrc%2fapp%2fserver%2fapp.ts',
        '/%2e%2e/%2e%2e/etc/passwd',
        '/static/index.html%00.css',
        '/static/.gitignore',
        '/static/',
        '/static',
        '/../package.json',
      ];
      for (const path of attempts) {
        const r = await rawGet(B, path);
        assert.equal(r.status, 404, `${path} → ${r.status}`);
        assert.doesNotMatch(r.body, /"devDependencies"|root:x:0|import type|moodscape-app/, `${path} leaked a file`);
        await up();
      }
      const css = await rawGet(B, '/static/style.css');
      assert.equal(css.status, 200, 'real static files are served');
      assert.equal(isTraversal('/static/a..b.css'), false);
    });

    test('web app, OpenAPI document and docs page', async () => {
      const page = await fetch(`${B}/`);
      assert.equal(page.status, 200);
      assert.match(page.headers.get('content-security-policy') ?? '', /default-src 'self'/);
      assert.match(await page.text(), /<script src="\/app.js"/);
      const js = await fetch(`${B}/app.js`);
      assert.equal(js.status, 200);
      assert.match(js.headers.get('content-type') ?? '', /javascript/);
      assert.ok((await js.text()).includes('/recommend'));

      const doc = await call(B, 'GET', '/openapi.json');
      assert.equal(doc.status, 200);
      assert.equal(doc.json.openapi, '3.1.0');
      const want = ['get /health', 'get /moods', 'get /contexts', 'get /tracks', 'get /tracks/{id}', 'post /tracks', 'post /tag', 'get /recommend', 'post /recommend', 'post /feedback', 'get /report', 'get /openapi.json', 'get /docs', 'get /map'];
      for (const w of want) {
        const [m, p] = w.split(' ');
        assert.ok(doc.json.paths[p]?.[m], `${w} is documented`);
      }
      assert.ok(doc.json.paths['/tag'].post.requestBody.content['application/json'].schema.properties.tracks);
      assert.deepEqual(doc.json.paths['/tracks'].post.security, [{ bearer: [] }]);
      assert.equal(doc.json.paths['/static/*'], undefined, 'static files are not API routes');

      const docs = await fetch(`${B}/docs`);
      assert.equal(docs.status, 200);
      const html = await docs.text();
      assert.match(html, /POST<\/span> <code>\/recommend/);
      assert.match(html, /curl -s/);
    });

    test('GET /report', async () => {
      const r = await fetch(`${B}/report`);
      assert.equal(r.status, 200);
      assert.match(r.headers.get('content-type') ?? '', /text\/html/);
      assert.match(r.headers.get('content-security-policy') ?? '', /default-src 'none'/);
      const html = await r.text();
      if (backend.name === 'postgres') assert.match(html, /the given report/);
      else {
        assert.match(html, /moodscape report: the served catalogue/);
        assert.match(html, /<svg/);
        const t0 = performance.now();
        const again = await fetch(`${B}/report`);
        assert.equal(again.status, 200);
        assert.equal(await again.text(), html, 'cached');
        assert.ok(performance.now() - t0 >= 0);
      }
    });
  });
}

describe('auth modes and internal errors', () => {
  let db = '';
  before(async () => {
    db = join(tmp, 'modes.db');
    await importCsv(DATA_MOODS, db, { quiet: true });
    const first = await tagDatabase(db, modelDir);
    assert.equal(first.tagged, 686);
    assert.equal(first.total, 686);
    // Again, without naming the model: the store's current model; nothing is left to tag.
    const again = await tagDatabase(db);
    assert.equal(again.modelId, first.modelId);
    assert.equal(again.tagged, 0);
  });

  test('without a token, writes are refused (403) unless --no-auth', async () => {
    const ro = await startTestServer({ db, modelDir });
    try {
      const h = await call(ro.url, 'GET', '/health');
      assert.equal(h.json.writes, 'read-only');
      assertCleanError(await call(ro.url, 'POST', '/feedback', { body: { user: 'u', trackId: PRINCE_1999, kind: 'like' } }), 403);
      assertCleanError(await call(ro.url, 'POST', '/feedback', { token: 'anything', body: { user: 'u', trackId: PRINCE_1999, kind: 'like' } }), 403);
      assert.equal((await call(ro.url, 'GET', '/recommend?mood=Happy&limit=3')).status, 200, 'reads still work');
    } finally { await ro.close(); }

    const open = await startTestServer({ db, modelDir, noAuth: true });
    try {
      const r = await call(open.url, 'POST', '/feedback', { body: { user: 'u', trackId: PRINCE_1999, kind: 'like' } });
      assert.equal(r.status, 200, r.text);
    } finally { await open.close(); }
  });

  test('an internal error is a 500 with no details; the server stays up', async () => {
    const store = await openStore(db);
    const { CatalogueState } = await import('./catalogue-state.ts');
    const { loadMoodModel } = await import('../../io/mood-model-dir.ts');
    const state = await CatalogueState.open({ store, modelDir, loaded: await loadMoodModel(modelDir) });
    const boom = async (app: import('fastify').FastifyInstance) => {
      app.get('/boom', { schema: { hide: true } }, async () => { throw new Error(`secret detail at ${join(ROOT, 'src/x.ts')}:1:2`); });
    };
    const app = await createServer({ state, auth: authMode(TOKEN, false), plugins: [[boom]] });
    await app.listen({ host: '127.0.0.1', port: 0 });
    try {
      const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
      const r = await call(base, 'GET', '/boom');
      assertCleanError(r, 500);
      assert.equal(r.json.message, 'internal error');
      assert.doesNotMatch(r.text, /secret/);
      assert.equal((await call(base, 'GET', '/health')).status, 200);
    } finally {
      await app.close();
      await store.close();
    }
  });
});
