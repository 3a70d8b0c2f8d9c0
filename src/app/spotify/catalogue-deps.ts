/**
 * SpotifySurfaceDeps over a tagged catalogue (a RecCatalog): track lookup, genre seeds and
 * recommendations, with what Spotify had and the recommender has not mapped onto it:
 *
 * - seed_genres keep tracks whose genre metadata is one of the genres (a hard filter; matching is
 *   case- and punctuation-insensitive, so "r&b", "R&B" and Spotify's "r-n-b" are one genre).
 *   Genre seeds alone (no track, artist, mood or target) aim at the genres' average sound.
 * - seed_artists take the artist's most popular catalogue track as a seed track. Artist ids are
 *   derived from the artist's name (the catalogue has names, not Spotify artist ids); a name works too.
 * - min_/max_time_signature filter; target_time_signature keeps tracks with that many beats per bar
 *   (a bar count has no "near"; the recommender's knobs do not include it).
 * - target_mood adds a soft mood preference (as a context's preferred moods do), seed_moods the
 *   recommender's hard mood filter.
 *
 * Per catalogue (by RecCatalog identity) an index is built once: id → row, genre keys, artist ids.
 */
import { createHash } from 'node:crypto';
import { InputError } from '../../core/common/errors.ts';
import { FEATURE_SPEC } from '../../core/data/features.ts';
import { matrix } from '../../core/common/matrix.ts';
import {
  KNOBS, moodsOfRows, normaliseId, recommend, resolveContext, resolveMood,
  type ContextSpec, type Knob, type RecCatalog, type RecQuery,
} from '../../core/recommend/index.ts';
import { selectRows } from '../../core/data/track-table.ts';
import type {
  SpotifyAuth, SpotifySurfaceDeps, SurfaceRecQuery, SurfaceRecResult, SurfaceSeed, SurfaceTrack,
} from './types.ts';

/** Spotify's genre-seed spelling: lower case, `&` as `-n-`, other punctuation and spaces as dashes. */
export function genreKey(raw: string): string {
  return raw.trim().toLowerCase().replace(/&/g, '-n-').replace(/[^\p{L}\p{N}]+/gu, '-').replace(/^-+|-+$/g, '');
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** A stable 22-character base-62 id (the length of a Spotify id) for an artist or album name. */
export function derivedId(kind: 'artist' | 'album', name: string): string {
  const h = createHash('sha256').update(`moodscape:${kind}:${name.trim().toLowerCase()}`).digest();
  let out = '';
  for (let i = 0; i < 22; i++) out += BASE62[h[i] % 62];
  return out;
}

/** Text columns that can carry these, best first (loadCatalog keeps a CSV's extra columns by name). */
const RELEASE_COLUMNS = ['track_album_release_date', 'album_release_date', 'release_date', 'year'];
const ALBUM_ID_COLUMNS = ['track_album_id', 'album_id'];
const EXPLICIT_COLUMNS = ['explicit'];

export interface CatalogueIndex {
  readonly rowOf: ReadonlyMap<string, number>;
  /** Genre key per row ('' when none). */
  readonly genreOf: readonly string[];
  /** Known genre keys, sorted. */
  readonly genres: readonly string[];
  readonly artistIdOf: readonly string[];
  /** Artist id and lower-cased artist name → rows. */
  readonly artistRows: ReadonlyMap<string, number[]>;
  readonly albumIdOf: readonly string[];
  readonly albumSize: ReadonlyMap<string, number>;
}

const indexes = new WeakMap<RecCatalog, CatalogueIndex>();

export function catalogueIndex(cat: RecCatalog, rowOf?: ReadonlyMap<string, number>): CatalogueIndex {
  const hit = indexes.get(cat);
  if (hit) return hit;
  const { table } = cat;
  const n = table.rowCount;
  const ids = table.text.id ?? [];
  let rows = rowOf;
  if (!rows) {
    const m = new Map<string, number>();
    for (let i = 0; i < ids.length; i++) if (!m.has(ids[i])) m.set(ids[i], i);
    rows = m;
  }
  const genreCol = table.text.genre;
  const genreOf = new Array<string>(n);
  const genreSet = new Set<string>();
  for (let i = 0; i < n; i++) {
    const g = genreCol?.[i] ? genreKey(genreCol[i]) : '';
    genreOf[i] = g;
    if (g) genreSet.add(g);
  }
  const artistCol = table.text.artist;
  const artistIdOf = new Array<string>(n);
  const artistRows = new Map<string, number[]>();
  const idCache = new Map<string, string>();
  const push = (k: string, r: number) => { const l = artistRows.get(k); if (l) l.push(r); else artistRows.set(k, [r]); };
  for (let i = 0; i < n; i++) {
    const name = artistCol?.[i] ?? '';
    let id = idCache.get(name);
    if (id === undefined) { id = derivedId('artist', name); idCache.set(name, id); }
    artistIdOf[i] = id;
    push(id, i);
    if (name) push(name.trim().toLowerCase(), i);
  }
  const albumIdCol = ALBUM_ID_COLUMNS.map((c) => table.text[c]).find(Boolean);
  const albumCol = table.text.album;
  const albumIdOf = new Array<string>(n);
  const albumSize = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const id = albumIdCol?.[i] || derivedId('album', `${artistCol?.[i] ?? ''}|${albumCol?.[i] ?? ''}`);
    albumIdOf[i] = id;
    albumSize.set(id, (albumSize.get(id) ?? 0) + 1);
  }
  const idx: CatalogueIndex = { rowOf: rows, genreOf, genres: [...genreSet].sort(), artistIdOf, artistRows, albumIdOf, albumSize };
  indexes.set(cat, idx);
  return idx;
}

function releaseOf(text: Record<string, string[]>, r: number): { date: string; precision: 'day' | 'month' | 'year' } {
  for (const c of RELEASE_COLUMNS) {
    const v = text[c]?.[r]?.trim();
    if (!v) continue;
    if (/^\d{4}$/.test(v)) return { date: v, precision: 'year' };
    if (/^\d{4}-\d{2}$/.test(v)) return { date: v, precision: 'month' };
    return { date: v, precision: 'day' };
  }
  return { date: '', precision: 'day' };
}

const FEATURE_NAMES = [...FEATURE_SPEC.keys()];

/** The catalogue row as a SurfaceTrack. */
export function surfaceTrack(cat: RecCatalog, idx: CatalogueIndex, r: number): SurfaceTrack {
  const { table, proba, classes } = cat;
  const t = table.text;
  const features: Record<string, number | null> = {};
  for (const f of FEATURE_NAMES) {
    const v = table.numeric[f]?.[r];
    features[f] = v !== undefined && Number.isFinite(v) ? v : null;
  }
  const rel = releaseOf(t, r);
  const albumId = idx.albumIdOf[r];
  const explicitRaw = EXPLICIT_COLUMNS.map((c) => t[c]?.[r]).find((v) => v !== undefined && v !== '');
  const probabilities: Record<string, number> = {};
  const o = r * proba.cols;
  classes.forEach((c, j) => { probabilities[c] = round(proba.data[o + j]); });
  const decision = classes.length ? moodsOfRows(cat, [r])[0] : undefined;
  return {
    id: t.id?.[r] ?? String(r),
    name: t.name?.[r] ?? '',
    artists: [{ id: idx.artistIdOf[r], name: t.artist?.[r] ?? '' }],
    album: { id: albumId, name: t.album?.[r] ?? '', releaseDate: rel.date, releaseDatePrecision: rel.precision, totalTracks: idx.albumSize.get(albumId) ?? 1 },
    genre: t.genre?.[r] || null,
    explicit: explicitRaw !== undefined && /^(1|true|yes)$/i.test(explicitRaw.trim()),
    features,
    mood: decision ? { label: decision.mood, topMood: decision.topMood, confidence: round(decision.confidence), probabilities } : undefined,
  };
}

export interface CatalogueSource {
  /** The current catalogue (read per request: a server may swap it after writes). */
  catalogue(): { rec: RecCatalog; rowOf?: ReadonlyMap<string, number> };
  /** User context presets besides the built-ins. */
  contexts?(): readonly ContextSpec[];
}

/** SpotifySurfaceDeps over a tagged catalogue. */
export function catalogueDeps(source: CatalogueSource, auth: SpotifyAuth): SpotifySurfaceDeps {
  const current = () => {
    const { rec, rowOf } = source.catalogue();
    return { rec, idx: catalogueIndex(rec, rowOf) };
  };
  return {
    auth,
    getTracksByIds(ids) {
      const { rec, idx } = current();
      return ids.map((raw) => {
        const r = idx.rowOf.get(raw) ?? idx.rowOf.get(normaliseId(raw));
        return r === undefined ? null : surfaceTrack(rec, idx, r);
      });
    },
    genres() {
      return current().idx.genres;
    },
    recommend(q) {
      const { rec, idx } = current();
      return recommendOver(rec, idx, q, source.contexts?.() ?? []);
    },
  };
}

/** The recommendation itself: seeds and filters mapped onto the recommender (see the file comment). */
export function recommendOver(cat: RecCatalog, idx: CatalogueIndex, q: SurfaceRecQuery, presets: readonly ContextSpec[]): SurfaceRecResult {
  const { table } = cat;
  const n = table.rowCount;
  if (n === 0) throw new InputError('the catalogue is empty: import tracks first');
  const warnings: string[] = [];
  const seeds: { id: string; type: SurfaceSeed['type'] }[] = [];

  // Seed tracks (validated by the recommender, which names the nearest ids for a typo).
  const seedIds: string[] = [];
  for (const s of q.seedTracks) { seedIds.push(normaliseId(s)); seeds.push({ id: normaliseId(s), type: 'TRACK' }); }
  // Seed artists → their most popular track.
  const pop = table.numeric.popularity;
  for (const a of q.seedArtists) {
    const rows = idx.artistRows.get(a) ?? idx.artistRows.get(a.trim().toLowerCase());
    if (!rows?.length) throw new InputError(`unknown seed artist "${a}": give an artist id from /v1/tracks (artists[].id) or an artist name in the catalogue`);
    let best = rows[0];
    if (pop) for (const r of rows) if ((pop[r] ?? -1) > (pop[best] ?? -1)) best = r;
    const id = table.text.id?.[best] ?? String(best);
    if (!seedIds.includes(id)) seedIds.push(id);
    seeds.push({ id: idx.artistIdOf[best], type: 'ARTIST' });
  }
  // Genres → a set of keys, or a 400 listing the known ones.
  const genreKeys = new Set<string>();
  for (const g of q.seedGenres) {
    if (!table.text.genre || !idx.genres.length) throw new InputError(`seed_genres "${g}": this catalogue has no genre metadata, so genre seeds cannot be used`);
    const k = genreKey(g);
    if (!idx.genres.includes(k)) throw new InputError(`unknown genre seed "${g}"`, { expected: `one of this catalogue's genres: ${idx.genres.join(', ')}` });
    genreKeys.add(k);
    seeds.push({ id: k, type: 'GENRE' });
  }
  for (const m of q.seedMoods) seeds.push({ id: resolveMood(cat.classes, m).name, type: 'MOOD' });

  // time_signature is no knob of the recommender: a filter here.
  const ts = table.numeric.time_signature;
  const tsRules: ((v: number) => boolean)[] = [];
  for (const [field, test] of [
    ['min', (v: number, x: number) => v >= x], ['max', (v: number, x: number) => v <= x], ['target', (v: number, x: number) => v === Math.round(x)],
  ] as const) {
    const x = q[field].time_signature;
    if (x === undefined) continue;
    if (!ts) throw new InputError(`${field}_time_signature: this catalogue has no time_signature column`);
    tsRules.push((v) => test(v, x));
  }

  // Knobs the recommender has.
  const knobs = (field: 'min' | 'max' | 'target') => {
    const out: Record<string, number> = {};
    for (const [k, v] of Object.entries(q[field])) if ((KNOBS as readonly string[]).includes(k)) out[k as Knob] = v;
    return out;
  };
  let target = knobs('target');

  // Genre seeds alone: aim at the genres' average sound.
  const hasSignal = seedIds.length || q.seedMoods.length || q.targetMood || q.context || Object.keys(target).length;
  if (genreKeys.size && !hasSignal) {
    const aim: Record<string, number> = {};
    for (const k of ['danceability', 'energy', 'valence', 'acousticness'] as const) {
      const col = table.numeric[k];
      if (!col) continue;
      let s = 0, c = 0;
      for (let r = 0; r < n; r++) if (genreKeys.has(idx.genreOf[r]) && Number.isFinite(col[r])) { s += col[r]; c++; }
      // The genre's average is only an aim: keep it inside any min_/max_ the caller asked for.
      if (c) aim[k] = round(Math.min(q.max[k] ?? Infinity, Math.max(q.min[k] ?? -Infinity, s / c)));
    }
    if (!Object.keys(aim).length) throw new InputError('seed_genres alone needs danceability, energy, valence or acousticness in the catalogue; add a seed track or a target_');
    target = aim;
    warnings.push(`genre seeds alone: aiming at the average ${Object.keys(aim).join(', ')} of ${[...genreKeys].join(', ')}`);
  }

  // target_mood: a context that prefers the mood (merged into the asked context, if any).
  let contextName = q.context;
  const contexts = [...presets];
  if (q.targetMood) {
    const mood = resolveMood(cat.classes, q.targetMood);
    const base = q.context ? resolveContext(q.context, presets) : undefined;
    const pattern = `^${mood.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`;
    const spec: ContextSpec = base
      ? { ...base, aliases: [], name: `${base.name} + target_mood ${mood.name}`, preferMoods: [...(base.preferMoods ?? []), pattern] }
      : { name: `target_mood ${mood.name}`, description: `prefer tracks the model calls ${mood.name}`, preferMoods: [pattern] };
    contexts.push(spec);
    contextName = spec.name;
  }

  // Restrict the catalogue when genre or time-signature filters apply (seed rows always stay in).
  let sub = cat;
  let rowsOfSub: Int32Array | undefined;
  if (genreKeys.size || tsRules.length) {
    const keepSeed = new Set(seedIds.map((id) => idx.rowOf.get(id)).filter((r): r is number => r !== undefined));
    const keep: number[] = [];
    let matched = 0;
    for (let r = 0; r < n; r++) {
      const ok = (!genreKeys.size || genreKeys.has(idx.genreOf[r])) && tsRules.every((t) => t(ts![r]));
      if (ok) matched++;
      if (ok || keepSeed.has(r)) keep.push(r);
    }
    const labels = [
      genreKeys.size ? `genre ${[...genreKeys].join(' or ')}` : '',
      ...(['min', 'max', 'target'] as const).filter((f) => q[f].time_signature !== undefined).map((f) => `${f}_time_signature ${q[f].time_signature}`),
    ].filter(Boolean);
    if (!matched) throw new InputError(`empty pool: no track in the catalogue has ${labels.join(' and ')}`);
    rowsOfSub = Int32Array.from(keep);
    sub = subCatalog(cat, rowsOfSub);
  }

  const query: RecQuery = {
    moods: q.seedMoods.length ? q.seedMoods : undefined,
    context: contextName,
    seeds: seedIds.length ? seedIds : undefined,
    target: Object.keys(target).length ? target : undefined,
    min: Object.keys(knobs('min')).length ? knobs('min') : undefined,
    max: Object.keys(knobs('max')).length ? knobs('max') : undefined,
    limit: q.limit,
  };
  const result = recommend(sub, query, { contexts });
  // Seed rows kept in a restricted catalogue are removed by the recommender's "not a seed" rule, so
  // afterFiltering counts real candidates only.
  const afterFiltering = result.pool.afterFiltering;
  const tracks = result.rows.map((sr, i) => {
    const r = rowsOfSub ? rowsOfSub[sr] : sr;
    const t = surfaceTrack(cat, idx, r);
    const rt = result.tracks[i];
    const why = [...rt.why];
    if (genreKeys.size) why.splice(1, 0, `genre ${t.genre} (seed_genres ${[...genreKeys].join(', ')})`);
    if (tsRules.length) why.splice(1, 0, `time signature ${t.features.time_signature} (${(['min', 'max', 'target'] as const).filter((f) => q[f].time_signature !== undefined).map((f) => `${f}_time_signature ${q[f].time_signature}`).join(', ')})`);
    return { ...t, reasons: { mood: rt.mood, topMood: rt.topMood, confidence: rt.confidence, score: rt.score, why, probabilities: t.mood?.probabilities ?? {} } };
  });
  const queryOut: Record<string, unknown> = { ...result.query };
  if (genreKeys.size) queryOut.genres = [...genreKeys];
  if (tsRules.length) queryOut.time_signature = Object.fromEntries((['min', 'max', 'target'] as const).filter((f) => q[f].time_signature !== undefined).map((f) => [f, q[f].time_signature]));
  if (q.seedArtists.length) queryOut.seed_artists = seeds.filter((s) => s.type === 'ARTIST').map((s) => s.id);
  return {
    seeds: seeds.map((s) => ({ ...s, initialPoolSize: n, afterFilteringSize: afterFiltering, afterRelinkingSize: afterFiltering })),
    tracks,
    query: queryOut,
    warnings: [...warnings, ...result.warnings],
  };
}

/** The catalogue restricted to `rows` (in order): table, probabilities, scaled space, top moods. */
export function subCatalog(cat: RecCatalog, rows: Int32Array): RecCatalog {
  const k = cat.proba.cols, d = cat.dims;
  const proba = matrix(rows.length, k);
  const scaled = new Float32Array(rows.length * d);
  const topMood = new Int32Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    proba.data.set(cat.proba.data.subarray(r * k, (r + 1) * k), i * k);
    scaled.set(cat.scaled.subarray(r * d, (r + 1) * d), i * d);
    if (cat.topMood) topMood[i] = cat.topMood[r];
  }
  return {
    table: selectRows(cat.table, rows),
    classes: cat.classes,
    proba,
    scaled,
    dims: d,
    topMood: cat.topMood ? topMood : undefined,
    uncertainBelow: cat.uncertainBelow,
  };
}

function round(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}
