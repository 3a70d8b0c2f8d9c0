import type { FastifyInstance } from 'fastify';
import { UNCERTAIN } from '../../../../core/classify/uncertain.ts';
import { errorResponses } from '../../schemas/common.ts';

export default async function moodRoutes(app: FastifyInstance): Promise<void> {
  app.get('/moods', {
    schema: {
      summary: "The model's moods and how many catalogue tracks have each",
      tags: ['catalogue'],
      response: {
        200: {
          type: 'object',
          properties: {
            model: { type: 'object', properties: { id: { type: 'string' }, name: { type: 'string' } } },
            moods: {
              type: 'array',
              items: { type: 'object', properties: { name: { type: 'string' }, tracks: { type: 'integer' } }, required: ['name', 'tracks'] },
            },
            uncertain: { type: 'integer', description: 'tracks whose top probability is below the model\'s threshold' },
            priorShift: {
              type: 'object',
              description: '`auto` (serve --prior-shift auto): tags and mood playlists use probabilities adjusted to the catalogue\'s estimated mood mix',
              properties: {
                mode: { type: 'string', enum: ['off', 'auto'] },
                estimatedMix: { type: ['object', 'null'], additionalProperties: { type: 'number' } },
              },
            },
          },
          required: ['moods', 'uncertain'],
        },
        ...errorResponses,
      },
    },
  }, async () => {
    const s = app.catalogue;
    const counts = s.snapshot.moodCounts;
    return { model: { id: s.modelRecord.id, name: s.modelRecord.name }, moods: s.classes.map((name) => ({ name, tracks: counts[name] ?? 0 })), uncertain: counts[UNCERTAIN] ?? 0, priorShift: { mode: s.priorShift, estimatedMix: s.snapshot.tags.estimatedPriors } };
  });
}
