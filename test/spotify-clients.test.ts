/**
 * The Spotify-compatible /v1 surface, proven with the real clients from npm, unmodified:
 * `spotify-web-api-node` (its request builder swapped at run time to reach 127.0.0.1 over http) and
 * `@spotify/web-api-ts-sdk` (a custom fetch, and SpotifyApi.rootUrl). The server is the service
 * itself (createServer: the moodscape app plugin, its CatalogueState, its auth) with the /v1 plugin
 * registered beside it as `moodscape serve` does, listening on 127.0.0.1, over a real catalogue
 * imported from ../shared/data (Spotify 2024 popular tracks: genres, time signatures, album ids)
 * into a SQLite store, tagged by a small model trained on a generated labelled catalogue.
 */
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { SpotifyApi, type AudioFeatures, type Track } from '@spotify/web-api-ts-sdk';
import type { RecCatalog } from '../src/core/recommend/index.ts';
import { importCsv } from '../src/io/store/import-csv.ts';
import { openStore, type CatalogueStore, type TrackRecord } from '../src/io/store/open-store.ts';
import { loadMoodModel } from '../src/io/mood-model-dir.ts';
import { authMode, type AuthMode } from '../src/app/server/auth.ts';
import { CatalogueState } from '../src/app/server/catalogue-state.ts';
import { createServer } from '../src/app/server/server.ts';
import { trainFixtureModel } from './support/server-fixtures.ts';
import {
  catalogueDeps, genreKey, spotifyDepsFromState, spotifySurface, type SpotifyAudioFeatures, type SpotifyRecommendationSeed,
  type SpotifyRecommendations, type SpotifyTrack,
} from '../src/app/spotify/index.ts';
import { DATA } from './support/cli.ts';

// ── compile-time: our objects are what the SDK declares (null only where a catalogue lacks a value) ──
// RecommendationsResponse/RecommendationSeed are re-exported by the SDK's types.d.ts through an
// extension-less path that NodeNext cannot follow (they would be `any`), so take them from the method.
type RecommendationsResponse = Awaited<ReturnType<SpotifyApi['recommendations']['get']>>;
type RecommendationSeed = RecommendationsResponse['seeds'][number];
type NonNull<T> = T extends (infer U)[] ? NonNull<U>[] : T extends object ? { [K in keyof T]: NonNull<Exclude<T[K], null>> } : T;
type Assignable<A, B> = [A] extends [B] ? true : false;
const audioFeaturesCheck: Assignable<NonNull<SpotifyAudioFeatures>, AudioFeatures> = true;
const trackCheck: Assignable<NonNull<SpotifyTrack>, Track> = true;
const seedCheck: Assignable<NonNull<SpotifyRecommendationSeed>, RecommendationSeed> = true;
const responseCheck: Assignable<NonNull<SpotifyRecommendations>, RecommendationsResponse> = true;
// …and they are real types, not `any`: a Track is not an AudioFeatures.
const notAnyCheck: Assignable<Track, AudioFeatures> = false;
const responseNotAnyCheck: Assignable<AudioFeatures, RecommendationsResponse> = false;
void [audioFeaturesCheck, trackCheck, seedCheck, responseCheck, notAnyCheck, responseNotAnyCheck];

const require = createRequire(import.meta.url);
// The clients exactly as npm installed them.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const SpotifyWebApi = require('spotify-web-api-node') as new (o?: { accessToken?: string }) => NodeClient;
const WebApiRequest = require('spotify-web-api-node/src/webapi-request.js') as { builder: (token?: string) => unknown };
const BaseRequest = require('spotify-web-api-node/src/base-request.js') as { builder: () => RequestBuilder };

interface RequestBuilder {
  withHost(h: string): RequestBuilder;
  withPort(p: number): RequestBuilder;
  withScheme(s: string): RequestBuilder;
  withAuth(t?: string): RequestBuilder;
}
interface NodeResponse<T> { body: T; statusCode: number; headers: Record<string, string> }
interface NodeClient {
  getAudioFeaturesForTrack(id: string): Promise<NodeResponse<AudioFeatures>>;
  getAudioFeaturesForTracks(ids: string[]): Promise<NodeResponse<{ audio_features: (AudioFeatures | null)[] }>>;
  getRecommendations(o: Record<string, unknown>): Promise<NodeResponse<SpotifyRecommendations>>;
  getTrack(id: string): Promise<NodeResponse<Track>>;
  getTracks(ids: string[]): Promise<NodeResponse<{ tracks: (Track | null)[] }>>;
  getAvailableGenreSeeds(): Promise<NodeResponse<{ genres: string[] }>>;
}

const CSV = join(DATA, 'catalogues/spotify_popularity_2024_high.csv');
const TOKEN = 'test-token-' + Math.random().toString(36).slice(2);
const NUMERIC = ['danceability', 'energy', 'key', 'loudness', 'mode', 'speechiness', 'acousticness', 'instrumentalness', 'liveness', 'valence', 'tempo', 'duration_ms', 'time_signature'] as const;

let dir: string;
let store: CatalogueStore;
let state: CatalogueState;
let rec: RecCatalog;
let app: FastifyInstance;
let base: string;
let port: number;
let ids: string[];
const records = new Map<string, TrackRecord>();
const originalBuilder = WebApiRequest.builder;

async function record(id: string): Promise<TrackRecord> {
  let r = records.get(id);
  if (!r) {
    const got = await store.getTrack(id);
    assert.ok(got, `track ${id} is in the store`);
    r = got;
    records.set(id, r);
  }
  return r;
}

/** Every audio feature of the object equals the stored catalogue value. */
async function assertFeaturesMatch(af: AudioFeatures, id: string): Promise<void> {
  const r = await record(id);
  assert.equal(af.id, id);
  assert.equal(af.type, 'audio_features');
  assert.equal(af.uri, `spotify:track:${id}`);
  assert.equal(af.track_href, `${base}/v1/tracks/${id}`);
  assert.equal(af.analysis_url, `${base}/v1/audio-analysis/${id}`);
  for (const k of NUMERIC) assert.equal(af[k], r.features[k], `${id} ${k}`);
}

/** The service as `moodscape serve` builds it, with the /v1 surface registered beside the app. */
function serverWith(auth: AuthMode): Promise<FastifyInstance> {
  return createServer({ state, auth, web: false, plugins: [[spotifySurface(spotifyDepsFromState(state, auth)), {}]] });
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'moodscape-spotify-'));
  const db = join(dir, 'catalogue.db');
  const { summary } = await importCsv(CSV, db);
  assert.ok(summary.total > 1000, `imported ${summary.total} tracks`);
  const modelDir = await trainFixtureModel(dir);
  store = await openStore(db);
  state = await CatalogueState.open({ store, modelDir, loaded: await loadMoodModel(modelDir) });
  rec = state.snapshot.rec;
  ids = rec.table.text.id;
  app = await serverWith(authMode(TOKEN, false));
  await app.listen({ host: '127.0.0.1', port: 0 });
  const addr = app.server.address();
  assert.ok(addr && typeof addr === 'object');
  port = addr.port;
  base = `http://127.0.0.1:${port}`;
});

after(async () => {
  WebApiRequest.builder = originalBuilder;
  await app?.close();
  await store?.close();
  await rm(dir, { recursive: true, force: true });
});

/** Tracks of the catalogue with a given genre and a 4/4 bar, for seeds. */
function tracksOfGenre(g: string, n: number): string[] {
  const out: string[] = [];
  for (let r = 0; r < rec.table.rowCount && out.length < n; r++) if (genreKey(rec.table.text.genre[r]) === g) out.push(rec.table.text.id[r]);
  return out;
}

async function assertMeets(tracks: { id: string }[], min: Record<string, number>, max: Record<string, number>, genre?: string): Promise<void> {
  for (const t of tracks) {
    const r = await record(t.id);
    for (const [k, v] of Object.entries(min)) assert.ok((r.features[k] as number) >= v, `${t.id}: ${k} ${r.features[k]} ≥ ${v}`);
    for (const [k, v] of Object.entries(max)) assert.ok((r.features[k] as number) <= v, `${t.id}: ${k} ${r.features[k]} ≤ ${v}`);
    if (genre) assert.equal(genreKey(r.genre ?? ''), genre, `${t.id} genre`);
  }
}

describe('spotify-web-api-node, unmodified, its request builder pointed at 127.0.0.1', () => {
  let api: NodeClient;
  before(() => {
    // spotify-web-api.js calls WebApiRequest.builder(accessToken) on every request; the host, port
    // and scheme it hard-codes come from there. Swap that one function (the module is shared).
    WebApiRequest.builder = (accessToken?: string) =>
      BaseRequest.builder().withHost('127.0.0.1').withPort(port).withScheme('http').withAuth(accessToken);
    api = new SpotifyWebApi({ accessToken: TOKEN });
  });

  test('audio features for one track equal the catalogue', async () => {
    const id = ids[7];
    const r = await api.getAudioFeaturesForTrack(id);
    assert.equal(r.statusCode, 200);
    await assertFeaturesMatch(r.body, id);
  });

  test('audio features for many tracks, an unknown id giving null in its place', async () => {
    const want = [ids[0], ids[100], 'unknownTrackId00000000', ids[900]];
    const r = await api.getAudioFeaturesForTracks(want);
    const list = r.body.audio_features;
    assert.equal(list.length, 4);
    assert.equal(list[2], null);
    for (const i of [0, 1, 3]) await assertFeaturesMatch(list[i]!, want[i]);
  });

  test('recommendations from track seeds, a genre seed and min/max/target knobs meet every constraint', async () => {
    const seeds = tracksOfGenre('pop', 2);
    const min = { energy: 0.5, danceability: 0.4 };
    const max = { tempo: 160 };
    const r = await api.getRecommendations({
      seed_tracks: seeds, seed_genres: ['rock'], min_energy: 0.5, min_danceability: 0.4, max_tempo: 160,
      target_valence: 0.6, target_energy: 0.8, limit: 10, market: 'SE',
    });
    assert.equal(r.statusCode, 200);
    const body = r.body;
    assert.deepEqual(body.seeds.map((s) => [s.type, s.id]), [['TRACK', seeds[0]], ['TRACK', seeds[1]], ['GENRE', 'rock']]);
    for (const s of body.seeds) {
      assert.equal(s.initialPoolSize, rec.table.rowCount);
      assert.ok(s.afterFilteringSize >= body.tracks.length && s.afterFilteringSize < s.initialPoolSize);
      assert.equal(s.afterRelinkingSize, s.afterFilteringSize);
    }
    assert.equal(body.seeds[0].href, `${base}/v1/tracks/${seeds[0]}`);
    assert.equal(body.seeds[2].href, null);
    assert.ok(body.tracks.length >= 5, `${body.tracks.length} tracks`);
    await assertMeets(body.tracks, min, max, 'rock');
    for (const t of body.tracks) {
      assert.ok(!seeds.includes(t.id), 'a seed is not recommended');
      assert.equal(t.type, 'track');
      assert.equal(t.uri, `spotify:track:${t.id}`);
      const stored = await record(t.id);
      assert.equal(t.name, stored.name);
      assert.equal(t.artists[0].name, stored.artist);
      assert.equal(t.album.name, stored.album);
      assert.equal(t.duration_ms, stored.features.duration_ms);
      assert.equal(t.popularity, stored.features.popularity);
      assert.ok(t.moodscape && rec.classes.includes(t.moodscape.mood));
      assert.ok(t.moodscape.why!.some((w) => /min_energy 0\.5/.test(w)), t.moodscape.why!.join(' | '));
    }
    // The client's own methods read the recommended tracks back: features and track objects agree.
    const recIds = body.tracks.map((t) => t.id);
    const af = await api.getAudioFeaturesForTracks(recIds);
    for (const f of af.body.audio_features) {
      assert.ok(f && f.energy >= 0.5 && f.danceability >= 0.4 && f.tempo <= 160);
    }
    const tr = await api.getTracks(recIds);
    assert.deepEqual(tr.body.tracks.map((t) => t?.name), body.tracks.map((t) => t.name));
    const one = await api.getTrack(recIds[0]);
    assert.equal(one.body.id, recIds[0]);
  });

  test('genre seeds come from the catalogue; errors arrive as the client\'s WebapiError with Spotify\'s body', async () => {
    const g = await api.getAvailableGenreSeeds();
    assert.ok(g.body.genres.includes('rock') && g.body.genres.includes('r-n-b') && g.body.genres.includes('hip-hop'));
    await assert.rejects(api.getAudioFeaturesForTrack('unknownTrackId00000000'), (e: { statusCode: number; body: { error: { status: number; message: string } } }) => {
      assert.equal(e.statusCode, 404);
      assert.equal(e.body.error.status, 404);
      return true;
    });
    await assert.rejects(api.getRecommendations({ seed_genres: ['polka'] }), (e: { statusCode: number; body: { error: { message: string } } }) => {
      assert.equal(e.statusCode, 400);
      assert.match(e.body.error.message, /unknown genre seed "polka".*rock/);
      return true;
    });
    const anon = new SpotifyWebApi({ accessToken: 'wrong' });
    await assert.rejects(anon.getAudioFeaturesForTrack(ids[0]), (e: { statusCode: number }) => e.statusCode === 401);
  });
});

describe('@spotify/web-api-ts-sdk, unmodified', () => {
  // `expires` far ahead: the SDK would otherwise try to refresh the token at Spotify after expires_in.
  const accessToken = { access_token: TOKEN, token_type: 'Bearer', expires_in: 3600, refresh_token: '', expires: Number.MAX_SAFE_INTEGER };
  let sdk: SpotifyApi;
  before(() => {
    // A custom fetch that sends Spotify's URLs to this server (no global state touched).
    sdk = SpotifyApi.withAccessToken('moodscape-test', accessToken, {
      fetch: (req: RequestInfo | URL, init?: RequestInit) => fetch(String(req).replace('https://api.spotify.com/', `${base}/`), init),
    });
  });

  test('audio features for one and for many tracks (unknown → null), through its types', async () => {
    const one: AudioFeatures = await sdk.tracks.audioFeatures(ids[3]);
    await assertFeaturesMatch(one, ids[3]);
    const want = [ids[10], 'unknownTrackId00000000', ids[20], ids[30]];
    const many: AudioFeatures[] = await sdk.tracks.audioFeatures(want);
    assert.equal(many.length, 4);
    assert.equal(many[1], null);
    for (const i of [0, 2, 3]) await assertFeaturesMatch(many[i], want[i]);
  });

  test('recommendations with track seeds, a genre seed and min/max/target knobs', async () => {
    const seeds = tracksOfGenre('hip-hop', 1);
    const res: RecommendationsResponse = await sdk.recommendations.get({
      seed_tracks: seeds, seed_genres: ['pop'], min_valence: 0.3, max_acousticness: 0.5, min_popularity: 80, target_danceability: 0.75,
      max_time_signature: 4, min_time_signature: 4, limit: 15, market: 'US',
    });
    assert.deepEqual(res.seeds.map((s: RecommendationSeed) => s.type), ['TRACK', 'GENRE']);
    assert.ok(res.tracks.length >= 5, `${res.tracks.length} tracks`);
    await assertMeets(res.tracks, { valence: 0.3, popularity: 80, time_signature: 4 }, { acousticness: 0.5, time_signature: 4 }, 'pop');
    const t: Track = res.tracks[0];
    const stored = await record(t.id);
    assert.equal(t.name, stored.name);
    assert.equal(t.album.id, stored.extra.track_album_id);
    assert.equal(t.album.release_date, stored.extra.track_album_release_date);
    assert.equal(t.artists[0].type, 'artist');
    assert.match(t.external_urls.spotify, /^https:\/\/open\.spotify\.com\/track\//);
    // The SDK's own track lookup agrees with what recommendations returned.
    const back: Track[] = await sdk.tracks.get(res.tracks.map((x) => x.id));
    assert.deepEqual(back.map((x) => x.id), res.tracks.map((x) => x.id));
    const features = await sdk.tracks.audioFeatures(res.tracks.map((x) => x.id));
    for (const f of features) assert.ok(f.valence >= 0.3 && f.acousticness <= 0.5 && f.time_signature === 4);
    const genres = await sdk.recommendations.genreSeeds();
    assert.ok(genres.genres.includes('pop'));
  });

  test('SpotifyApi.rootUrl works as the base-URL switch too', async () => {
    // `rootUrl` is a public static at run time; the SDK's declarations mark it private.
    const Api = SpotifyApi as unknown as { rootUrl: string };
    const saved = Api.rootUrl;
    try {
      Api.rootUrl = `${base}/v1/`;
      const plain = SpotifyApi.withAccessToken('moodscape-test', { ...accessToken });
      const t = await plain.tracks.get(ids[5]);
      assert.equal(t.id, ids[5]);
      assert.equal(t.name, (await record(ids[5])).name);
    } finally {
      Api.rootUrl = saved;
    }
  });
});

describe('request rules over plain HTTP', () => {
  const get = async (path: string, token: string | null = TOKEN) => {
    const res = await fetch(base + path, { headers: token === null ? {} : { authorization: `Bearer ${token}` } });
    return { status: res.status, body: await res.json() as Record<string, any> };
  };

  test('literal commas, %2C-encoded commas and the trailing-slash form give the same batch', async () => {
    const list = [ids[1], ids[2], ids[3]];
    const a = await get(`/v1/audio-features?ids=${list.join(',')}`);
    const b = await get(`/v1/audio-features?ids=${list.join('%2C')}`);
    const c = await get(`/v1/audio-features/?ids=${list.join(',')}`);
    const d = await get(`/v1/audio-features/?ids=${ids[1]}`);
    assert.equal(a.status, 200);
    assert.deepEqual(a.body, b.body);
    assert.deepEqual(a.body, c.body);
    assert.deepEqual(d.body.audio_features, [a.body.audio_features[0]]);
    const t = await get(`/v1/tracks/?ids=${list.join('%2C')}`);
    assert.deepEqual(t.body.tracks.map((x: { id: string }) => x.id), list);
  });

  test('auth: 401 without or with a wrong token, in Spotify\'s error shape', async () => {
    const none = await get(`/v1/audio-features/${ids[0]}`, null);
    assert.deepEqual(none, { status: 401, body: { error: { status: 401, message: 'No token provided' } } });
    const wrong = await get(`/v1/audio-features/${ids[0]}`, 'nope');
    assert.deepEqual(wrong, { status: 401, body: { error: { status: 401, message: 'Invalid access token' } } });
  });

  test('limits: ≤ 100 ids, 1–5 seeds, limit 1–100, ranges and min ≤ max', async () => {
    const many = Array.from({ length: 101 }, (_, i) => ids[i]).join(',');
    const cases: [string, RegExp][] = [
      [`/v1/audio-features?ids=${many}`, /Too many ids/],
      [`/v1/tracks?ids=${many}`, /Too many ids/],
      ['/v1/audio-features', /Missing ids/],
      [`/v1/audio-features?ids=${ids[0]},,${ids[1]}`, /empty/],
      [`/v1/recommendations?seed_tracks=${ids.slice(0, 4).join(',')}&seed_genres=pop,rock`, /Too many seeds: 6/],
      ['/v1/recommendations?limit=10', /Missing seeds/],
      ['/v1/recommendations?seed_genres=pop&limit=0', /Invalid limit/],
      ['/v1/recommendations?seed_genres=pop&limit=101', /Invalid limit/],
      ['/v1/recommendations?seed_genres=pop&min_energy=2', /min_energy: 2 is outside \[0, 1\]/],
      ['/v1/recommendations?seed_genres=pop&min_energy=abc', /min_energy: "abc" is not a number/],
      ['/v1/recommendations?seed_genres=pop&min_tempo=150&max_tempo=100', /min_tempo\/max_tempo/],
      ['/v1/recommendations?seed_tracks=nosuchtrack', /unknown seed track id "nosuchtrack"/],
      ['/v1/recommendations?seed_artists=nosuchartist', /unknown seed artist/],
      ['/v1/recommendations?seed_moods=nosuchmood', /unknown mood "nosuchmood"/],
      ['/v1/recommendations?seed_genres=pop&min_time_signature=7', /empty pool/],
    ];
    for (const [path, re] of cases) {
      const r = await get(path);
      assert.equal(r.status, 400, `${path}: ${JSON.stringify(r.body)}`);
      assert.equal(r.body.error.status, 400);
      assert.match(r.body.error.message, re, path);
    }
    const five = await get(`/v1/recommendations?seed_tracks=${ids.slice(0, 4).join(',')}&seed_genres=pop&limit=3`);
    assert.equal(five.status, 200, JSON.stringify(five.body));
    const dflt = await get('/v1/recommendations?seed_genres=rock');
    assert.equal(dflt.body.tracks.length, 20);
  });

  test('unknown single ids and unknown /v1 paths are 404 in Spotify\'s shape', async () => {
    const t = await get('/v1/tracks/unknownTrackId00000000');
    assert.equal(t.status, 404);
    assert.equal(t.body.error.status, 404);
    const p = await get('/v1/audio-analysis/' + ids[0]);
    assert.equal(p.status, 404);
    assert.equal(p.body.error.status, 404);
  });

  test('seed_artists by the artist id /v1/tracks reports; moodscape knobs seed_moods, target_mood, context', async () => {
    const tr = await get(`/v1/tracks/${ids[42]}`);
    const artistId: string = tr.body.artists[0].id;
    assert.match(artistId, /^[0-9A-Za-z]{22}$/);
    const byArtist = await get(`/v1/recommendations?seed_artists=${artistId}&limit=5`);
    assert.equal(byArtist.status, 200, JSON.stringify(byArtist.body));
    assert.deepEqual(byArtist.body.seeds.map((s: { type: string; id: string }) => [s.type, s.id]), [['ARTIST', artistId]]);

    const mood = rec.classes[0];
    const byMood = await get(`/v1/recommendations?seed_moods=${encodeURIComponent(mood)}&seed_genres=pop&limit=5`);
    assert.equal(byMood.status, 200, JSON.stringify(byMood.body));
    for (const t of byMood.body.tracks) assert.equal(t.moodscape.mood, mood);

    const ctx = await get(`/v1/recommendations?context=workout&target_mood=${encodeURIComponent(mood)}&limit=5`);
    assert.equal(ctx.status, 200, JSON.stringify(ctx.body));
    await assertMeets(ctx.body.tracks, { energy: 0.65 }, {});
    assert.match(String(ctx.body.moodscape.query.context?.name), /workout \+ target_mood/);
    for (const t of ctx.body.tracks) {
      assert.equal(typeof t.moodscape.score, 'number');
      assert.ok(Object.keys(t.moodscape.probabilities).length === rec.classes.length);
    }
  });

  test('--no-auth opens the surface; a server with no token refuses it (403)', async () => {
    for (const [auth, status] of [[authMode(undefined, true), 200], [authMode(undefined, false), 403]] as const) {
      const other = await serverWith(auth);
      try {
        const res = await other.inject({ method: 'GET', url: `/v1/audio-features/${ids[0]}` });
        assert.equal(res.statusCode, status, res.body);
        if (status === 403) assert.match(res.json().error.message, /MOODSCAPE_TOKEN/);
      } finally {
        await other.close();
      }
    }
  });

  test('beside the native API: its own error shapes, the app\'s security headers, and listed in /openapi.json', async () => {
    const native = await fetch(`${base}/nope`);
    assert.equal(native.status, 404);
    assert.equal((await native.json() as { statusCode: number }).statusCode, 404);
    const health = await fetch(`${base}/health`);
    assert.equal(health.status, 200);
    const v1 = await fetch(`${base}/v1/tracks/${ids[0]}`, { headers: { authorization: `Bearer ${TOKEN}` } });
    assert.equal(v1.headers.get('x-content-type-options'), 'nosniff');
    const trav = await get('/v1/..%2f..%2fetc/passwd');
    assert.equal(trav.status, 404);
    const doc = await (await fetch(`${base}/openapi.json`)).json() as { paths: Record<string, unknown> };
    for (const p of ['/v1/audio-features/{id}', '/v1/audio-features', '/v1/tracks/{id}', '/v1/tracks', '/v1/recommendations', '/v1/recommendations/available-genre-seeds']) {
      assert.ok(doc.paths[p], `${p} in /openapi.json`);
    }
  });

  test('registered with an explicit /v1 prefix it does not double the prefix', async () => {
    const other = Fastify();
    await other.register(spotifySurface(catalogueDeps({ catalogue: () => ({ rec }) }, { kind: 'open' })), { prefix: '/v1' });
    try {
      const res = await other.inject({ method: 'GET', url: `/v1/tracks/${ids[0]}` });
      assert.equal(res.statusCode, 200, res.body);
    } finally {
      await other.close();
    }
  });
});
