/** POST /tag: features in → mood and probabilities out, for tracks that are not in the catalogue. */
import type { FastifyInstance } from 'fastify';
import { errorResponses, featuresInSchema, mapPointSchema, probabilitiesSchema } from '../../schemas/common.ts';

export const MAX_TAG_BATCH = 1000;

export default async function tagRoutes(app: FastifyInstance): Promise<void> {
  app.post<{ Body: { tracks: Record<string, number | string>[] } }>('/tag', {
    schema: {
      summary: `Tag up to ${MAX_TAG_BATCH} tracks from their audio features (nothing is stored)`,
      description: 'Optional features the model uses but a track lacks take the training average.',
      tags: ['tagging'],
      body: {
        type: 'object',
        additionalProperties: false,
        properties: { tracks: { type: 'array', minItems: 1, maxItems: MAX_TAG_BATCH, items: featuresInSchema } },
        required: ['tracks'],
      },
      response: {
        200: {
          type: 'object',
          properties: {
            model: { type: 'string' },
            tracks: {
              type: 'array',
              items: {
                type: 'object',
                properties: {
                  id: { type: 'string' },
                  mood: { type: 'string' },
                  confidence: { type: 'number' },
                  probabilities: probabilitiesSchema,
                  map: mapPointSchema,
                },
                required: ['mood', 'confidence', 'probabilities'],
              },
            },
          },
          required: ['model', 'tracks'],
        },
        ...errorResponses,
      },
    },
  }, async (req) => {
    const s = app.catalogue;
    const rows = req.body.tracks as Record<string, number>[];
    const tagged = s.tagFeatures(rows);
    return {
      model: s.modelRecord.id,
      tracks: tagged.map((t, i) => {
        const id = req.body.tracks[i].id;
        return typeof id === 'string' ? { id, ...t } : t;
      }),
    };
  });
}
