/**
 * POST /feedback: a like or a skip (later recommendations for that user shift towards the likes),
 * or a relabel: a correction of the track's mood, which POST /models/adapt learns from.
 */
import type { FastifyInstance } from 'fastify';
import { FEEDBACK_KINDS, type FeedbackKind } from '../../../../io/store/open-store.ts';
import { InputError } from '../../../../core/common/errors.ts';
import { CATALOGUE_USER } from '../../../../io/taste-store.ts';
import { trackIdSchema, writeErrorResponses } from '../../schemas/common.ts';
import { userSchema } from '../../schemas/recommend.ts';

export default async function feedbackRoutes(app: FastifyInstance): Promise<void> {
  app.post<{ Body: { user?: string; trackId: string; kind: FeedbackKind; mood?: string } }>('/feedback', {
    onRequest: app.requireWrite,
    schema: {
      summary: 'Record a like or a skip of a catalogue track for a user, or correct its mood',
      description: 'Needs `Authorization: Bearer <token>`. Pass the same `user` to /recommend to use likes and skips. '
        + '`{"kind":"relabel","trackId":…,"mood":"Calm"}` corrects the track\'s mood (one of the model\'s moods; `user` optional, default "' + CATALOGUE_USER + '"); POST /models/adapt learns from the corrections.',
      tags: ['recommend'],
      security: [{ bearer: [] }],
      body: {
        type: 'object',
        additionalProperties: false,
        properties: {
          user: userSchema,
          trackId: trackIdSchema,
          kind: { type: 'string', enum: [...FEEDBACK_KINDS] },
          mood: { type: 'string', minLength: 1, maxLength: 64, description: 'with kind relabel: the corrected mood, one of the model\'s moods' },
        },
        required: ['trackId', 'kind'],
      },
      response: {
        200: {
          type: 'object',
          properties: {
            user: { type: 'string' },
            recorded: { type: 'object', properties: { trackId: { type: 'string' }, kind: { type: 'string' }, mood: { type: 'string' } } },
            likes: { type: 'array', items: { type: 'string' }, description: 'liked track ids, oldest first' },
            skips: { type: 'array', items: { type: 'string' } },
          },
          required: ['user', 'likes', 'skips'],
        },
        ...writeErrorResponses,
      },
    },
  }, async (req) => {
    const { trackId, kind, mood } = req.body;
    if (kind !== 'relabel' && req.body.user === undefined) throw new InputError(`a ${kind} needs "user"`, { column: 'user' });
    const user = req.body.user ?? CATALOGUE_USER;
    const p = await app.catalogue.addFeedback(user, trackId, kind, mood);
    return { user, recorded: { trackId, kind, ...(mood !== undefined ? { mood } : {}) }, likes: p.likes.map((x) => x.id), skips: p.skips.map((x) => x.id) };
  });
}
