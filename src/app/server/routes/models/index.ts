/** POST /models/adapt: the start-up model adapted to the catalogue's mood corrections, saved as a new model directory and served from then on. */
import type { FastifyInstance } from 'fastify';
import { writeErrorResponses } from '../../schemas/common.ts';

export default async function modelRoutes(app: FastifyInstance): Promise<void> {
  app.post('/models/adapt', {
    onRequest: app.requireWrite,
    schema: {
      summary: "Adapt the model to the catalogue's mood corrections",
      description: 'Needs `Authorization: Bearer <token>`. Fits the adaptation (the serving model as the prior) to every relabel in the store '
        + '(POST /feedback kind relabel, or `moodscape feedback --relabel`) and writes the adapted model to the server\'s adapt directory '
        + '(`serve --adapt-dir`, default `<model>-adapted`), makes it the store\'s current model and serves it from then on (the other replicas '
        + 'switch too). Each adaptation starts from the model the server was started with, so corrections are not counted twice.',
      tags: ['catalogue'],
      security: [{ bearer: [] }],
      response: {
        200: {
          type: 'object',
          properties: {
            out: { type: 'string', description: 'the adapted model directory' },
            model: { type: 'string', description: 'the id of the adapted model, now the one served' },
            corrections: { type: 'integer' },
            perClass: { type: 'object', additionalProperties: { type: 'integer' } },
            l2: { type: ['number', 'null'], description: 'prior strength chosen by cross-validation on the corrections (null: the original was kept)' },
            features: { type: 'boolean', description: 'whether the feature term was kept' },
          },
          required: ['out', 'model', 'corrections'],
        },
        ...writeErrorResponses,
      },
    },
  }, async () => {
    const r = await app.catalogue.write(() => app.catalogue.adaptModel(), false);
    const s = r.summary;
    return { out: r.out, model: r.modelId, corrections: r.corrections, perClass: s.perClass, l2: Number.isFinite(s.l2) ? s.l2 : null, features: s.features };
  });
}
