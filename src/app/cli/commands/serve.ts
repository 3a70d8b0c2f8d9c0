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
import { openStore } from '../../../io/store/open-store.ts';
import { authMode, type AuthMode } from '../../server/auth.ts';
import { CatalogueState } from '../../server/catalogue-state.ts';
import { startServer } from '../../server/server.ts';
import { DEFAULT_LIMITS, LIMIT_SETTINGS, resolveLimits, type ServerLimits } from '../../server/limits.ts';
import { resolveModelDir } from '../model-resolution.ts';
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
    .option('--model <dir>', 'model directory written by train (default: the built-in model; untagged tracks are tagged at start-up)')
    .option('--port <n>', 'port to listen on (0 = any free port)', '8080')
    .option('--host <addr>', 'address to listen on', '127.0.0.1')
    .option('--no-auth', 'allow writes without a token (local use only)')
    .option('--report <file>', 'serve this HTML report at /report instead of generating one')
    .option('--presets <file>', 'JSON file of user context presets')
    .option('--prior-shift <mode>', `${PRIOR_SHIFT_HELP}; mood playlists rank by the adjusted probability`)
    .option('--adapt-dir <dir>', 'where POST /models/adapt writes the model adapted to the corrections (default: <model>-adapted; with the built-in model ./moodscape-adapted)')
    .option('--log <level>', 'log level: fatal, error, warn, info, debug', 'info')
    .option('--quiet', 'no status on stderr')
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
      const log = createLogger(Boolean(flags.quiet));
      const limits = resolveLimits(limitFlags(flags), process.env);
      const auth = authMode(process.env.MOODSCAPE_TOKEN, !flags.auth);
      if (auth.kind === 'open' && !LOOPBACK.has(flags.host)) log(`warning: --no-auth on ${flags.host}: anyone who can reach this address can write`);
      const presets = await readPresets(flags.presets);
      const resolved = resolveModelDir(flags.model, log);
      const modelDir = resolved.dir;
      // The built-in model lives inside the package: an adapted copy goes to the working directory.
      const adaptDir = flags.adaptDir ?? (resolved.builtin ? 'moodscape-adapted' : undefined);
      const loaded = await loadMoodModel(modelDir);
      const store = await openStore(flags.db);
      let state: CatalogueState;
      try {
        state = await CatalogueState.open({ store, modelDir, loaded, contexts: presets, log, priorShift, adaptDir });
      } catch (e) {
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
        plugins: extensions.map((ext) => ext(ctx)),
      });
      if (flags.json) {
        process.stdout.write(JSON.stringify({ url, tracks: state.snapshot.table.rowCount, model: state.modelRecord.id, db: redactStoreSpec(flags.db), writes: auth.kind }) + '\n');
        return;
      }
      log(`moodscape: ${state.snapshot.table.rowCount} tracks from ${redactStoreSpec(flags.db)}, model ${state.modelRecord.id}`);
      log(`moodscape: web app ${url}/  ·  API docs ${url}/docs`);
      if (auth.kind === 'read-only') log('moodscape: writes are disabled (set MOODSCAPE_TOKEN, or --no-auth for local use)');
      else if (auth.kind === 'open') log('moodscape: writes are open (--no-auth)');
    }));
}
