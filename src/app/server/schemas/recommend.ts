/** Schemas of GET|POST /recommend. */
import { KNOBS, knobRange, MAX_LIMIT, MAX_SEEDS } from '../../../core/recommend/index.ts';
import { errorResponses, featuresOut, mapPointSchema, trackIdSchema } from './common.ts';

const knobValues = (what: string) => ({
  type: 'object',
  additionalProperties: false,
  description: `${what} per attribute`,
  properties: Object.fromEntries(KNOBS.map((k) => { const r = knobRange(k); return [k, { type: 'number', minimum: r.min, maximum: r.max }]; })),
});

export const USER_PATTERN = '^[\\p{L}\\p{N}_.@-]{1,64}$';
export const userSchema = { type: 'string', pattern: USER_PATTERN, description: 'user name (1–64 letters, digits or _ . @ -)' } as const;

export const recommendBody = {
  type: 'object',
  additionalProperties: false,
  properties: {
    mood: { type: 'string', minLength: 1, maxLength: 100, description: 'a mood of the model' },
    moods: { type: 'array', items: { type: 'string', minLength: 1, maxLength: 100 }, maxItems: MAX_SEEDS },
    context: { type: 'string', minLength: 1, maxLength: 100, description: 'workout, running, focus, commute, relax, sleep, party, dinner, or a preset' },
    seeds: { type: 'array', items: trackIdSchema, maxItems: MAX_SEEDS, description: 'seed track ids ("more like these")' },
    arc: { type: 'string', minLength: 1, maxLength: 100, description: 'a named mood arc' },
    target: knobValues('soft targets'),
    min: knobValues('hard lower bounds'),
    max: knobValues('hard upper bounds'),
    limit: { type: 'integer', minimum: 1, maximum: MAX_LIMIT, default: 20 },
    lambda: { type: 'number', minimum: 0, maximum: 1, description: 'relevance vs diversity (1 = relevance only)' },
    artistCap: { type: 'integer', minimum: 1, maximum: 20 },
    user: userSchema,
    format: { type: 'string', enum: ['json', 'm3u'], default: 'json' },
  },
} as const;

/** GET /recommend: the same query as flat query parameters (`target_energy=0.8`, `seeds=a,b`). */
export const recommendQuerystring = {
  type: 'object',
  additionalProperties: false,
  properties: {
    mood: { type: 'string', minLength: 1, maxLength: 500, description: 'mood, or moods separated by commas' },
    context: { type: 'string', minLength: 1, maxLength: 100 },
    seeds: { type: 'string', minLength: 1, maxLength: 1100, description: 'seed track ids separated by commas' },
    arc: { type: 'string', minLength: 1, maxLength: 100 },
    limit: { type: 'integer', minimum: 1, maximum: MAX_LIMIT, default: 20 },
    lambda: { type: 'number', minimum: 0, maximum: 1 },
    artist_cap: { type: 'integer', minimum: 1, maximum: 20 },
    user: userSchema,
    format: { type: 'string', enum: ['json', 'm3u'], default: 'json' },
    ...Object.fromEntries(KNOBS.flatMap((k) => {
      const r = knobRange(k);
      return (['target', 'min', 'max'] as const).map((p) => [`${p}_${k}`, { type: 'number', minimum: r.min, maximum: r.max }]);
    })),
  },
} as const;

export const recTrackSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    artist: { type: 'string' },
    genre: { type: 'string' },
    mood: { type: 'string' },
    confidence: { type: 'number' },
    score: { type: 'number' },
    why: { type: 'array', items: { type: 'string' } },
    features: featuresOut,
    map: mapPointSchema,
  },
  required: ['id', 'name', 'artist', 'mood', 'confidence', 'score', 'why'],
} as const;

export const recommendResponse = {
  200: {
    type: 'object',
    properties: {
      tracks: { type: 'array', items: recTrackSchema },
      pool: {
        type: 'object',
        properties: {
          initial: { type: 'integer' },
          afterFiltering: { type: 'integer' },
          steps: { type: 'array', items: { type: 'object', properties: { constraint: { type: 'string' }, remaining: { type: 'integer' } } } },
        },
      },
      query: { type: 'object', additionalProperties: true },
      arc: { type: 'object', additionalProperties: true },
      warnings: { type: 'array', items: { type: 'string' } },
      cached: { type: 'boolean' },
    },
    required: ['tracks', 'pool', 'query', 'warnings'],
  },
  ...errorResponses,
} as const;

export interface RecommendBody {
  mood?: string;
  moods?: string[];
  context?: string;
  seeds?: string[];
  arc?: string;
  target?: Record<string, number>;
  min?: Record<string, number>;
  max?: Record<string, number>;
  limit?: number;
  lambda?: number;
  artistCap?: number;
  user?: string;
  format?: 'json' | 'm3u';
}

export type RecommendQuerystring = Record<string, string | number | undefined>;
