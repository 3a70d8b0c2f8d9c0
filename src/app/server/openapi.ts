/**
 * The OpenAPI 3.1 document, written from the routes' own JSON Schemas (collected with an onRoute
 * hook), so validation, serialisation and documentation cannot drift apart. OpenAPI 3.1 takes JSON
 * Schema as is (type arrays such as ["number","null"] included).
 */
import type { RouteOptions } from 'fastify';

export interface CollectedRoute {
  method: string;
  url: string;
  schema: Record<string, unknown>;
}

type Schema = Record<string, unknown>;

/** Routes with a schema, except HEAD twins and hidden routes. */
export function collectRoute(routes: CollectedRoute[], r: RouteOptions): void {
  const methods = Array.isArray(r.method) ? r.method : [r.method];
  const schema = r.schema as Schema | undefined;
  if (!schema || schema.hide) return;
  for (const m of methods) if (m !== 'HEAD') routes.push({ method: m.toLowerCase(), url: r.url, schema });
}

const STATUS_TEXT: Record<string, string> = {
  200: 'OK', 400: 'Bad input: the message names the failing field', 401: 'Missing or wrong bearer token',
  403: 'Writes are disabled on this server', 404: 'Not found', 413: 'Body too large', 500: 'Internal error (no details are exposed)',
};

export function openApiDocument(routes: readonly CollectedRoute[], info: { title: string; version: string; description: string }): Schema {
  const paths: Record<string, Record<string, unknown>> = {};
  const sorted = [...routes].sort((a, b) => (a.url === b.url ? a.method.localeCompare(b.method) : a.url.localeCompare(b.url)));
  for (const r of sorted) {
    const path = r.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    const s = r.schema;
    const parameters: Schema[] = [];
    for (const [where, key] of [['path', 'params'], ['query', 'querystring']] as const) {
      const obj = s[key] as Schema | undefined;
      const props = (obj?.properties ?? {}) as Record<string, Schema>;
      const required = new Set((obj?.required as string[] | undefined) ?? []);
      for (const [name, ps] of Object.entries(props)) {
        const { description, ...rest } = ps;
        parameters.push({ name, in: where, required: where === 'path' || required.has(name), ...(description ? { description } : {}), schema: rest });
      }
    }
    const produces = (s.produces as string[] | undefined) ?? ['application/json'];
    const responses: Record<string, unknown> = {};
    for (const [code, rs] of Object.entries((s.response ?? {}) as Record<string, Schema>)) {
      const type = code === '200' ? produces[0] : 'application/json';
      responses[code] = { description: STATUS_TEXT[code] ?? 'response', content: { [type]: { schema: code === '200' && type !== 'application/json' ? { type: 'string' } : rs } } };
    }
    const op: Schema = {
      operationId: `${r.method}${path.replace(/[{}]/g, '').split('/').filter(Boolean).map((p) => p[0].toUpperCase() + p.slice(1)).join('') || 'Root'}`,
      summary: s.summary,
      ...(s.description ? { description: s.description } : {}),
      ...(s.tags ? { tags: s.tags } : {}),
      ...(parameters.length ? { parameters } : {}),
      ...(s.body ? { requestBody: { required: true, content: { 'application/json': { schema: s.body } } } } : {}),
      responses,
      ...(s.security ? { security: s.security } : {}),
    };
    (paths[path] ??= {})[r.method] = op;
  }
  return {
    openapi: '3.1.0',
    info,
    paths,
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'the server\'s MOODSCAPE_TOKEN' } } },
  };
}
