/**
 * Serves the web app: `/` (index.html), `/static/*` (only the files in ./public, listed at start-up),
 * and `/app.js` (client/app.ts compiled by esbuild in memory when the server starts; nothing is
 * written to disk and nothing is fetched at run time).
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

const HERE = dirname(fileURLToPath(import.meta.url));
export const PUBLIC_DIR = join(HERE, 'public');
export const CLIENT_ENTRY = join(HERE, 'client', 'app.ts');

/** The web app's policy: only its own origin, no inline scripts or styles. */
export const WEB_CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

let compiled: Promise<string> | undefined;

/** The client bundle (compiled once per process). */
export function clientBundle(): Promise<string> {
  return (compiled ??= (async () => {
    const esbuild = await import('esbuild');
    const out = await esbuild.build({
      entryPoints: [CLIENT_ENTRY],
      bundle: true,
      write: false,
      format: 'iife',
      platform: 'browser',
      target: ['es2020'],
      minify: true,
      legalComments: 'none',
      logLevel: 'silent',
    });
    return out.outputFiles[0].text;
  })());
}

export default async function webApp(app: FastifyInstance): Promise<void> {
  const files = new Set(readdirSync(PUBLIC_DIR).filter((f) => !f.startsWith('.')).map((f) => `/${f}`));
  const js = await clientBundle();

  await app.register(fastifyStatic, {
    root: PUBLIC_DIR,
    prefix: '/static/',
    index: false,
    list: false,
    dotfiles: 'deny',
    serveDotFiles: false,
    // Only the files that were in public/ at start-up; anything else is a plain 404.
    allowedPath: (pathName: string) => files.has(pathName.startsWith('/') ? pathName : `/${pathName}`),
    setHeaders: (res) => {
      res.header('content-security-policy', WEB_CSP);
      res.header('cache-control', 'no-cache');
    },
    schemaHide: true,
  });

  app.get('/', { schema: { hide: true } }, async (_req, reply) =>
    reply.header('content-security-policy', WEB_CSP).header('cache-control', 'no-cache').sendFile('index.html'));

  app.get('/app.js', { schema: { hide: true } }, async (_req, reply) =>
    reply.type('text/javascript; charset=utf-8').header('content-security-policy', WEB_CSP).header('cache-control', 'no-cache').send(js));
}
