/** GET /openapi.json and GET /docs (a plain HTML page rendered from the same document; no scripts). */
import type { FastifyInstance } from 'fastify';
import { openApiDocument, type CollectedRoute } from '../../openapi.ts';
import { CURL_EXAMPLES } from './examples.ts';

export interface DocsOptions {
  routes: readonly CollectedRoute[];
  version: string;
}

export const DOCS_CSP = "default-src 'none'; style-src 'unsafe-inline'";

export default async function docsRoutes(app: FastifyInstance, opts: DocsOptions): Promise<void> {
  let doc: Record<string, unknown> | undefined;
  const document = () => (doc ??= openApiDocument(opts.routes, {
    title: 'moodscape',
    version: opts.version,
    description: 'Mood tags and mood/context playlists from Spotify-style audio features. Errors are `{statusCode, error, message, field?}`.',
  }));

  app.get('/openapi.json', {
    schema: {
      summary: 'This API as an OpenAPI 3.1 document',
      tags: ['meta'],
      response: { 200: { type: 'object', additionalProperties: true } },
    },
  }, async () => document());

  app.get('/docs', {
    schema: {
      summary: 'Human-readable API documentation',
      tags: ['meta'],
      produces: ['text/html'],
      response: { 200: { type: 'string' } },
    },
  }, async (req, reply) => {
    const base = `${req.protocol}://${req.host}`;
    return reply.type('text/html; charset=utf-8').header('content-security-policy', DOCS_CSP).send(renderDocs(document(), base));
  });
}

const esc = (s: unknown) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function constraint(s: Record<string, unknown>): string {
  const parts: string[] = [];
  const t = Array.isArray(s.type) ? s.type.join(' | ') : s.type;
  if (t) parts.push(String(t));
  if (s.enum) parts.push(`one of ${(s.enum as unknown[]).join(', ')}`);
  if (s.minimum !== undefined || s.maximum !== undefined) parts.push(`${s.minimum ?? '−∞'}…${s.maximum ?? '∞'}`);
  if (s.default !== undefined) parts.push(`default ${JSON.stringify(s.default)}`);
  return parts.join('; ');
}

export function renderDocs(doc: Record<string, unknown>, base: string): string {
  const paths = doc.paths as Record<string, Record<string, Record<string, unknown>>>;
  const ops: string[] = [];
  const toc: string[] = [];
  for (const [path, methods] of Object.entries(paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const anchor = `${method}-${path.replace(/[^a-z0-9]+/gi, '-')}`;
      toc.push(`<li><a href="#${anchor}"><code>${method.toUpperCase()} ${esc(path)}</code></a> — ${esc(op.summary ?? '')}</li>`);
      const params = (op.parameters as Record<string, unknown>[] | undefined) ?? [];
      const rows = params.map((p) => `<tr><td><code>${esc(p.name)}</code></td><td>${esc(p.in)}</td><td>${p.required ? 'yes' : ''}</td><td>${esc(constraint(p.schema as Record<string, unknown>))}</td><td>${esc(p.description ?? '')}</td></tr>`).join('');
      const body = op.requestBody as { content: Record<string, { schema: unknown }> } | undefined;
      const curl = CURL_EXAMPLES[`${method} ${path}`];
      ops.push(`<section id="${anchor}">
<h2><span class="m ${method}">${method.toUpperCase()}</span> <code>${esc(path)}</code></h2>
<p>${esc(op.summary ?? '')}${op.security ? ' <strong>Needs a bearer token.</strong>' : ''}</p>
${op.description ? `<p>${esc(op.description)}</p>` : ''}
${rows ? `<table><thead><tr><th>parameter</th><th>in</th><th>required</th><th>type</th><th>about</th></tr></thead><tbody>${rows}</tbody></table>` : ''}
${body ? `<details><summary>request body (JSON Schema)</summary><pre>${esc(JSON.stringify(body.content['application/json'].schema, null, 2))}</pre></details>` : ''}
<p class="codes">responses: ${Object.keys(op.responses as object).join(', ')}</p>
${curl ? `<pre class="curl">${esc(curl.replaceAll('$B', base))}</pre>` : ''}
</section>`);
    }
  }
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>moodscape API</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:0 auto;padding:1rem;color:#222}
code,pre{font:13px ui-monospace,monospace}pre{background:#f5f5f5;padding:.6rem;overflow-x:auto;border-radius:4px}
table{border-collapse:collapse;width:100%;font-size:13px;display:block;overflow-x:auto}td,th{border-bottom:1px solid #ddd;padding:.25rem .5rem;text-align:left;vertical-align:top}
section{border-top:1px solid #ccc;padding-top:.5rem;margin-top:1rem}h2{font-size:1.1rem}
.m{display:inline-block;min-width:3.5rem;text-align:center;border-radius:3px;color:#fff;font-size:12px;padding:.1rem .3rem}
.get{background:#2a7ab0}.post{background:#2e8b57}.codes{color:#666;font-size:13px}
</style></head><body>
<h1>moodscape API</h1>
<p>${esc((doc.info as Record<string, unknown>).description)} The machine-readable form is <a href="/openapi.json">/openapi.json</a>; the web app is at <a href="/">/</a>.</p>
<ul>${toc.join('\n')}</ul>
${ops.join('\n')}
</body></html>`;
}
