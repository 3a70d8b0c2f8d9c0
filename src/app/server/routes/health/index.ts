import type { FastifyInstance } from 'fastify';
import { errorResponses } from '../../schemas/common.ts';

/** Anyone may read /health: absolute paths in a name (the model directory) are cut to their last part. */
export function withoutPaths(text: string): string {
  return text.replace(/(?:[A-Za-z]:)?[\\/](?:[^\\/\s()"]+[\\/])*([^\\/\s()"]*)/g, '$1');
}

export default async function healthRoutes(app: FastifyInstance): Promise<void> {
  app.get('/health', {
    schema: {
      summary: 'Liveness, the store\'s state (ok or degraded) and what the server holds',
      tags: ['meta'],
      response: {
        200: {
          type: 'object',
          properties: {
            status: { type: 'string', enum: ['ok', 'degraded'] },
            degraded: {
              type: 'array',
              description: 'the failing dependencies, when status is degraded',
              items: { type: 'object', properties: { dependency: { type: 'string' }, since: { type: 'string' }, message: { type: 'string' } } },
            },
            servingFromSnapshot: { type: 'boolean', description: 'true while reads come from the in-memory snapshot because the store is down' },
            tracks: { type: 'integer' },
            model: { type: 'object', properties: { id: { type: 'string' }, name: { type: 'string' }, classes: { type: 'array', items: { type: 'string' } } } },
            store: { type: 'string' },
            snapshot: { type: 'object', properties: { version: { type: 'integer' }, loadedAt: { type: 'string' } } },
            writes: { type: 'string', enum: ['token', 'open', 'read-only'] },
            uptimeSeconds: { type: 'number' },
          },
          required: ['status'],
        },
        ...errorResponses,
      },
    },
  }, async () => {
    const s = app.catalogue;
    const snap = s.snapshot;
    const up = await app.storeHealth.probe();
    return {
      status: up ? 'ok' : 'degraded',
      ...(up ? {} : { degraded: app.storeHealth.problems(), servingFromSnapshot: true }),
      tracks: snap.table.rowCount,
      model: { id: s.modelRecord.id, name: withoutPaths(s.modelRecord.name), classes: [...s.classes] },
      store: s.store.kind,
      snapshot: { version: snap.version, loadedAt: snap.loadedAt },
      writes: app.serverConfig.auth,
      uptimeSeconds: Math.round(process.uptime()),
    };
  });
}
