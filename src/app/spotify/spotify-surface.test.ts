import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateCatalogue } from '../../core/generator/generate.ts';
import { encodeLabels, MoodClassifier } from '../../core/classify/mood-classifier.ts';
import { buildRecCatalog, type RecCatalog } from '../../core/recommend/index.ts';
import { InputError } from '../../core/common/errors.ts';
import { catalogueIndex, derivedId, genreKey, recommendOver, subCatalog, surfaceTrack } from './catalogue-deps.ts';
import { SpotifyError } from './errors.ts';
import { commaList, parseIds, parseRecommendationsQuery } from './params.ts';
import type { SurfaceRecQuery } from './types.ts';

let cached: RecCatalog | undefined;
function catalogue(): RecCatalog {
  if (cached) return cached;
  const table = generateCatalogue({ tracks: 1500, seed: 3, labelled: true });
  const model = new MoodClassifier({ classifierOptions: { epochs: 3 } }).fit(table, encodeLabels(table.text.mood));
  return (cached = buildRecCatalog(table, model));
}

const query = (q: Partial<SurfaceRecQuery>): SurfaceRecQuery => ({
  seedTracks: [], seedArtists: [], seedGenres: [], seedMoods: [], limit: 10, min: {}, max: {}, target: {}, ...q,
});

test('genre keys follow Spotify\'s seed spelling', () => {
  assert.equal(genreKey('R&B'), 'r-n-b');
  assert.equal(genreKey(' Hip Hop '), 'hip-hop');
  assert.equal(genreKey('hip-hop'), 'hip-hop');
  assert.equal(genreKey('J-Pop'), 'j-pop');
  assert.equal(genreKey('Música Popular'), 'música-popular');
});

test('derived artist/album ids are stable 22-character base-62 ids, case-insensitive in the name', () => {
  const a = derivedId('artist', 'Heart');
  assert.match(a, /^[0-9A-Za-z]{22}$/);
  assert.equal(derivedId('artist', ' heart'), a);
  assert.notEqual(derivedId('album', 'Heart'), a);
});

test('comma lists and id batches: empty items, 100 ids, repeated parameters', () => {
  assert.deepEqual(commaList('ids', 'a, b,c'), ['a', 'b', 'c']);
  assert.deepEqual(commaList('ids', ['a', 'b']), ['a', 'b']);
  assert.deepEqual(commaList('ids', undefined), []);
  assert.throws(() => commaList('ids', 'a,,b'), (e: SpotifyError) => e.status === 400 && /item 2/.test(e.message));
  assert.equal(parseIds(Array.from({ length: 100 }, (_, i) => `t${i}`).join(',')).length, 100);
  assert.throws(() => parseIds(Array.from({ length: 101 }, (_, i) => `t${i}`).join(',')), /Too many ids requested: 101/);
  assert.throws(() => parseIds(''), /Missing ids/);
});

test('recommendations query: seeds, limit, knobs with ranges; market and unknown parameters ignored', () => {
  const q = parseRecommendationsQuery({
    seed_tracks: 'a,b', seed_genres: 'pop', limit: '7', min_energy: '0.4', target_tempo: '120', max_time_signature: '4', market: 'SE', foo: 'bar',
  });
  assert.deepEqual(q.seedTracks, ['a', 'b']);
  assert.equal(q.limit, 7);
  assert.deepEqual(q.min, { energy: 0.4 });
  assert.deepEqual(q.target, { tempo: 120 });
  assert.deepEqual(q.max, { time_signature: 4 });
  assert.equal(parseRecommendationsQuery({ seed_genres: 'pop' }).limit, 20);
  assert.throws(() => parseRecommendationsQuery({ seed_genres: 'a,b,c', seed_tracks: 'x,y,z' }), /Too many seeds: 6/);
  assert.throws(() => parseRecommendationsQuery({}), /Missing seeds/);
  assert.throws(() => parseRecommendationsQuery({ seed_genres: 'pop', limit: '2.5' }), /Invalid limit/);
  assert.throws(() => parseRecommendationsQuery({ seed_genres: 'pop', max_time_signature: '9' }), /outside \[0, 7\]/);
  assert.doesNotThrow(() => parseRecommendationsQuery({ context: 'workout' }));
});

test('genre seeds filter by the catalogue\'s genre; alone they aim at the genre\'s average sound', () => {
  const cat = catalogue();
  const idx = catalogueIndex(cat);
  const g = idx.genres[0];
  const r = recommendOver(cat, idx, query({ seedGenres: [g.toUpperCase()] }), []);
  assert.ok(r.tracks.length > 0);
  for (const t of r.tracks) assert.equal(genreKey(t.genre ?? ''), g);
  assert.match(r.warnings[0], /genre seeds alone: aiming at the average/);
  assert.deepEqual(r.seeds.map((s) => [s.type, s.id]), [['GENRE', g]]);
  assert.throws(() => recommendOver(cat, idx, query({ seedGenres: ['polka-metal'] }), []), (e: InputError) => e instanceof InputError && e.message.includes(idx.genres.join(', ')));
});

test('a genre seed with a min_ above the genre average still answers, inside the bounds', () => {
  const cat = catalogue();
  const idx = catalogueIndex(cat);
  const energy = cat.table.numeric.energy;
  // A genre whose average energy is below 0.75 but which has tracks above it.
  const g = idx.genres.find((genre) => {
    let sum = 0, n = 0, above = 0;
    for (let r = 0; r < cat.table.rowCount; r++) if (idx.genreOf[r] === genre) { sum += energy[r]; n++; if (energy[r] >= 0.75) above++; }
    return n > 0 && sum / n < 0.75 && above >= 3;
  });
  assert.ok(g, 'the fixture has such a genre');
  const r = recommendOver(cat, idx, query({ seedGenres: [g!], min: { energy: 0.75 } }), []);
  assert.ok(r.tracks.length > 0);
  for (const t of r.tracks) assert.ok((t.features.energy ?? -1) >= 0.75, `energy ${t.features.energy}`);
});

test('seed tracks outside the genre stay usable as seeds and are never returned', () => {
  const cat = catalogue();
  const idx = catalogueIndex(cat);
  const [g1, g2] = idx.genres;
  const seedRow = idx.genreOf.indexOf(g1);
  const seed = cat.table.text.id[seedRow];
  const r = recommendOver(cat, idx, query({ seedTracks: [seed], seedGenres: [g2], limit: 5 }), []);
  assert.ok(r.tracks.length > 0);
  for (const t of r.tracks) { assert.notEqual(t.id, seed); assert.equal(genreKey(t.genre ?? ''), g2); }
  assert.ok(r.tracks.every((t) => t.reasons.why.some((w) => w.includes('close to seed'))));
});

test('time_signature: min/max filter, target keeps that bar count; artists seed by id or by name', () => {
  const cat = catalogue();
  const idx = catalogueIndex(cat);
  const r = recommendOver(cat, idx, query({ seedMoods: [cat.classes[0]], target: { time_signature: 3 }, limit: 5 }), []);
  for (const t of r.tracks) assert.equal(t.features.time_signature, 3);
  const m = recommendOver(cat, idx, query({ seedMoods: [cat.classes[0]], min: { time_signature: 4 }, max: { time_signature: 4 }, limit: 5 }), []);
  for (const t of m.tracks) assert.equal(t.features.time_signature, 4);

  const artist = cat.table.text.artist[0];
  const byName = recommendOver(cat, idx, query({ seedArtists: [artist], limit: 3 }), []);
  const byId = recommendOver(cat, idx, query({ seedArtists: [derivedId('artist', artist)], limit: 3 }), []);
  assert.deepEqual(byName.tracks.map((t) => t.id), byId.tracks.map((t) => t.id));
  assert.equal(byId.seeds[0].id, derivedId('artist', artist));
  assert.throws(() => recommendOver(cat, idx, query({ seedArtists: ['Nobody At All'] }), []), /unknown seed artist/);
});

test('target_mood prefers a mood without filtering; combined with a context it keeps the context\'s rules', () => {
  const cat = catalogue();
  const idx = catalogueIndex(cat);
  const mood = cat.classes[1];
  const r = recommendOver(cat, idx, query({ targetMood: mood, limit: 10 }), []);
  assert.equal(r.tracks.length, 10);
  const share = r.tracks.filter((t) => t.reasons.mood === mood).length;
  assert.ok(share >= 5, `${share} of 10 tracks are ${mood}`);
  const w = recommendOver(cat, idx, query({ context: 'workout', targetMood: mood, limit: 5 }), []);
  for (const t of w.tracks) assert.ok((t.features.energy ?? 0) >= 0.65);
  assert.throws(() => recommendOver(cat, idx, query({ targetMood: 'no-such-mood' }), []), /unknown mood/);
});

test('subCatalog keeps rows, probabilities and the scaled space aligned', () => {
  const cat = catalogue();
  const rows = Int32Array.from([5, 0, 42]);
  const sub = subCatalog(cat, rows);
  assert.equal(sub.table.rowCount, 3);
  assert.equal(sub.table.text.id[2], cat.table.text.id[42]);
  assert.deepEqual([...sub.proba.data.subarray(0, cat.proba.cols)], [...cat.proba.data.subarray(5 * cat.proba.cols, 6 * cat.proba.cols)]);
  assert.deepEqual([...sub.scaled.subarray(2 * cat.dims, 3 * cat.dims)], [...cat.scaled.subarray(42 * cat.dims, 43 * cat.dims)]);
  assert.equal(sub.topMood![1], cat.topMood![0]);
});

test('a track\'s mood is the tagging path\'s: uncertain below the model\'s threshold, the top mood kept beside it', () => {
  const cat = catalogue();
  const idx = catalogueIndex(cat);
  const strict: RecCatalog = { ...cat, uncertainBelow: 1 };
  const lax: RecCatalog = { ...cat, uncertainBelow: 0 };
  for (const r of [0, 1, 2]) {
    const s = surfaceTrack(strict, idx, r).mood!, l = surfaceTrack(lax, idx, r).mood!;
    assert.equal(s.label, 'uncertain');
    assert.equal(l.label, l.topMood);
    assert.equal(s.topMood, l.topMood);
    assert.ok(cat.classes.includes(s.topMood));
  }
  const rec = recommendOver(strict, idx, query({ seedMoods: [cat.classes[0]] }), []);
  assert.ok(rec.tracks.length > 0);
  for (const t of rec.tracks) { assert.equal(t.reasons.mood, 'uncertain'); assert.ok(cat.classes.includes(t.reasons.topMood)); }
});
