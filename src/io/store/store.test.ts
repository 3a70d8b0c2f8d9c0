/**
 * One suite, run against both backends: SQLite (a temp file per test) and PostgreSQL (a private
 * cluster started by test/support/postgres.ts, a fresh database per test). Nothing is skipped when
 * PostgreSQL is missing: the helper fails with what to install.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { TrackTable } from '../../core/data/track-table.ts';
import { InputError } from '../../core/common/errors.ts';
import { openStore, SCHEMA_VERSION, derivedTrackId, type CatalogueStore, type ModelRecord } from './open-store.ts';
import { findPgBin, startPostgres, type PgServer } from '../../../test/support/postgres.ts';
import { BATCH_ROWS } from './postgres-store.ts';
import { importCsv } from './import-csv.ts';

const REQ = ['valence', 'danceability', 'energy', 'acousticness', 'tempo', 'loudness'] as const;

interface Row {
  id?: string;
  name?: string;
  artist?: string;
  genre?: string;
  mood?: string;
  f?: Partial<Record<string, number>>;
}

/** A TrackTable from rows; text columns id/name/artist (+genre, mood when any row has them), REQ features (+ extras seen). */
function table(rows: Row[]): TrackTable {
  const textCols = ['id', 'name', 'artist', ...(['genre', 'mood'] as const).filter((c) => rows.some((r) => r[c] !== undefined))];
  const featureCols = new Set<string>(REQ);
  for (const r of rows) for (const k of Object.keys(r.f ?? {})) featureCols.add(k);
  const text: Record<string, string[]> = {};
  for (const c of textCols) text[c] = rows.map((r) => (r[c as keyof Row] as string | undefined) ?? '');
  const numeric: Record<string, Float64Array> = {};
  for (const c of featureCols) numeric[c] = Float64Array.from(rows.map((r, i) => r.f?.[c] ?? defaultFeature(c, i)));
  return { rowCount: rows.length, text, numeric };
}

function defaultFeature(c: string, i: number): number {
  if (c === 'tempo') return 90 + (i % 60);
  if (c === 'loudness') return -5 - (i % 20);
  if ((REQ as readonly string[]).includes(c)) return ((i * 37) % 100) / 100;
  return NaN;
}

function many(n: number, prefix = 't'): Row[] {
  return Array.from({ length: n }, (_, i) => ({ id: `${prefix}${String(i).padStart(6, '0')}`, name: `Song ${i}`, artist: `Artist ${i % 7}` }));
}

const MODEL: ModelRecord = {
  id: 'm1',
  name: 'first model',
  createdAt: '2024-05-01T10:00:00.000Z',
  classes: ['calm', 'happy', 'sad'],
  path: '/models/m1',
  metrics: { accuracy: 0.8, perClass: { calm: 0.9 } },
};

interface Backend {
  name: string;
  setup(): Promise<void>;
  teardown(): Promise<void>;
  /** The --db value of a new, empty catalogue. */
  freshSpec(): Promise<string>;
}

let tmp = '';
let pgServer: PgServer | undefined;
let counter = 0;

const BACKENDS: Backend[] = [
  {
    name: 'sqlite',
    async setup() {},
    async teardown() {},
    async freshSpec() {
      return join(tmp, `catalogue-${++counter}.db`);
    },
  },
  {
    name: 'postgres',
    async setup() {
      pgServer = await startPostgres();
    },
    async teardown() {
      await pgServer?.stop();
    },
    async freshSpec() {
      return pgServer!.createDatabase();
    },
  },
];

before(() => {
  tmp = mkdtempSync(join(tmpdir(), 'moodscape-store-'));
});
after(() => {
  rmSync(tmp, { recursive: true, force: true });
});

test('derivedTrackId depends only on name, artist and the required features', () => {
  const f = (v: number) => (name: string) => (name === 'tempo' ? 120 : v);
  const a = derivedTrackId('Song', 'Band', f(0.5));
  assert.match(a, /^h_[0-9a-f]{24}$/);
  assert.equal(derivedTrackId('Song', 'Band', f(0.5)), a);
  assert.notEqual(derivedTrackId('Song', 'Band', f(0.6)), a);
  assert.notEqual(derivedTrackId('Song 2', 'Band', f(0.5)), a);
});

test('the PostgreSQL test helper says what to install when the server binaries are missing', () => {
  const saved = process.env.MOODSCAPE_PG_BIN;
  process.env.MOODSCAPE_PG_BIN = join(tmpdir(), 'no-such-postgres-bin');
  try {
    assert.throws(() => findPgBin(), /initdb.*not found.*postgresql-15/s);
  } finally {
    if (saved === undefined) delete process.env.MOODSCAPE_PG_BIN;
    else process.env.MOODSCAPE_PG_BIN = saved;
  }
});

test('openStore: unusable targets are input errors (and passwords stay out of messages)', async () => {
  await assert.rejects(openStore('postgres://someone:s3cret@127.0.0.1:1/x'), (e: unknown) => {
    assert.ok(e instanceof InputError);
    assert.match((e as Error).message, /cannot connect to PostgreSQL at postgres:\/\/someone:\*\*\*@127\.0\.0\.1:1\/x/);
    assert.doesNotMatch((e as Error).message, /s3cret/);
    return true;
  });
  const notDb = join(tmp, 'not-a-db.db');
  writeFileSync(notDb, 'this is not a database, just enough text to fill a header page '.repeat(20));
  await assert.rejects(openStore(notDb), InputError);
  await assert.rejects(openStore(join(tmp, 'no', 'such', 'dir', 'c.db')), InputError);
});

test('a SQLite catalogue written by a newer moodscape (higher schema version) is refused', async () => {
  const file = join(tmp, 'newer.db');
  await (await openStore(file)).close();
  const db = new Database(file);
  db.prepare('INSERT INTO schema_version (version, description, applied_at) VALUES (?, ?, ?)').run(SCHEMA_VERSION + 1, 'future', '2099-01-01');
  db.close();
  await assert.rejects(openStore(file), (e: unknown) => e instanceof InputError && /newer than this moodscape/.test((e as Error).message));
});

for (const backend of BACKENDS) {
  describe(`catalogue store: ${backend.name}`, () => {
    const open: CatalogueStore[] = [];
    async function fresh(): Promise<{ store: CatalogueStore; spec: string }> {
      const spec = await backend.freshSpec();
      const store = await openStore(spec);
      open.push(store);
      return { store, spec };
    }

    before(() => backend.setup());
    after(async () => {
      for (const s of open) await s.close();
      await backend.teardown();
    });

    test('a new store is at the current schema version, and reopening it changes nothing', async () => {
      const { store, spec } = await fresh();
      assert.equal(store.kind, backend.name);
      assert.equal(await store.schemaVersion(), SCHEMA_VERSION);
      await store.upsertTracks(table(many(3)));
      const again = await openStore(spec);
      open.push(again);
      assert.equal(await again.schemaVersion(), SCHEMA_VERSION);
      assert.equal(await again.countTracks(), 3);
    });

    test('upsertTracks inserts, then updates by id; absent columns keep their values, NaN clears', async () => {
      const { store } = await fresh();
      const first = table([
        { id: 'a', name: 'Alpha', artist: 'X', genre: 'pop', mood: 'happy', f: { popularity: 40, valence: 0.9 } },
        { id: 'b', name: 'Beta', artist: 'Y', genre: '', f: { popularity: NaN } },
      ]);
      assert.deepEqual(await store.upsertTracks(first), { inserted: 2, updated: 0 });
      const a = (await store.getTrack('a'))!;
      assert.equal(a.name, 'Alpha');
      assert.equal(a.genre, 'pop');
      assert.equal(a.features.valence, 0.9);
      assert.equal(a.features.popularity, 40);
      assert.equal(a.features.liveness, null);
      assert.deepEqual(a.extra, { mood: 'happy' });
      assert.match(a.updatedAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      assert.equal((await store.getTrack('b'))!.genre, null);
      assert.equal(await store.getTrack('nope'), null);

      // Second batch: no genre/mood/popularity columns, a new liveness column, one new track.
      const second = table([
        { id: 'a', name: 'Alpha (remaster)', artist: 'X', f: { valence: 0.1, liveness: 0.3 } },
        { id: 'c', name: 'Gamma', artist: 'Z', f: { liveness: NaN } },
      ]);
      assert.deepEqual(await store.upsertTracks(second), { inserted: 1, updated: 1 });
      const a2 = (await store.getTrack('a'))!;
      assert.equal(a2.name, 'Alpha (remaster)');
      assert.equal(a2.features.valence, 0.1);
      assert.equal(a2.features.liveness, 0.3);
      assert.equal(a2.features.popularity, 40, 'a column the batch lacks keeps its value');
      assert.equal(a2.genre, 'pop');
      assert.deepEqual(a2.extra, { mood: 'happy' });
      assert.equal(await store.countTracks(), 3);
    });

    test('awkward text round-trips: quotes, backslashes, braces, commas, NULL, unicode, newlines', async () => {
      const { store } = await fresh();
      const names = ['He said "hi", {x}\\', 'NULL', 'Beyoncé — ☕', 'line\nbreak', ' padded '];
      await store.upsertTracks(table(names.map((name, i) => ({ id: `w${i}`, name, artist: name, mood: name }))));
      for (let i = 0; i < names.length; i++) {
        const t = (await store.getTrack(`w${i}`))!;
        assert.equal(t.name, names[i]);
        assert.equal(t.artist, names[i]);
        assert.deepEqual(t.extra, { mood: names[i] });
      }
      assert.deepEqual((await store.loadCatalog()).text.name, names);
      assert.deepEqual((await store.listTracks({ q: '"HI"' })).items.map((t) => t.id), ['w0']);
    });

    test('tracks without an id get a stable derived id; a repeated id in one batch keeps the last row', async () => {
      const { store } = await fresh();
      const rows: Row[] = [{ name: 'No Id', artist: 'Anon' }, { id: 'dup', name: 'first' }, { id: 'dup', name: 'second' }];
      assert.deepEqual(await store.upsertTracks(table(rows)), { inserted: 2, updated: 0 });
      assert.equal((await store.getTrack('dup'))!.name, 'second');
      const t = table(rows);
      const id = derivedTrackId('No Id', 'Anon', (f) => t.numeric[f][0]);
      assert.equal((await store.getTrack(id))!.name, 'No Id');
      // Importing the same id-less track again updates it rather than adding a copy.
      assert.deepEqual(await store.upsertTracks(table([rows[0]])), { inserted: 0, updated: 1 });
      assert.equal(await store.countTracks(), 2);
    });

    test('a batch that fails on a late row leaves the store exactly as it was', async () => {
      const { store } = await fresh();
      const seed = many(10);
      await store.upsertTracks(table(seed));
      const before = await store.loadCatalog();
      // Longer than two PostgreSQL batches; the bad row comes after earlier batches were sent.
      const n = 2 * BATCH_ROWS + 500;
      const rows = many(n).map((r, i) => (i === 3 ? { ...r, name: 'changed' } : r));
      rows[n - 3] = { ...rows[n - 3], f: { valence: 5 } }; // violates the 0..1 range check
      await assert.rejects(store.upsertTracks(table(rows)), (e: unknown) => e instanceof InputError && /valence|check/i.test((e as Error).message));
      assert.equal(await store.countTracks(), 10);
      assert.deepEqual(await store.loadCatalog(), before);
      assert.equal((await store.getTrack('t000003'))!.name, 'Song 3');
    });

    test('loadCatalog returns every track as a TrackTable ordered by id', async () => {
      const { store } = await fresh();
      await store.upsertTracks(
        table([
          { id: 'z', name: 'Zed', artist: 'Q', mood: 'sad', f: { mode: 1 } },
          { id: 'a', name: 'Ay', artist: 'P' },
          { id: 'm', name: 'Em', artist: 'R', f: { mode: NaN } },
        ]),
      );
      const cat = await store.loadCatalog();
      assert.equal(cat.rowCount, 3);
      assert.deepEqual(cat.text.id, ['a', 'm', 'z']);
      assert.deepEqual(cat.text.name, ['Ay', 'Em', 'Zed']);
      assert.deepEqual(cat.text.album, ['', '', '']);
      assert.deepEqual(cat.text.mood, ['', '', 'sad']);
      assert.deepEqual(Object.keys(cat.numeric).sort(), [...REQ, 'mode'].sort(), 'features nobody has are left out');
      assert.ok(Number.isNaN(cat.numeric.mode[0]) && Number.isNaN(cat.numeric.mode[1]));
      assert.equal(cat.numeric.mode[2], 1);
      assert.equal(cat.numeric.tempo[0], 91); // row 1 of the input
      const empty = (await fresh()).store;
      assert.deepEqual(await empty.loadCatalog(), { rowCount: 0, numeric: {}, text: { id: [], name: [], artist: [], album: [], genre: [] } });
    });

    test('models: register, current model, unknown ids', async () => {
      const { store } = await fresh();
      assert.equal(await store.getCurrentModel(), null);
      await store.registerModel(MODEL);
      await store.registerModel({ ...MODEL, id: 'm2', createdAt: '2024-06-01T00:00:00.000Z', metrics: null });
      assert.deepEqual(await store.getModel('m1'), MODEL);
      await assert.rejects(store.setCurrentModel('nope'), InputError);
      await assert.rejects(store.registerModel({ ...MODEL, id: 'bad', createdAt: 'yesterday' }), InputError);
      await assert.rejects(store.registerModel({ ...MODEL, id: 'bad', classes: [] }), InputError);
      await store.registerModel({ ...MODEL, id: 'm3', createdAt: '2024-07-01T12:00:00+02:00' });
      assert.equal((await store.getModel('m3'))!.createdAt, '2024-07-01T10:00:00.000Z', 'createdAt is normalised to UTC');
      assert.deepEqual((await store.listModels()).map((m) => m.id), ['m1', 'm2', 'm3']);
      await store.setCurrentModel('m2');
      assert.equal((await store.getCurrentModel())!.id, 'm2');
      await store.setCurrentModel('m1');
      assert.deepEqual(await store.getCurrentModel(), MODEL);
    });

    test('tags: upsert per model, untagged ids, lookups, and all-or-nothing on bad rows', async () => {
      const { store } = await fresh();
      await store.upsertTracks(table(many(5)));
      await store.registerModel(MODEL);
      await assert.rejects(store.writeTags('nope', []), InputError);
      assert.deepEqual(await store.untaggedTrackIds('m1'), ['t000000', 't000001', 't000002', 't000003', 't000004']);
      const p = { calm: 0.7, happy: 0.2, sad: 0.1 };
      await store.writeTags('m1', [
        { trackId: 't000001', label: 'calm', confidence: 0.7, probabilities: p },
        { trackId: 't000003', label: 'sad', confidence: 0.5, probabilities: { calm: 0.2, happy: 0.3, sad: 0.5 } },
      ]);
      assert.deepEqual(await store.untaggedTrackIds('m1'), ['t000000', 't000002', 't000004']);
      // Re-tagging overwrites.
      await store.writeTags('m1', [{ trackId: 't000003', label: 'happy', confidence: 0.6, probabilities: { calm: 0.1, happy: 0.6, sad: 0.3 } }]);
      const tags = await store.getTags('m1');
      assert.deepEqual(tags.map((t) => [t.trackId, t.label, t.confidence]), [['t000001', 'calm', 0.7], ['t000003', 'happy', 0.6]]);
      assert.deepEqual(tags[0].probabilities, p);
      assert.equal(tags[0].modelId, 'm1');
      assert.deepEqual((await store.getTags('m1', ['t000003', 't000004'])).map((t) => t.trackId), ['t000003']);
      assert.deepEqual(await store.getTags('m1', []), []);

      // An unknown track in the middle of a batch: nothing of the batch is written.
      await assert.rejects(
        store.writeTags('m1', [
          { trackId: 't000000', label: 'calm', confidence: 0.9, probabilities: p },
          { trackId: 'ghost', label: 'calm', confidence: 0.9, probabilities: p },
        ]),
        (e: unknown) => e instanceof InputError && /ghost/.test((e as Error).message),
      );
      await assert.rejects(store.writeTags('m1', [{ trackId: 't000000', label: 'angry', confidence: 0.9, probabilities: p }]), InputError);
      assert.deepEqual(await store.untaggedTrackIds('m1'), ['t000000', 't000002', 't000004']);
    });

    test('listTracks: substring search, paging, mood filter through the current model', async () => {
      const { store } = await fresh();
      await store.upsertTracks(
        table([
          { id: 'a', name: 'Blue Monday', artist: 'New Order' },
          { id: 'b', name: 'Yellow', artist: 'Coldplay' },
          { id: 'c', name: 'Kind of Blue', artist: 'Miles Davis' },
          { id: 'd', name: 'Song 2', artist: 'Blur' },
          { id: 'e', name: '100%_sure', artist: 'X' },
        ]),
      );
      const ids = async (q: Parameters<CatalogueStore['listTracks']>[0]) => (await store.listTracks(q)).items.map((t) => t.id);
      assert.deepEqual(await ids({ q: 'BLU' }), ['a', 'c', 'd']);
      assert.deepEqual(await ids({ q: 'coldPLAY' }), ['b']);
      assert.deepEqual(await ids({ q: '%_' }), ['e'], 'LIKE wildcards are literal');
      const page = await store.listTracks({ limit: 2, offset: 1 });
      assert.equal(page.total, 5);
      assert.deepEqual(page.items.map((t) => t.id), ['b', 'c']);
      assert.equal(page.items[0].tag, undefined);
      await assert.rejects(store.listTracks({ mood: 'calm' }), InputError, 'a mood filter needs a model');
      await assert.rejects(store.listTracks({ limit: -1 }), InputError);

      await store.registerModel(MODEL);
      await store.setCurrentModel('m1');
      const pr = { calm: 0.5, happy: 0.3, sad: 0.2 };
      await store.writeTags('m1', [
        { trackId: 'a', label: 'calm', confidence: 0.5, probabilities: pr },
        { trackId: 'c', label: 'calm', confidence: 0.9, probabilities: pr },
        { trackId: 'd', label: 'happy', confidence: 0.8, probabilities: pr },
      ]);
      const calm = await store.listTracks({ mood: 'calm' });
      assert.equal(calm.total, 2);
      assert.deepEqual(calm.items.map((t) => [t.id, t.tag?.label, t.tag?.confidence]), [['c', 'calm', 0.9], ['a', 'calm', 0.5]], 'most confident first');
      assert.deepEqual(await ids({ mood: 'calm', q: 'monday' }), ['a']);
      const all = await store.listTracks({});
      assert.deepEqual(all.items.map((t) => t.tag?.label ?? null), ['calm', null, 'calm', 'happy', null]);
      await store.registerModel({ ...MODEL, id: 'm2' });
      assert.deepEqual(await ids({ mood: 'calm', modelId: 'm2' }), []);
    });

    test('feedback: users are created on first use; unknown tracks and kinds are rejected', async () => {
      const { store } = await fresh();
      await store.upsertTracks(table(many(3)));
      await store.addFeedback('ana', 't000002', 'like');
      await store.addFeedback('ana', 't000000', 'skip');
      await store.addFeedback('bo', 't000000', 'like');
      const fb = await store.getFeedback('ana');
      assert.deepEqual(fb.map((f) => [f.user, f.trackId, f.kind]), [['ana', 't000002', 'like'], ['ana', 't000000', 'skip']]);
      assert.match(fb[0].createdAt, /Z$/);
      assert.deepEqual(await store.getFeedback('nobody'), []);
      await assert.rejects(store.addFeedback('ana', 'ghost', 'like'), (e: unknown) => e instanceof InputError && /ghost/.test((e as Error).message));
      await assert.rejects(store.addFeedback('ana', 't000001', 'love' as 'like'), InputError);
      await assert.rejects(store.addFeedback('', 't000001', 'like'), InputError);
      assert.equal((await store.getFeedback('ana')).length, 2);
    });

    test('relabels: a mood per correction, the latest per track wins across users; a relabel needs a mood and a like takes none', async () => {
      const { store } = await fresh();
      await store.upsertTracks(table(many(3)));
      await store.addFeedback('ana', 't000001', 'relabel', 'Calm');
      await store.addFeedback('ana', 't000002', 'like');
      await store.addFeedback('bo', 't000001', 'relabel', 'Sad');
      await store.addFeedback('bo', 't000000', 'relabel', 'Happy');
      assert.deepEqual((await store.getCorrections()).map((c) => [c.trackId, c.mood, c.user]), [['t000000', 'Happy', 'bo'], ['t000001', 'Sad', 'bo']]);
      assert.deepEqual((await store.getFeedback('ana')).map((f) => [f.kind, f.mood ?? null]), [['relabel', 'Calm'], ['like', null]]);
      await assert.rejects(store.addFeedback('ana', 't000001', 'relabel'), (e: unknown) => e instanceof InputError && /mood/.test((e as Error).message));
      await assert.rejects(store.addFeedback('ana', 't000001', 'like', 'Calm'), InputError);
      await assert.rejects(store.addFeedback('ana', 'ghost', 'relabel', 'Calm'), InputError);
      assert.equal((await store.getCorrections()).length, 2);
    });

    test('playlists: save, get in order, list per user; a bad track id saves nothing', async () => {
      const { store } = await fresh();
      await store.upsertTracks(table(many(4)));
      const query = { mood: 'calm', knobs: { energy: 0.2 } };
      const p1 = await store.savePlaylist({ name: 'evening', user: 'ana', query, trackIds: ['t000003', 't000001', 't000002'] });
      assert.equal(typeof p1.id, 'number');
      assert.deepEqual(p1.trackIds, ['t000003', 't000001', 't000002']);
      assert.deepEqual(p1.query, query);
      assert.equal(p1.user, 'ana');
      const p2 = await store.savePlaylist({ name: 'anon', query: null, trackIds: [] });
      assert.equal(p2.user, null);
      assert.deepEqual(await store.getPlaylist(p1.id), p1);
      assert.equal(await store.getPlaylist(9999), null);
      assert.deepEqual((await store.listPlaylists()).map((p) => [p.name, p.trackCount]), [['anon', 0], ['evening', 3]]);
      assert.deepEqual((await store.listPlaylists('ana')).map((p) => p.id), [p1.id]);
      await assert.rejects(store.savePlaylist({ name: 'bad', user: 'cy', query, trackIds: ['t000000', 'ghost'] }), InputError);
      assert.equal((await store.listPlaylists()).length, 2);
      assert.deepEqual(await store.listPlaylists('cy'), []);
    });

    describe('moodscape import', () => {
      const csv = (name: string, text: string) => {
        const file = join(tmp, name);
        writeFileSync(file, text);
        return file;
      };
      const header = 'id,name,artist,valence,danceability,energy,acousticness,tempo,loudness,mood\n';
      const good = csv(
        `good-${backend.name}.csv`,
        header + 'a1,One,X,0.5,0.5,0.5,0.5,120,-6,happy\n' + 'a2,Two,Y,0.1,0.2,0.3,0.4,90,-10,sad\n' + ',Three,Z,0.2,0.2,0.2,0.2,100,-8,calm\n',
      );
      const bad = csv(`bad-${backend.name}.csv`, header + 'a1,One,X,0.9,0.5,0.5,0.5,120,-6,happy\n' + 'a3,Bad,Q,7,0.5,0.5,0.5,120,-6,happy\n');

      test('imports a CSV (JSON summary), re-imports as updates, and a bad CSV exits 2 with nothing imported', async () => {
        const spec = await backend.freshSpec();
        const r1 = await runImport([good, '--db', spec, '--json']);
        assert.equal(r1.code, 0, r1.stderr);
        const s1 = JSON.parse(r1.stdout);
        assert.deepEqual([s1.inserted, s1.updated, s1.total, s1.rowsRead], [3, 0, 3, 3]);

        const r2 = await runImport([good, '--db', spec]);
        assert.equal(r2.code, 0, r2.stderr);
        assert.match(r2.stdout, /imported 3 tracks .*: 0 new, 3 updated \(3 in the catalogue/);

        const r3 = await runImport([bad, '--db', spec, '--json']);
        assert.equal(r3.code, 2);
        assert.equal(r3.stdout, '');
        assert.match(r3.stderr, /^moodscape: .*valence/m);
        const store = await openStore(spec);
        open.push(store);
        assert.equal(await store.countTracks(), 3);
        assert.equal((await store.getTrack('a1'))!.features.valence, 0.5, 'the bad file changed nothing');
        assert.equal(await store.getTrack('a3'), null);
        assert.deepEqual((await store.getTrack('a1'))!.extra, { mood: 'happy' });
      });

      test('importCsv (the function behind the command) works with default options', async () => {
        const spec = await backend.freshSpec();
        const { summary, report } = await importCsv(good, spec);
        assert.deepEqual([summary.inserted, summary.updated, summary.total], [3, 0, 3]);
        assert.equal(report.rowsKept, 3);
      });

      if (backend.name === 'sqlite') {
        test('a bad CSV does not even create the database file; a missing file exits 2', async () => {
          const spec = join(tmp, 'never.db');
          const r = await runImport([bad, '--db', spec]);
          assert.equal(r.code, 2);
          assert.equal(existsSync(spec), false);
          const r2 = await runImport([join(tmp, 'missing.csv'), '--db', spec]);
          assert.equal(r2.code, 2);
          assert.match(r2.stderr, /not found/);
          const r3 = await runImport([good, '--db', spec, '--missing', 'guess']);
          assert.equal(r3.code, 2);
          assert.match(r3.stderr, /--missing must be one of/);
          assert.equal(existsSync(spec), false);
        });

        test('repeated ids: the first row is kept by default, --unique-ids makes them an error', async () => {
          const dup = csv('dup.csv', header + 'a1,One,X,0.5,0.5,0.5,0.5,120,-6,happy\n' + 'a1,Again,X,0.5,0.5,0.5,0.5,120,-6,sad\n');
          const spec = join(tmp, 'dup.db');
          const r = await runImport([dup, '--db', spec, '--json']);
          assert.equal(r.code, 0, r.stderr);
          assert.deepEqual(
            (({ inserted, updated, duplicates }) => ({ inserted, updated, duplicates }))(JSON.parse(r.stdout)),
            { inserted: 1, updated: 0, duplicates: 1 },
          );
          const r2 = await runImport([dup, '--db', join(tmp, 'dup2.db'), '--unique-ids']);
          assert.equal(r2.code, 2);
          assert.equal(existsSync(join(tmp, 'dup2.db')), false);
        });
      }
    });
  });
}

/** Runs the import command in a child process, through a program holding only that command. */
function runImport(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const script = `
    import { Command } from 'commander';
    import { registerImport } from ${JSON.stringify(new URL('../../app/cli/commands/import.ts', import.meta.url).href)};
    const program = new Command('moodscape').exitOverride();
    registerImport(program);
    try { await program.parseAsync(['import', ...JSON.parse(process.argv[1])], { from: 'user' }); } catch { process.exitCode = 2; }
  `;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, JSON.stringify(args)], {
      cwd: new URL('../../..', import.meta.url).pathname,
      env: { ...process.env, CI: '1' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}
