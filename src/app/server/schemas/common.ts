/**
 * JSON Schemas shared by the routes. Plain objects (no TypeBox in this project): one definition
 * gives validation (ajv), serialisation (fast-json-stringify) and the OpenAPI document.
 */
import { AUDIO_FEATURES, REQUIRED_FEATURES } from '../../../core/data/features.ts';

export const errorSchema = {
  type: 'object',
  description: 'Every error: HTTP status, reason, a message a person can act on, and the failing field when one is to blame.',
  properties: {
    statusCode: { type: 'integer' },
    error: { type: 'string' },
    message: { type: 'string' },
    field: { type: 'string' },
  },
  required: ['statusCode', 'error', 'message'],
} as const;

/** The error responses every route may give. */
export const errorResponses = {
  400: errorSchema,
  404: errorSchema,
  413: errorSchema,
  500: errorSchema,
} as const;

export const writeErrorResponses = { ...errorResponses, 401: errorSchema, 403: errorSchema } as const;

/** One property per audio feature, with its documented range. */
export const featureProperties: Record<string, { type: 'number'; minimum: number; maximum: number; description: string }> = Object.fromEntries(
  AUDIO_FEATURES.map((f) => [f.name, { type: 'number', minimum: f.min, maximum: f.max, description: f.description + (f.unit ? ` (${f.unit})` : '') }]),
);

/** Audio features in output (null when the track lacks one). */
export const featuresOut = {
  type: 'object',
  description: 'Audio features by name; null when unknown.',
  properties: Object.fromEntries(AUDIO_FEATURES.map((f) => [f.name, { type: ['number', 'null'] }])),
} as const;

export const idPattern = '^[^\\u0000-\\u001f]{1,200}$';

export const trackIdSchema = { type: 'string', minLength: 1, maxLength: 200, pattern: idPattern } as const;

/** A track as clients send it: Spotify's flat audio-features shape plus metadata. */
export const trackInSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    id: trackIdSchema,
    name: { type: 'string', maxLength: 500 },
    artist: { type: 'string', maxLength: 500 },
    album: { type: 'string', maxLength: 500 },
    genre: { type: 'string', maxLength: 200 },
    ...featureProperties,
  },
  required: ['id', ...REQUIRED_FEATURES],
} as const;

/** Features only (POST /tag): the required features, optionally an id to echo back. */
export const featuresInSchema = {
  type: 'object',
  additionalProperties: false,
  properties: { id: { type: 'string', maxLength: 200 }, ...featureProperties },
  required: [...REQUIRED_FEATURES],
} as const;

export const probabilitiesSchema = {
  type: 'object',
  description: 'Probability per mood of the model.',
  additionalProperties: { type: 'number' },
} as const;

export const mapPointSchema = {
  type: ['object', 'null'],
  description: 'Position on the mood map (first two principal components of the standardised model inputs).',
  properties: { x: { type: 'number' }, y: { type: 'number' } },
} as const;

export interface TrackIn {
  id: string;
  name?: string;
  artist?: string;
  album?: string;
  genre?: string;
  [feature: string]: string | number | undefined;
}
