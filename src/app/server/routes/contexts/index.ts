import type { FastifyInstance } from 'fastify';
import { describeContext, matchingClasses, NAMED_ARCS } from '../../../../core/recommend/index.ts';
import { errorResponses } from '../../schemas/common.ts';

export default async function contextRoutes(app: FastifyInstance): Promise<void> {
  app.get('/contexts', {
    schema: {
      summary: 'Listening contexts (workout, focus, sleep …) with their rules, and the named mood arcs',
      tags: ['catalogue'],
      response: {
        200: {
          type: 'object',
          properties: {
            contexts: {
              type: 'array',
              items: {
                type: 'object',
                properties: {
                  name: { type: 'string' },
                  description: { type: 'string' },
                  aliases: { type: 'array', items: { type: 'string' } },
                  rules: { type: 'array', items: { type: 'string' } },
                  preferredMoods: { type: 'array', items: { type: 'string' }, description: "this model's moods the context prefers" },
                  excludedMoods: { type: 'array', items: { type: 'string' }, description: "this model's moods the context never returns" },
                  builtIn: { type: 'boolean' },
                },
                required: ['name', 'description', 'rules'],
              },
            },
            arcs: { type: 'array', items: { type: 'string' } },
          },
          required: ['contexts', 'arcs'],
        },
        ...errorResponses,
      },
    },
  }, async () => {
    const s = app.catalogue;
    const builtIn = new Set(s.allContexts.slice(0, s.allContexts.length - s.contexts.length).map((c) => c.name));
    return {
      contexts: s.allContexts.map((c) => ({
        name: c.name,
        description: c.description,
        aliases: [...(c.aliases ?? [])],
        rules: describeContext(c),
        preferredMoods: matchingClasses(s.classes, c.preferMoods).map((j) => s.classes[j]),
        excludedMoods: matchingClasses(s.classes, c.excludeMoods).map((j) => s.classes[j]),
        builtIn: builtIn.has(c.name),
      })),
      arcs: NAMED_ARCS.map((a) => a.name),
    };
  });
}
