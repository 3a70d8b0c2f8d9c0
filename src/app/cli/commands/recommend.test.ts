/**
 * The recommender on a real catalogue (tidytuesday, from ../shared/data) and the recommend,
 * contexts, feedback and evaluate-recs commands end to end.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  BUILTIN_CONTEXTS, buildRecCatalog, diversityViolations, recommend, type RecCatalog,
} from '../../../core/recommend/index.ts';
import { stubTagger } from '../../../../test/support/recommend-fixtures.ts';
import { readTracksCsv } from '../../../io/csv/read-tracks.ts';
import { parseM3u, toM3u } from '../../../io/playlist-export.ts';
import { registerTrain } from './train.ts';
import { registerRecommend } from './recommend.ts';
import { registerContexts } from './contexts.ts';
import { registerFeedback } from './feedback.ts';
import { registerEvaluateRecs } from './evaluate-recs.ts';
import { runInProcess } from '../../../../test/support/in-process-cli.ts';

const DATA = resolve(process.cwd(), '../shared/data');
const DATA_DIR = DATA;
const TIDY = join(DATA_DIR, 'catalogues/tidytuesday_spotify_songs.csv');
const MOODS = join(DATA_DIR, 'mood_labelled/data_moods.csv');
const BDIZON = join(DATA_DIR, 'mood_labelled/bdizon_playlist_moods_angry_happy_sad.csv');
const haveData = existsSync(TIDY) && existsSync(MOODS);

describe('recommender on the tidytuesday catalogue (stub tagger)', { skip: !haveData && 'shared data not found' }, () => {
  let catalog: RecCatalog;
  before(async () => {
    const { table } = await readTracksCsv(TIDY);
    catalog = buildRecCatalog(table, stubTagger);
  });

  it('every context: constraints hold for every returned track, artist cap holds', () => {
    for (const ctx of BUILTIN_CONTEXTS) {
      const res = recommend(catalog, { context: ctx.name });
      assert.equal(res.tracks.length, 20, ctx.name);
      assert.deepEqual(diversityViolations(catalog.table, res.rows), [], ctx.name);
      for (const t of res.tracks) {
        for (const [k, v] of Object.entries(ctx.min ?? {})) if (k in t) assert.ok((t[k] as number) >= v, `${ctx.name} ${t.id} ${k}`);
        for (const [k, v] of Object.entries(ctx.max ?? {})) if (k in t) assert.ok((t[k] as number) <= v, `${ctx.name} ${t.id} ${k}`);
        if (ctx.tempoBands) assert.ok(ctx.tempoBands.some(([a, b]) => (t.tempo as number) >= a && (t.tempo as number) <= b));
        for (const p of ctx.excludeMoods ?? []) assert.ok(!new RegExp(p, 'i').test(t.mood));
        assert.ok(t.why.length >= 3);
      }
    }
  });

  it('seeds are never returned; arcs are monotone where the spec is; M3U round-trips', () => {
    const seeds = catalog.table.text.id.slice(100, 103);
    const res = recommend(catalog, { seeds, limit: 30 });
    for (const t of res.tracks) assert.ok(!seeds.includes(t.id));
    const arc = recommend(catalog, { arc: 'calm-to-energetic', limit: 25 });
    const e = arc.tracks.map((t) => t.energy as number);
    for (let i = 1; i < e.length; i++) assert.ok(e[i] >= e[i - 1]);
    assert.ok(arc.arc!.monotone.every((m) => m.holds));
    const back = parseM3u(toM3u(arc));
    assert.deepEqual(back.map((b) => [b.artist, b.title, b.location]), arc.tracks.map((t) => [t.artist, t.name, `spotify:track:${t.id}`]));
  });
});

const run = (args: string[]) => runInProcess([registerTrain, registerRecommend, registerContexts, registerFeedback, registerEvaluateRecs], args);

describe('recommend commands', { skip: !haveData && 'shared data not found' }, () => {
  let dir: string;
  let model: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'moodscape-rec-'));
    model = join(dir, 'model');
    const r = await run(['train', MOODS, '--label', 'mood', '--cv', '0', '--epochs', '10', '--out', model, '--quiet', '--json']);
    assert.equal(r.code, 0, r.out);
  });
  after(async () => { await rm(dir, { recursive: true, force: true }); });

  it('recommend --json has the documented shape; bad input exits 2', async () => {
    const r = await run(['recommend', MOODS, '--model', model, '--context', 'study', '--limit', '8', '--json', '--quiet']);
    assert.equal(r.code, 0, r.out);
    const j = JSON.parse(r.out);
    assert.equal(j.tracks.length, 8);
    for (const k of ['id', 'name', 'artist', 'mood', 'confidence', 'score', 'why', 'energy']) assert.ok(k in j.tracks[0], k);
    assert.equal(j.pool.initial, 686);
    assert.equal(j.query.context.name, 'focus');
    for (const bad of [['--mood', 'joyful'], ['--context', 'gym'], ['--seed', 'nope'], ['--mood', 'Sad', '--limit', '0'], ['--mood', 'Sad', '--min-energy', '0.9', '--max-energy', '0.1'], ['--target-energy', '3'], ['--mood', 'Calm', '--min-energy', '0.99']]) {
      const b = await run(['recommend', MOODS, '--model', model, '--quiet', ...bad]);
      assert.equal(b.code, 2, `${bad.join(' ')} → ${b.out}`);
      assert.match(b.out, /^moodscape: /);
    }
  });

  it('--index ivf builds the index beside the catalogue once, then loads it; an unknown kind exits 2', async () => {
    const cat = join(dir, 'moods.csv');
    await copyFile(MOODS, cat);
    const args = ['recommend', cat, '--model', model, '--mood', 'Happy', '--limit', '5', '--index', 'ivf'];
    const first = await run(args);
    assert.equal(first.code, 0, first.out);
    assert.match(first.out, /built IVF index \(no index beside the catalogue\)/);
    assert.ok(existsSync(`${cat}.ivf`));
    const second = await run(args);
    assert.equal(second.code, 0, second.out);
    assert.match(second.out, /loaded IVF index/);
    const bad = await run(['recommend', cat, '--model', model, '--mood', 'Happy', '--index', 'annoy']);
    assert.equal(bad.code, 2);
    assert.match(bad.out, /--index must be auto, exact, ivf or hnsw/);
  });

  it('feedback shifts a user\'s targets, explained in why; m3u export to a file', async () => {
    const store = join(dir, 'taste.json');
    const { table } = await readTracksCsv(MOODS);
    const ids = table.text.id.slice(0, 2);
    const fb = await run(['feedback', MOODS, '--user', 'ana', '--like', ids[0], '--skip', ids[1], '--taste-store', store, '--quiet', '--json']);
    assert.equal(fb.code, 0, fb.out);
    assert.equal(JSON.parse(fb.out).likes, 1);
    const out = join(dir, 'list.m3u');
    const r = await run(['recommend', MOODS, '--model', model, '--mood', 'happy', '--user', 'ana', '--taste-store', store, '--format', 'm3u', '--out', out, '--quiet']);
    assert.equal(r.code, 0, r.out);
    const m3u = parseM3u(await readFile(out, 'utf8'));
    assert.equal(m3u.length, 20);
    assert.ok(!m3u.some((e) => e.location.endsWith(ids[1])), 'skipped track not returned');
    const j = JSON.parse((await run(['recommend', MOODS, '--model', model, '--mood', 'happy', '--user', 'ana', '--taste-store', store, '--json', '--quiet'])).out);
    assert.equal(j.query.user, 'ana');
    if (j.query.tasteShifts.length) assert.ok(j.tracks[0].why.some((w: string) => w.startsWith('taste of ana')));
  });

  it('contexts lists the presets; evaluate-recs reports k = 10 and 20', async () => {
    const c = await run(['contexts']);
    for (const name of ['workout', 'running', 'focus', 'commute', 'relax', 'sleep', 'party', 'dinner', 'calm-to-energetic']) assert.ok(c.out.includes(name), name);
    const e = await run(['evaluate-recs', BDIZON, '--model', model, '--label', 'mood', '--map', 'Energetic=angry', '--json', '--quiet']);
    assert.equal(e.code, 0, e.out);
    const rep = JSON.parse(e.out);
    assert.deepEqual(rep.summary.map((s: { k: number }) => s.k), [10, 20]);
    assert.ok(rep.summary[0].precision > rep.summary[0].baseRate);
  });
});
