/**
 * `moodscape serve --db … --model … [--port 8080] [--host 127.0.0.1] [--no-auth] [--json]`: the HTTP API and
 * the web app over a catalogue store. Write routes (POST /tracks, POST /feedback) need the bearer
 * token in MOODSCAPE_TOKEN; without one they are disabled (403) unless --no-auth is given.
 *
 * Other surfaces (e.g. the Spotify-compatible /v1 routes) plug in beside the app as extensions:
 *   registerServe(program, [(ctx) => [spotifySurface(spotifyDepsFromState(ctx.state, ctx.auth)), {}]])
 */
import type { Command } from 'commander';
import type { FastifyPluginAsync } from 'fastify';
import { InputError } from '../../../core/common/errors.ts';
import { parsePriorShift, PRIOR_SHIFT_HELP } from '../../../core/tag/tag-tracks.ts';
import { loadMoodModel } from '../../../io/mood-model-dir.ts';
import cluster from 'node:cluster';
import fp from 'fastify-plugin';
import { isPostgresSpec, openStore } from '../../../io/store/open-store.ts';
import type { CatalogueStore } from '../../../io/store/catalogue-store.ts';
import { PgChangeFeed } from '../../../io/store/change-feed.ts';
import { authMode, type AuthMode } from '../../server/auth.ts';
import { CatalogueState } from '../../server/catalogue-state.ts';
import { startServer } from '../../server/server.ts';
import { DEFAULT_LIMITS, LIMIT_SETTINGS, resolveLimits, type ServerLimits } from '../../server/limits.ts';
import { resolveModelDir, type ResolvedModel } from '../model-resolution.ts';
import { createLogger } from '../progress.ts';
import { action, parseNumberFlag } from '../run-action.ts';
import { readPresets } from './recommend.ts';
import { redactStoreSpec } from '../../../io/store/store-spec.ts';

export interface ServeContext {
  state: CatalogueState;
  auth: AuthMode;
}

/** A plugin (with its options) to register beside the app, built from the server's state. */
export type ServeExtension = (ctx: ServeContext) => readonly [FastifyPluginAsync<any>, Record<string, unknown>?];

interface ServeFlags {
  db: string;
  model?: string;
  port: string;
  host: string;
  auth: boolean;
  report?: string;
  presets?: string;
  quiet?: boolean;
  json?: boolean;
  log?: string;
  workers: string;
  priorShift?: string;
  adaptDir?: string;
  [limitFlag: string]: unknown;
}

/** The limit flags commander parsed (camel-cased flag names) by limit key. */
function limitFlags(flags: ServeFlags): Partial<Record<keyof ServerLimits, string>> {
  const out: Partial<Record<keyof ServerLimits, string>> = {};
  for (const [key, { flag }] of Object.entries(LIMIT_SETTINGS)) {
    const camel = flag.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());
    if (typeof flags[camel] === 'string') out[key as keyof ServerLimits] = flags[camel] as string;
  }
  return out;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

export function registerServe(program: Command, extensions: readonly ServeExtension[] = []): void {
  const command = program
    .command('serve')
    .description('serve the HTTP API and the web app over a catalogue store (token for writes in MOODSCAPE_TOKEN)')
    .requiredOption('--db <spec>', 'catalogue store: a SQLite file or a postgres:// URL')
    .option('--model <dir>', 'model directory written by train (default: the built-in model, or the audio mood model for a catalogue written by analyze while the store has no current model; untagged tracks are tagged at start-up)')
    .option('--port <n>', 'port to listen on (0 = any free port)', '8080')
    .option('--host <addr>', 'address to listen on', '127.0.0.1')
    .option('--no-auth', 'allow writes without a token (local use only)')
    .option('--report <file>', 'serve this HTML report at /report instead of generating one')
    .option('--presets <file>', 'JSON file of user context presets')
    .option('--prior-shift <mode>', `${PRIOR_SHIFT_HELP}; mood playlists rank by the adjusted probability`)
    .option('--adapt-dir <dir>', 'where POST /models/adapt writes the model adapted to the corrections (default: <model>-adapted; with the built-in model ./moodscape-adapted)')
    .option('--log <level>', 'log level: fatal, error, warn, info, debug', 'info')
    .option('--quiet', 'no status on stderr')
    .option('--workers <n>', 'processes on this machine sharing the port (node:cluster; PostgreSQL only when more than 1)', '1')
    .option('--json', 'print one JSON line when listening ({"url", "tracks", "model", "db", "writes"}); request logs go to stderr');
  for (const [key, { flag, env }] of Object.entries(LIMIT_SETTINGS)) {
    command.option(`--${flag} <n>`, `limit ${key} (default ${DEFAULT_LIMITS[key as keyof typeof DEFAULT_LIMITS]}, env ${env})`);
  }
  command
    .action(action(async (flags: ServeFlags) => {
      const port = parseNumberFlag('port', flags.port, { integer: true, min: 0, max: 65535 });
      const level = flags.log ?? 'info';
      if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(level)) throw new InputError(`--log must be fatal, error, warn, info or debug, got "${level}"`);
      const priorShift = parsePriorShift(flags.priorShift);
      const workers = parseNumberFlag('workers', flags.workers, { integer: true, min: 1, max: 64 });
      if (workers > 1 && !isPostgresSpec(flags.db)) throw new InputError('--workers above 1 needs a postgres:// --db: the processes learn of each other\'s writes through PostgreSQL');
      if (workers > 1 && cluster.isPrimary) return superviseWorkers(workers, createLogger(Boolean(flags.quiet)));
      // Only the first of a cluster's workers tags untagged tracks at start-up and prints the JSON line.
      const first = cluster.isPrimary || cluster.worker?.id === 1;
      const log = createLogger(Boolean(flags.quiet) || !first);
      const limits = resolveLimits(limitFlags(flags), process.env);
      const auth = authMode(process.env.MOODSCAPE_TOKEN, !flags.auth);
      if (auth.kind === 'open' && !LOOPBACK.has(flags.host)) log(`warning: --no-auth on ${flags.host}: anyone who can reach this address can write`);
      const presets = await readPresets(flags.presets);
      const store = await openStore(flags.db);
      let state: CatalogueState;
      let changes: PgChangeFeed | undefined;
      try {
        const resolved = await serveModelDir(flags.model, store, log);
        const modelDir = resolved.dir;
        // The built-in model lives inside the package: an adapted copy goes to the working directory.
        const adaptDir = flags.adaptDir ?? (resolved.builtin ? 'moodscape-adapted' : undefined);
        const loaded = await loadMoodModel(modelDir);
        // On PostgreSQL every serve process is a replica: writes anywhere reach the others' snapshots.
        if (isPostgresSpec(flags.db)) changes = await PgChangeFeed.open(flags.db, { log });
        state = await CatalogueState.open({ store, modelDir, loaded, contexts: presets, log, changes, tagOnOpen: first, priorShift, adaptDir });
      } catch (e) {
        await changes?.close();
        await store.close();
        throw e;
      }
      const ctx: ServeContext = { state, auth };
      const { url } = await startServer({
        state,
        auth,
        reportPath: flags.report,
        host: flags.host,
        port,
        // With --json, stdout carries only the JSON line, so request logs move to stderr.
        logger: flags.quiet ? false : flags.json ? { level, stream: process.stderr } : { level },
        limits,
        plugins: [...extensions.map((ext) => ext(ctx)), ...(cluster.isWorker ? [[workerHeader, {}] as const] : [])],
      });
      if (flags.json && first) {
        process.stdout.write(JSON.stringify({ url, tracks: state.snapshot.table.rowCount, model: state.modelRecord.id, db: redactStoreSpec(flags.db), writes: auth.kind }) + '\n');
        return;
      }
      log(`moodscape: ${state.snapshot.table.rowCount} tracks from ${redactStoreSpec(flags.db)}, model ${state.modelRecord.id}`);
      log(`moodscape: web app ${url}/  ·  API docs ${url}/docs`);
      if (auth.kind === 'read-only') log('moodscape: writes are disabled (set MOODSCAPE_TOKEN, or --no-auth for local use)');
      else if (auth.kind === 'open') log('moodscape: writes are open (--no-auth)');
    }));
}

/** Under `--workers N`, each response names the process that answered (`x-moodscape-worker: <pid>`). */
const workerHeader = fp(async (app) => {
  const pid = String(process.pid);
  app.addHook('onSend', async (_req, reply) => { reply.header('x-moodscape-worker', pid); });
});

/**
 * The cluster primary of `serve --workers N`: forks N workers (each runs this command again and
 * shares the port), replaces one that dies, and on SIGINT/SIGTERM stops them all and exits.
 */
async function superviseWorkers(n: number, log: (line: string) => void): Promise<void> {
  let stopping = false;
  const fork = () => cluster.fork();
  cluster.on('exit', (w, code, signal) => {
    if (stopping) return;
    log(`moodscape: worker ${w.process.pid} exited (${signal ?? code}); starting another`);
    fork();
  });
  for (let i = 0; i < n; i++) fork();
  await new Promise<void>((resolve) => {
    const onSignal = () => {
      stopping = true;
      const alive = Object.values(cluster.workers ?? {}).filter((w) => w && !w.isDead());
      if (!alive.length) return resolve();
      let left = alive.length;
      for (const w of alive) {
        w!.once('exit', () => { if (--left === 0) resolve(); });
        w!.process.kill('SIGTERM');
      }
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  });
  log(`moodscape: ${n} workers stopped`);
}

/**
 * Without --model, a store that has no current model yet and holds a catalogue written by
 * `analyze` gets the audio mood model, as `tag` and `recommend` do; otherwise the built-in model.
 */
async function serveModelDir(model: string | undefined, store: CatalogueStore, log: (line: string) => void): Promise<ResolvedModel> {
  if (model !== undefined || (await store.getCurrentModel())) return resolveModelDir(model, log);
  return resolveModelDir(undefined, log, await store.loadCatalog());
}
