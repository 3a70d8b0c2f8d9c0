/**
 * The Spotify-compatible surface: the endpoints Spotify closed to new apps in November 2024
 * (audio features, recommendations) plus the track lookups their clients pair them with, served
 * from moodscape's own catalogue under `/v1`, so such an app only changes its base URL.
 *
 *   GET /v1/audio-features/:id
 *   GET /v1/audio-features?ids=a,b,c          (also /v1/audio-features/?ids=…)
 *   GET /v1/tracks/:id
 *   GET /v1/tracks?ids=a,b,c                  (also /v1/tracks/?ids=…)
 *   GET /v1/recommendations?seed_tracks=…&seed_genres=…&min_energy=…&target_valence=…
 *   GET /v1/recommendations/available-genre-seeds
 *
 * Register it on the server with `await app.register(spotifySurface(deps))`; the plugin adds the
 * `/v1` prefix itself and keeps its own error shape (`{"error":{"status","message"}}`), auth hook
 * and 404 handler inside that prefix, so the native API is unaffected.
 */
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest, FastifySchema } from 'fastify';
import { bearerCheck } from '../server/auth.ts';
import { SpotifyError, spotifyErrorHandler, spotifyNotFound } from './errors.ts';
import { audioFeaturesObject, seedObject, trackObject } from './objects.ts';
import { checkId, parseIds, parseRecommendationsQuery, recommendationsQuerySchema } from './params.ts';
import type { SpotifyAuth, SpotifyRecommendations, SpotifySurfaceDeps } from './types.ts';

export interface SpotifySurfaceOptions {
  /** The URL clients reach this server at (for `href`s); default: from each request's Host. */
  publicUrl?: string;
  /** Path prefix, default `/v1` (Spotify's). */
  prefix?: string;
}

/** An onRequest hook checking `Authorization: Bearer <token>` the way Spotify answers (401 + its shape). */
export function spotifyBearerHook(auth: SpotifyAuth): (request: FastifyRequest) => Promise<void> {
  const check = bearerCheck(auth);
  return async (request) => {
    const verdict = check(request.headers.authorization);
    if (verdict === 'allowed') return;
    if (verdict === 'disabled') {
      throw new SpotifyError(403, 'The Spotify-compatible routes need a token: start the server with MOODSCAPE_TOKEN set (or --no-auth for local use)');
    }
    throw new SpotifyError(401, verdict === 'missing' ? 'No token provided' : 'Invalid access token');
  };
}

const idParam = {
  type: 'object',
  properties: { id: { type: 'string', minLength: 1, maxLength: 200, description: 'a track id of the catalogue (Spotify base-62 id, or spotify:track:ID)' } },
  required: ['id'],
} as const;

const idsQuery = {
  type: 'object',
  properties: {
    ids: { type: 'string', description: 'comma-separated track ids (literal or %2C-encoded commas), at most 100' },
    market: { type: 'string', description: 'accepted and ignored' },
  },
} as const;

type Query = Record<string, string | string[] | undefined>;

const errorSchema = {
  type: 'object',
  description: 'Spotify\'s error shape',
  properties: { error: { type: 'object', properties: { status: { type: 'integer' }, message: { type: 'string' } }, required: ['status', 'message'] } },
  required: ['error'],
} as const;

/**
 * A route schema with the OpenAPI keys (tags, summary, security, hide) that FastifySchema does not
 * declare. The 200 schema only documents: with no listed properties it passes the object through
 * unchanged (Spotify's shapes are built and typed in objects.ts).
 */
const doc = (o: Record<string, unknown>, ok = 'the object as Spotify\'s Web API returned it'): { schema: FastifySchema } => ({
  schema: {
    tags: ['spotify'],
    security: [{ bearer: [] }],
    response: { 200: { type: 'object', description: ok, additionalProperties: true }, 400: errorSchema, 401: errorSchema, 403: errorSchema, 404: errorSchema },
    ...o,
  } as FastifySchema,
});

export function spotifySurface(deps: SpotifySurfaceDeps, options: SpotifySurfaceOptions = {}): FastifyPluginAsync {
  const prefix = options.prefix ?? '/v1';
  const baseOf = (request: FastifyRequest) => (options.publicUrl ?? `${request.protocol}://${request.host}`).replace(/\/+$/, '');

  const routes = async (app: FastifyInstance) => {
    app.setErrorHandler(spotifyErrorHandler);
    app.setNotFoundHandler(spotifyNotFound);
    app.addHook('onRequest', spotifyBearerHook(deps.auth));

    /** GET on `path` and, unless the server already ignores trailing slashes, on `path/`. */
    const getBoth = (path: string, opts: { schema: FastifySchema }, handler: (req: FastifyRequest, reply: FastifyReply) => Promise<unknown>) => {
      app.get(path, opts, handler);
      try {
        app.get(`${path}/`, { schema: { ...opts.schema, hide: true } as FastifySchema }, handler);
      } catch (e) {
        // With ignoreTrailingSlash the first route already answers `path/`.
        if (!/already declared|duplicated/i.test(String((e as Error).message))) throw e;
      }
    };

    app.get('/audio-features/:id', doc({ summary: 'Audio features of one track (Spotify\'s shape)', params: idParam }), async (request) => {
      const { id } = request.params as { id: string };
      checkId(id);
      const [t] = await deps.getTracksByIds([id]);
      if (!t) throw new SpotifyError(404, `No track with id "${id.slice(0, 60)}" in this catalogue`);
      return audioFeaturesObject(t, baseOf(request));
    });

    getBoth('/audio-features', doc({ summary: 'Audio features of up to 100 tracks; null for unknown ids', querystring: idsQuery }), async (request) => {
      const ids = parseIds((request.query as Query).ids);
      const base = baseOf(request);
      const tracks = await deps.getTracksByIds(ids);
      return { audio_features: tracks.map((t) => (t ? audioFeaturesObject(t, base) : null)) };
    });

    app.get('/tracks/:id', doc({ summary: 'One track (the minimal Spotify track object) with moodscape\'s mood', params: idParam, querystring: idsQuery }), async (request) => {
      const { id } = request.params as { id: string };
      checkId(id);
      const [t] = await deps.getTracksByIds([id]);
      if (!t) throw new SpotifyError(404, `No track with id "${id.slice(0, 60)}" in this catalogue`);
      return trackObject(t, baseOf(request));
    });

    getBoth('/tracks', doc({ summary: 'Up to 100 tracks; null for unknown ids', querystring: idsQuery }), async (request) => {
      const ids = parseIds((request.query as Query).ids);
      const base = baseOf(request);
      const tracks = await deps.getTracksByIds(ids);
      return { tracks: tracks.map((t) => (t ? trackObject(t, base) : null)) };
    });

    getBoth('/recommendations', doc({
        summary: 'Recommendations from seed tracks, artists and genres with min_/max_/target_ attributes (plus moodscape\'s seed_moods, target_mood, context)',
        querystring: recommendationsQuerySchema(),
      }), async (request): Promise<SpotifyRecommendations> => {
      const q = parseRecommendationsQuery(request.query as Query);
      const base = baseOf(request);
      const r = await deps.recommend(q);
      return {
        seeds: r.seeds.map((s) => seedObject(s, base)),
        tracks: r.tracks.map((t) => trackObject(t, base, t.reasons)),
        moodscape: { query: r.query, warnings: r.warnings },
      };
    });

    app.get('/recommendations/available-genre-seeds', doc({ summary: 'The genres seed_genres accepts: this catalogue\'s genre metadata' }), async () => ({ genres: [...(await deps.genres())] }));
  };

  // Works registered bare (`app.register(spotifySurface(deps))`, the prefix is added here) and
  // registered with the prefix (`app.register(spotifySurface(deps), { prefix: '/v1' })`).
  return async (app) => {
    if (app.prefix.endsWith(prefix)) await routes(app);
    else await app.register(routes, { prefix });
  };
}
