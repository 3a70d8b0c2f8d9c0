/** GET /map: a sample of the catalogue on the mood map, for drawing the background of the map. */
import type { FastifyInstance } from 'fastify';
import { errorResponses } from '../../schemas/common.ts';

export default async function mapRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Querystring: { limit: number } }>('/map', {
    schema: {
      summary: 'Catalogue tracks on the mood map (PCA of the standardised model inputs), sampled evenly',
      tags: ['catalogue'],
      querystring: {
        type: 'object',
        additionalProperties: false,
        properties: { limit: { type: 'integer', minimum: 1, maximum: 5000, default: 1500 } },
      },
      response: {
        200: {
          type: 'object',
          properties: {
            explained: { type: 'array', items: { type: 'number' }, description: 'share of variance along x and y' },
            points: {
              type: 'array',
              items: { type: 'object', properties: { id: { type: 'string' }, x: { type: 'number' }, y: { type: 'number' }, mood: { type: 'string' } } },
            },
            centroids: {
              type: 'array',
              items: { type: 'object', properties: { mood: { type: 'string' }, x: { type: 'number' }, y: { type: 'number' } } },
            },
          },
          required: ['points', 'centroids'],
        },
        ...errorResponses,
      },
    },
  }, async (req) => {
    const s = app.catalogue;
    const snap = s.snapshot;
    const n = snap.table.rowCount;
    if (!snap.map) return { explained: [], points: [], centroids: [] };
    const top = snap.rec.topMood!;
    const ids = snap.table.text.id;
    const step = Math.max(1, n / req.query.limit);
    const points = [];
    for (let f = 0; Math.floor(f) < n && points.length < req.query.limit; f += step) {
      const r = Math.floor(f);
      points.push({ id: ids[r], x: snap.mapX[r], y: snap.mapY[r], mood: snap.tags.decisions[r].mood });
    }
    const sx = new Float64Array(s.classes.length), sy = new Float64Array(s.classes.length), c = new Float64Array(s.classes.length);
    for (let r = 0; r < n; r++) { sx[top[r]] += snap.mapX[r]; sy[top[r]] += snap.mapY[r]; c[top[r]]++; }
    const centroids = s.classes.flatMap((mood, j) => (c[j] ? [{ mood, x: sx[j] / c[j], y: sy[j] / c[j] }] : []));
    return { explained: [...snap.map.explained], points, centroids };
  });
}
