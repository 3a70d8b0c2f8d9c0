/** GET|POST /recommend: the recommender's query (mood, context, seeds, knobs, limit) → a playlist with reasons. */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { FEATURE_SPEC } from '../../../../core/data/features.ts';
import { KNOBS, type RecQuery, type RecResult } from '../../../../core/recommend/index.ts';
import { toM3u } from '../../../../io/playlist-export.ts';
import type { Snapshot } from '../../catalogue-state.ts';
import { recommendBody, recommendQuerystring, recommendResponse, type RecommendBody, type RecommendQuerystring } from '../../schemas/recommend.ts';

type Query = RecQuery & { user?: string };

export default async function recommendRoutes(app: FastifyInstance): Promise<void> {
  const run = async (q: Query, format: string | undefined, reply: FastifyReply) => {
    const { result: made, snapshot, cached, tasteUnavailable } = await app.catalogue.recommend(q);
    let result = made;
    if (tasteUnavailable) {
      app.storeHealth.markDown(tasteUnavailable);
      result = { ...made, warnings: [...made.warnings, `the catalogue store is unavailable: recommended from snapshot ${snapshot.version} without ${q.user}'s likes and skips`] };
    }
    if (format === 'm3u') {
      return reply
        .type('audio/x-mpegurl; charset=utf-8')
        .header('content-disposition', 'attachment; filename="moodscape.m3u"')
        .send(toM3u(result));
    }
    return recJson(result, snapshot, cached);
  };

  app.get<{ Querystring: RecommendQuerystring }>('/recommend', {
    schema: {
      summary: 'A playlist from a mood, a context, seed tracks and/or attribute knobs (query-string form)',
      description: 'Lists are comma-separated (`mood=Happy,Calm`, `seeds=id1,id2`); knobs are `target_<attribute>`, `min_<attribute>`, `max_<attribute>`. `format=m3u` returns an M3U playlist.',
      tags: ['recommend'],
      querystring: recommendQuerystring,
      response: recommendResponse,
    },
  }, async (req, reply) => run(fromQuerystring(req.query), req.query.format as string | undefined, reply));

  app.post<{ Body: RecommendBody }>('/recommend', {
    schema: {
      summary: 'A playlist from a mood, a context, seed tracks and/or attribute knobs (JSON form)',
      description: '`format: "m3u"` returns an M3U playlist. With `user`, that user\'s likes and skips shift the targets and skipped tracks are left out.',
      tags: ['recommend'],
      body: recommendBody,
      response: recommendResponse,
    },
  }, async (req, reply) => run(fromBody(req.body), req.body.format, reply));
}

const list = (s: string | undefined) => (s === undefined ? undefined : s.split(',').map((x) => x.trim()).filter(Boolean));

export function fromQuerystring(q: RecommendQuerystring): Query {
  const knobs = (prefix: string) => {
    const out: Record<string, number> = {};
    for (const k of KNOBS) { const v = q[`${prefix}_${k}`]; if (typeof v === 'number') out[k] = v; }
    return Object.keys(out).length ? out : undefined;
  };
  return clean({
    moods: list(q.mood as string | undefined),
    context: q.context as string | undefined,
    seeds: list(q.seeds as string | undefined),
    arc: q.arc as string | undefined,
    target: knobs('target'), min: knobs('min'), max: knobs('max'),
    limit: q.limit as number | undefined,
    lambda: q.lambda as number | undefined,
    artistCap: q.artist_cap as number | undefined,
    user: q.user as string | undefined,
  });
}

export function fromBody(b: RecommendBody): Query {
  const moods = [...(b.mood !== undefined ? [b.mood] : []), ...(b.moods ?? [])];
  const nonEmpty = (o: Record<string, number> | undefined) => (o && Object.keys(o).length ? o : undefined);
  return clean({
    moods: moods.length ? moods : undefined,
    context: b.context, seeds: b.seeds?.length ? b.seeds : undefined, arc: b.arc,
    target: nonEmpty(b.target), min: nonEmpty(b.min), max: nonEmpty(b.max),
    limit: b.limit, lambda: b.lambda, artistCap: b.artistCap, user: b.user,
  });
}

function clean<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

const FEATURES = [...FEATURE_SPEC.keys()];

export function recJson(result: RecResult, snap: Snapshot, cached: boolean) {
  const { table } = snap;
  const genre = table.text.genre;
  return {
    tracks: result.tracks.map((t, i) => {
      const r = result.rows[i];
      const features: Record<string, number | null> = {};
      for (const f of FEATURES) { const col = table.numeric[f]; if (col) features[f] = Number.isFinite(col[r]) ? col[r] : null; }
      return {
        id: t.id, name: t.name, artist: t.artist,
        ...(genre && genre[r] ? { genre: genre[r] } : {}),
        mood: t.mood, confidence: t.confidence, score: t.score, why: t.why,
        features,
        map: snap.map ? { x: snap.mapX[r], y: snap.mapY[r] } : null,
      };
    }),
    pool: result.pool,
    query: result.query,
    ...(result.arc ? { arc: result.arc } : {}),
    warnings: result.warnings,
    cached,
  };
}
