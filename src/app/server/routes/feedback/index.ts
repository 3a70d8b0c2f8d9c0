/** POST /feedback: a like or a skip; later recommendations for that user shift towards the likes. */
import type { FastifyInstance } from 'fastify';
import { FEEDBACK_KINDS, type FeedbackKind } from '../../../../io/store/open-store.ts';
import { trackIdSchema, writeErrorResponses } from '../../schemas/common.ts';
import { userSchema } from '../../schemas/recommend.ts';

export default async function feedbackRoutes(app: FastifyInstance): Promise<void> {
  app.post<{ Body: { user: string; trackId: string; kind: FeedbackKind } }>('/feedback', {
    onRequest: app.requireWrite,
    schema: {
      summary: 'Record a like or a skip of a catalogue track for a user',
      description: 'Needs `Authorization: Bearer <token>`. Pass the same `user` to /recommend to use the feedback.',
      tags: ['recommend'],
      security: [{ bearer: [] }],
      body: {
        type: 'object',
        additionalProperties: false,
        properties: { user: userSchema, trackId: trackIdSchema, kind: { type: 'string', enum: [...FEEDBACK_KINDS] } },
        required: ['user', 'trackId', 'kind'],
      },
      response: {
        200: {
          type: 'object',
          properties: {
            user: { type: 'string' },
            recorded: { type: 'object', properties: { trackId: { type: 'string' }, kind: { type: 'string' } } },
            likes: { type: 'array', items: { type: 'string' }, description: 'liked track ids, oldest first' },
            skips: { type: 'array', items: { type: 'string' } },
          },
          required: ['user', 'likes', 'skips'],
        },
        ...writeErrorResponses,
      },
    },
  }, async (req) => {
    const { user, trackId, kind } = req.body;
    const p = await app.catalogue.addFeedback(user, trackId, kind);
    return { user, recorded: { trackId, kind }, likes: p.likes.map((x) => x.id), skips: p.skips.map((x) => x.id) };
  });
}
