/** GET /tracks, GET /tracks/:id, POST /tracks. */
import type { FastifyInstance } from 'fastify';
import { AUDIO_FEATURES } from '../../../../core/data/features.ts';
import { resolveMood } from '../../../../core/recommend/index.ts';
import type { TrackTable } from '../../../../core/data/track-table.ts';
import type { TrackRecord } from '../../../../io/store/open-store.ts';
import { ApiError } from '../../errors.ts';
import { isStoreUnavailable } from '../../../../io/store/store-errors.ts';
import { listFromSnapshot } from './snapshot-listing.ts';
import {
  errorResponses, errorSchema, featuresOut, mapPointSchema, probabilitiesSchema, trackIdSchema, trackInSchema, writeErrorResponses, type TrackIn,
} from '../../schemas/common.ts';

/** Most tracks per POST /tracks. */
export const MAX_BATCH = 10_000;
const TEXT = ['name', 'artist', 'album', 'genre'] as const;

const listedTrack = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    name: { type: ['string', 'null'] },
    artist: { type: ['string', 'null'] },
    album: { type: ['string', 'null'] },
    genre: { type: ['string', 'null'] },
    mood: { type: ['string', 'null'] },
    confidence: { type: ['number', 'null'] },
    features: featuresOut,
  },
  required: ['id'],
} as const;

interface ListQuery { mood?: string; q?: string; limit: number; offset: number }

export default async function trackRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Querystring: ListQuery }>('/tracks', {
    schema: {
      summary: 'Catalogue tracks, filtered by mood (most confident first) and/or a name/artist search',
      tags: ['catalogue'],
      querystring: {
        type: 'object',
        additionalProperties: false,
        properties: {
          mood: { type: 'string', minLength: 1, maxLength: 100 },
          q: { type: 'string', maxLength: 200, description: 'case-insensitive substring of the name or the artist' },
          limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 },
          offset: { type: 'integer', minimum: 0, maximum: 100_000_000, default: 0 },
        },
      },
      response: {
        200: {
          type: 'object',
          properties: {
            total: { type: 'integer' }, limit: { type: 'integer' }, offset: { type: 'integer' }, items: { type: 'array', items: listedTrack },
            degraded: { type: 'string', description: 'present when the store does not answer: the listing comes from the in-memory snapshot (also in the x-moodscape-degraded header)' },
          },
          required: ['total', 'items'],
        },
        ...errorResponses,
      },
    },
  }, async (req) => {
    const s = app.catalogue;
    const { limit, offset } = req.query;
    const mood = req.query.mood !== undefined ? resolveMood(s.classes, req.query.mood).name : undefined;
    let page;
    try {
      page = await s.store.listTracks({ mood, q: req.query.q, limit, offset, modelId: s.modelRecord.id });
    } catch (e) {
      if (!isStoreUnavailable(e)) throw e;
      app.storeHealth.markDown(e);
      const snap = s.snapshot;
      return { ...listFromSnapshot(snap, { mood, q: req.query.q, limit, offset }), limit, offset, degraded: `the catalogue store is unavailable: listed from snapshot ${snap.version}, loaded ${snap.loadedAt}` };
    }
    return {
      total: page.total,
      limit,
      offset,
      items: page.items.map((t) => ({ ...trackJson(t), mood: t.tag?.label ?? null, confidence: t.tag?.confidence ?? null })),
    };
  });

  app.get<{ Params: { id: string }; Querystring: { explain: boolean } }>('/tracks/:id', {
    schema: {
      summary: "One track: features, mood, probabilities and why the model chose that mood (Shapley values)",
      tags: ['catalogue'],
      params: { type: 'object', properties: { id: trackIdSchema }, required: ['id'] },
      querystring: {
        type: 'object',
        additionalProperties: false,
        properties: { explain: { type: 'boolean', default: true, description: 'include the explanation (the slow part)' } },
      },
      response: {
        200: {
          type: 'object',
          properties: {
            ...listedTrack.properties,
            extra: { type: 'object', additionalProperties: { type: 'string' } },
            updatedAt: { type: 'string' },
            probabilities: probabilitiesSchema,
            map: mapPointSchema,
            explanation: {
              type: ['object', 'null'],
              properties: {
                mood: { type: 'string' },
                probability: { type: 'number' },
                baseline: { type: 'number', description: 'mean probability of this mood over background tracks' },
                method: { type: 'string' },
                contributions: {
                  type: 'array',
                  items: { type: 'object', properties: { feature: { type: 'string' }, value: { type: 'number' }, shap: { type: 'number' }, text: { type: 'string' } } },
                },
              },
            },
          },
          required: ['id', 'features'],
        },
        ...errorResponses,
      },
    },
  }, async (req) => {
    const s = app.catalogue;
    const track = await s.store.getTrack(req.params.id);
    if (!track) throw new ApiError(404, `no track with id "${req.params.id}"`, 'params.id');
    const snap = s.snapshot;
    const r = snap.rowOf.get(track.id);
    let tagged;
    if (r !== undefined) {
      const t = snap.tags.decisions[r];
      tagged = { mood: t.mood, confidence: t.confidence, probabilities: s.probabilities(snap.tags.proba, r), map: snap.map ? { x: snap.mapX[r], y: snap.mapY[r] } : null };
    } else {
      tagged = s.tagFeatures([track.features])[0];
    }
    return {
      ...trackJson(track),
      extra: track.extra,
      updatedAt: track.updatedAt,
      ...tagged,
      explanation: req.query.explain && r !== undefined ? s.explain(track.id) : null,
    };
  });

  app.post<{ Body: { tracks: TrackIn[] } }>('/tracks', {
    bodyLimit: app.serverConfig.limits.tracksBodyBytes,
    onRequest: app.requireWrite,
    schema: {
      summary: `Add or replace up to ${MAX_BATCH} tracks (upserted by id), then tag them with the model`,
      description: 'Fields you leave out keep their stored values. Needs `Authorization: Bearer <token>`.',
      tags: ['catalogue'],
      security: [{ bearer: [] }],
      body: {
        type: 'object',
        additionalProperties: false,
        properties: { tracks: { type: 'array', minItems: 1, maxItems: MAX_BATCH, items: trackInSchema } },
        required: ['tracks'],
      },
      response: {
        200: {
          type: 'object',
          properties: {
            inserted: { type: 'integer' },
            updated: { type: 'integer' },
            tagged: { type: 'integer' },
            total: { type: 'integer', description: 'tracks in the catalogue now' },
            tracks: {
              type: 'array',
              items: { type: 'object', properties: { id: { type: 'string' }, mood: { type: 'string' }, confidence: { type: 'number' } } },
            },
          },
          required: ['inserted', 'updated', 'tagged', 'total'],
        },
        ...writeErrorResponses,
        503: errorSchema,
      },
    },
  }, async (req) => {
    const s = app.catalogue;
    const tracks = req.body.tracks;
    const ids = [...new Set(tracks.map((t) => t.id))];
    return s.write(async () => {
      let inserted = 0, updated = 0;
      // Tracks that send the same fields go in one upsert; a field a track leaves out keeps its stored value.
      for (const group of groupByFields(tracks)) {
        const r = await s.store.upsertTracks(toTable(group));
        inserted += r.inserted;
        updated += r.updated;
      }
      return { inserted, updated };
    }).then(async ({ inserted, updated }) => {
      const tagged = await s.writeTagsFor(ids);
      const snap = s.snapshot;
      return {
        inserted, updated, tagged, total: snap.table.rowCount,
        tracks: ids.slice(0, 1000).flatMap((id) => {
          const r = snap.rowOf.get(id);
          if (r === undefined) return [];
          const t = snap.tags.decisions[r];
          return [{ id, mood: t.mood, confidence: t.confidence }];
        }),
      };
    });
  });
}

function trackJson(t: TrackRecord) {
  return { id: t.id, name: t.name, artist: t.artist, album: t.album, genre: t.genre, features: t.features };
}

function groupByFields(tracks: readonly TrackIn[]): TrackIn[][] {
  const groups = new Map<string, TrackIn[]>();
  for (const t of tracks) {
    const key = Object.keys(t).filter((k) => t[k] !== undefined).sort().join(',');
    let g = groups.get(key);
    if (!g) groups.set(key, (g = []));
    g.push(t);
  }
  return [...groups.values()];
}

/** A batch whose tracks all have the same fields → a TrackTable. */
function toTable(tracks: readonly TrackIn[]): TrackTable {
  const keys = new Set(Object.keys(tracks[0]));
  const text: Record<string, string[]> = { id: tracks.map((t) => t.id) };
  for (const c of TEXT) if (keys.has(c)) text[c] = tracks.map((t) => String(t[c] ?? ''));
  const numeric: Record<string, Float64Array> = {};
  for (const f of AUDIO_FEATURES) if (keys.has(f.name)) numeric[f.name] = Float64Array.from(tracks, (t) => Number(t[f.name]));
  return { rowCount: tracks.length, text, numeric };
}
