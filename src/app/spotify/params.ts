/**
 * Request parsing as Spotify's Web API did it: comma lists (literal or %2C-encoded, which the
 * query-string parser has already decoded), at most 100 ids, 1–5 seeds in all, limit 1–100
 * (default 20), and min_/max_/target_ per tunable attribute. `market` and unknown parameters are
 * ignored, like Spotify ignores what it does not know.
 */
import { FEATURE_SPEC } from '../../core/data/features.ts';
import { SpotifyError } from './errors.ts';
import type { SurfaceRecQuery } from './types.ts';

export const MAX_IDS = 100;
export const MAX_SEEDS = 5;
export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 100;

/** The attributes of Spotify's /recommendations, in its order. */
export const TUNABLE = [
  'acousticness', 'danceability', 'duration_ms', 'energy', 'instrumentalness', 'key', 'liveness',
  'loudness', 'mode', 'popularity', 'speechiness', 'tempo', 'time_signature', 'valence',
] as const;

export type Tunable = (typeof TUNABLE)[number];

export function tunableRange(k: Tunable): { min: number; max: number } {
  const s = FEATURE_SPEC.get(k)!;
  return { min: s.min, max: s.max };
}

type QueryValue = string | string[] | number | boolean | undefined;

/** A query parameter as one string (a repeated parameter joins with commas); undefined when absent. */
function single(v: QueryValue): string | undefined {
  if (v === undefined) return undefined;
  if (Array.isArray(v)) return v.join(',');
  return String(v);
}

/** `a,b,c` (or a %2C-encoded, already decoded list) → trimmed items; an empty item is a 400. */
export function commaList(name: string, v: QueryValue): string[] {
  const s = single(v);
  if (s === undefined || s.trim() === '') return [];
  const items = s.split(',').map((x) => x.trim());
  const empty = items.indexOf('');
  if (empty >= 0) throw new SpotifyError(400, `Invalid ${name}: item ${empty + 1} of "${s.slice(0, 200)}" is empty`);
  return items;
}

/** The ids of a batch call: required, 1–100. */
export function parseIds(v: QueryValue): string[] {
  const ids = commaList('ids', v);
  if (!ids.length) throw new SpotifyError(400, 'Missing ids: give ids=<id>,<id>,… (at most 100 track ids)');
  if (ids.length > MAX_IDS) throw new SpotifyError(400, `Too many ids requested: ${ids.length}, at most ${MAX_IDS}`);
  for (const id of ids) checkId(id);
  return ids;
}

export function checkId(id: string): void {
  // eslint-disable-next-line no-control-regex
  if (id.length > 200 || /[\u0000-\u001f]/.test(id)) throw new SpotifyError(400, `Invalid id: "${id.slice(0, 40)}…"`);
}

function number(name: string, v: QueryValue): number | undefined {
  const s = single(v);
  if (s === undefined || s.trim() === '') return undefined;
  const x = Number(s);
  if (!Number.isFinite(x)) throw new SpotifyError(400, `Invalid ${name}: "${s.slice(0, 40)}" is not a number`);
  return x;
}

/** /v1/recommendations query → SurfaceRecQuery, with Spotify's rules on counts and ranges. */
export function parseRecommendationsQuery(q: Readonly<Record<string, QueryValue>>): SurfaceRecQuery {
  const seedTracks = commaList('seed_tracks', q.seed_tracks);
  const seedArtists = commaList('seed_artists', q.seed_artists);
  const seedGenres = commaList('seed_genres', q.seed_genres);
  const seedMoods = commaList('seed_moods', q.seed_moods);
  for (const id of [...seedTracks, ...seedArtists]) checkId(id);
  const seeds = seedTracks.length + seedArtists.length + seedGenres.length + seedMoods.length;
  const targetMood = single(q.target_mood)?.trim() || undefined;
  const context = single(q.context)?.trim() || undefined;
  if (seeds > MAX_SEEDS) {
    throw new SpotifyError(400, `Too many seeds: ${seeds} given, at most ${MAX_SEEDS} in total across seed_tracks, seed_artists, seed_genres (and seed_moods)`);
  }
  if (seeds === 0 && !targetMood && !context) {
    throw new SpotifyError(400, 'Missing seeds: give 1–5 of seed_tracks, seed_artists, seed_genres (or moodscape\'s seed_moods, target_mood or context)');
  }

  const limitRaw = number('limit', q.limit);
  const limit = limitRaw ?? DEFAULT_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw new SpotifyError(400, `Invalid limit: ${limitRaw} (an integer in 1..${MAX_LIMIT}, default ${DEFAULT_LIMIT})`);
  }

  const min: Record<string, number> = {}, max: Record<string, number> = {}, target: Record<string, number> = {};
  for (const k of TUNABLE) {
    const r = tunableRange(k);
    for (const [prefix, out] of [['min', min], ['max', max], ['target', target]] as const) {
      const name = `${prefix}_${k}`;
      const v = number(name, q[name]);
      if (v === undefined) continue;
      if (v < r.min || v > r.max) throw new SpotifyError(400, `Invalid ${name}: ${v} is outside [${r.min}, ${r.max}]`);
      out[k] = v;
    }
    if (min[k] !== undefined && max[k] !== undefined && min[k] > max[k]) {
      throw new SpotifyError(400, `Invalid min_${k}/max_${k}: min ${min[k]} is greater than max ${max[k]}`);
    }
  }
  return { seedTracks, seedArtists, seedGenres, seedMoods, targetMood, context, limit, min, max, target };
}

/** Every query parameter the routes document (for the JSON Schema / OpenAPI document). */
export function recommendationsQuerySchema(): Record<string, unknown> {
  const props: Record<string, unknown> = {
    seed_tracks: { type: 'string', description: 'comma-separated track ids (1–5 seeds in total)' },
    seed_artists: { type: 'string', description: 'comma-separated artist ids (as /v1/tracks reports them) or artist names' },
    seed_genres: { type: 'string', description: 'comma-separated genres of the catalogue (see /v1/recommendations/available-genre-seeds)' },
    seed_moods: { type: 'string', description: 'moodscape: comma-separated moods of the model; tracks must have one of them' },
    target_mood: { type: 'string', description: 'moodscape: a mood that raises a track\'s score without filtering' },
    context: { type: 'string', description: 'moodscape: a context preset (workout, running, focus, commute, relax, sleep, party, dinner …)' },
    limit: { type: 'string', description: `tracks to return, 1–${MAX_LIMIT} (default ${DEFAULT_LIMIT})` },
    market: { type: 'string', description: 'accepted and ignored' },
  };
  for (const k of TUNABLE) {
    const r = tunableRange(k);
    for (const p of ['min', 'max', 'target']) props[`${p}_${k}`] = { type: 'string', description: `${p} ${k}, a number in [${r.min}, ${r.max}]` };
  }
  return { type: 'object', properties: props };
}
