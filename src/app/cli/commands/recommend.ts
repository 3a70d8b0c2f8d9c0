/**
 * `moodscape recommend`: mood, context, seed, knob and arc playlists from a model and a catalogue
 * (a track CSV, a SQLite catalogue file or a postgres:// store), with reasons per track.
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { InputError } from '../../../core/common/errors.ts';
import {
  buildRecCatalog, EXACT_SCAN_LIMIT, KNOBS, knobRange, parseArcCurve, parseContextPresets, recommend,
  type ArcCurve, type ContextSpec, type RecCatalog, type RecQuery,
} from '../../../core/recommend/index.ts';
import type { TrackTable } from '../../../core/data/track-table.ts';
import { openHnswIndex } from '../../../io/hnsw-index.ts';
import { openIvfIndex } from '../../../io/ivf-index.ts';
import { loadMoodModel } from '../../../io/mood-model-dir.ts';
import { fileLocations, formatPlaylist, PLAYLIST_FORMATS, playlistJson, type PlaylistFormat } from '../../../io/playlist-export.ts';
import { writeFileAtomic } from '../../../io/atomic.ts';
import { formatMix, parsePriorShift, PRIOR_SHIFT_HELP } from '../../../core/tag/tag-tracks.ts';
import { isPostgresSpec, openStore } from '../../../io/store/open-store.ts';
import { catalogueTasteStore, fileTasteStore, type TasteStore } from '../../../io/taste-store.ts';
import { catalogueSpec, isStoreSpec } from '../shared-flags.ts';
import { redactStoreSpec } from '../../../io/store/store-spec.ts';
import { addIngestOptions, describeIngest, ingest, type IngestFlags } from '../common.ts';
import { resolveModelDir } from '../model-resolution.ts';
import { createLogger } from '../progress.ts';
import { action, parseNumberFlag, printJson } from '../run-action.ts';

/** Where taste profiles live with a CSV catalogue unless --taste-store says otherwise. */
export const DEFAULT_TASTE_STORE = 'moodscape-taste.json';

export interface CatalogFlags extends IngestFlags {
  /** Default: the store's current model, or the audio mood model for an analysed catalogue. */
  model?: string;
  db?: string;
  /** Deprecated: a CSV argument or --db. */
  catalog?: string;
  index?: string;
  priorShift?: string;
  quiet?: boolean;
}

/** Adds the [csv] argument, --db and the deprecated --catalog: where the tracks come from. */
export function addCatalogueSource(cmd: Command): Command {
  return cmd
    .argument('[csv]', 'track CSV with audio features (or give --db)')
    .option('--db <spec>', 'catalogue store: a SQLite file or a postgres:// URL')
    .option('--catalog <spec>', '(deprecated: give a CSV as the argument, a store as --db)');
}

/** Adds [csv], --db, --model, --index and the ingest flags. */
export function addCatalogOptions(cmd: Command): Command {
  addCatalogueSource(cmd)
    .option('--model <dir>', 'model directory written by train (default: a store\'s current model; the audio mood model for a catalogue written by analyze; else the built-in model)')
    .option('--index <kind>', 'similarity search: auto (exact up to 200k tracks, IVF above), exact, ivf (52 bytes a track) or hnsw (usearch: faster queries, ≈ 4× the memory)', 'auto')
    .option('--prior-shift <mode>', `${PRIOR_SHIFT_HELP}; mood playlists rank by the adjusted probability`)
    .option('--quiet', 'no status on stderr');
  return addIngestOptions(cmd);
}

/** A catalogue opened for a command: its tracks, and where its users' likes and skips live. */
export interface OpenCatalogue {
  readonly spec: string;
  readonly table: TrackTable;
  /** The store's feedback table; the JSON file (--taste-store) only for a CSV catalogue. */
  readonly taste: TasteStore;
  close(): Promise<void>;
}

/** Opens the catalogue (a CSV, or a store with `--db`) as catalogueSpec resolved it. */
export async function openCatalogue(spec: string, flags: IngestFlags & { tasteStore?: string }, log: (s: string) => void, quiet: boolean): Promise<OpenCatalogue> {
  if (isStoreSpec(spec)) {
    if (flags.tasteStore !== undefined) throw new InputError('--taste-store is for a CSV catalogue: with --db, likes and skips live in the store');
    const store = await openStore(spec);
    try {
      const table = await store.loadCatalog();
      log(`${redactStoreSpec(spec)}: ${table.rowCount} tracks from the ${store.kind} catalogue`);
      if (!table.rowCount) throw new InputError('the catalogue store holds no tracks (run import first)', { file: redactStoreSpec(spec) });
      return { spec, table, taste: catalogueTasteStore(store, table), close: () => store.close() };
    } catch (e) {
      await store.close();
      throw e;
    }
  }
  const input = await ingest(spec, flags, { quiet });
  for (const line of describeIngest(input)) log(line);
  return { spec, table: input.table, taste: fileTasteStore(flags.tasteStore ?? DEFAULT_TASTE_STORE), close: async () => {} };
}

/** The current model of a catalogue store, if the catalogue is a store and has one. */
async function storeModelDir(spec: string): Promise<string | undefined> {
  if (!isStoreSpec(spec)) return undefined;
  const store = await openStore(spec);
  try {
    return (await store.getCurrentModel())?.path;
  } finally {
    await store.close();
  }
}

/** Model + catalogue → a tagged RecCatalog, with an approximate index beside the catalogue when it is large. */
export async function loadRecCatalog(flags: CatalogFlags, spec: string, table: TrackTable, log: (s: string) => void): Promise<RecCatalog> {
  const indexKind = flags.index ?? 'auto';
  if (!['auto', 'exact', 'ivf', 'hnsw'].includes(indexKind)) throw new InputError(`--index must be auto, exact, ivf or hnsw, got "${indexKind}"`);
  const priorShift = parsePriorShift(flags.priorShift);
  const { model } = await loadMoodModel(flags.model ?? (await storeModelDir(spec)) ?? resolveModelDir(undefined, log, table).dir);
  const missing = model.missingInputs(table);
  if (missing.length) log(`warning: the catalogue lacks ${missing.join(', ')}; the model uses the training average`);
  let catalog = buildRecCatalog(table, model, undefined, { priorShift });
  if (catalog.estimatedMix) log(`prior shift: estimated mood mix ${formatMix(catalog.estimatedMix)}`);
  const kind = indexKind === 'auto' ? (table.rowCount > EXACT_SCAN_LIMIT ? 'ivf' : 'exact') : indexKind;
  if (kind === 'exact') return catalog;
  const name = kind === 'ivf' ? 'IVF' : 'HNSW';
  if (isPostgresSpec(spec)) {
    log(`note: no file to keep an ${name} index beside a PostgreSQL catalogue; using the exact scan`);
    return catalog;
  }
  const file = spec.replace(/^sqlite:/i, '');
  const opened = kind === 'ivf'
    ? await openIvfIndex(file, catalog.scaled, catalog.dims)
    : await openHnswIndex(file, catalog.scaled, catalog.dims);
  log(opened.rebuilt ? `built ${name} index (${opened.reason}) in ${((opened.buildMs ?? 0) / 1000).toFixed(1)} s → ${opened.path}` : `loaded ${name} index ${opened.path}`);
  return { ...catalog, index: opened.index };
}

/** "duration_ms" → "duration-ms" (the flag spelling) and the camelCase key commander uses. */
function knobFlag(k: string): { flag: string; key: (prefix: string) => string } {
  const flag = k.replace(/_/g, '-');
  return { flag, key: (prefix) => (prefix + '-' + flag).replace(/-([a-z])/g, (_, c: string) => c.toUpperCase()) };
}

interface RecommendFlags extends CatalogFlags {
  mood?: string[];
  context?: string;
  seed?: string[];
  arc?: string;
  limit: string;
  lambda?: string;
  artistCap?: string;
  user?: string;
  tasteStore?: string;
  presets?: string;
  json?: boolean;
  format?: string;
  out?: string;
  [knob: string]: unknown;
}

const collect = (v: string, prev: string[] = []) => [...prev, v];

/** Reads a JSON file, with errors a user can act on. */
export async function readJsonFile(path: string): Promise<unknown> {
  const text = await readFile(path, 'utf8').catch((e: NodeJS.ErrnoException) => {
    throw new InputError(e.code === 'ENOENT' ? 'file not found' : `cannot read (${e.code})`, { file: path });
  });
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new InputError(`not valid JSON (${(e as Error).message})`, { file: path });
  }
}

export async function readPresets(path: string | undefined): Promise<ContextSpec[]> {
  return path ? parseContextPresets(await readJsonFile(path), path) : [];
}

async function readArc(spec: string): Promise<string | ArcCurve> {
  if (/\.json$/i.test(spec)) return parseArcCurve(await readJsonFile(spec), spec);
  if (spec.trim().startsWith('{')) {
    try { return parseArcCurve(JSON.parse(spec), '--arc'); } catch (e) {
      if (e instanceof InputError) throw e;
      throw new InputError(`--arc is not valid JSON (${(e as Error).message})`);
    }
  }
  return spec;
}

export function registerRecommend(program: Command): void {
  const cmd = program
    .command('recommend')
    .description('build a playlist by mood, context, seed tracks, target attributes or a mood arc, with reasons per track')
    .option('--mood <name>', 'mood playlist / seed mood (repeatable)', collect)
    .option('--context <name>', 'context preset: workout, running, focus (study), commute, relax, sleep, party, dinner, or a user preset')
    .option('--seed <id>', 'seed track id, "more like this" (repeatable; 1–5 seeds with moods)', collect)
    .option('--arc <spec>', 'mood arc: a name (calm-to-energetic, warm-up-peak-cool-down, …), a JSON file or inline JSON')
    .option('--limit <n>', 'tracks to return, 1–100', '20')
    .option('--lambda <x>', 'diversity trade-off in [0, 1] (1 = relevance only)', '0.7')
    .option('--artist-cap <n>', 'tracks per artist per 20 tracks', '2')
    .option('--user <name>', 'shift the targets by this user\'s taste profile (see feedback)')
    .option('--taste-store <file>', `with a CSV catalogue: the taste profiles file (default ${DEFAULT_TASTE_STORE}); with --db they live in the store`)
    .option('--presets <file>', 'JSON file of user context presets')
    .option('--json', 'print the result as JSON')
    .option('--format <fmt>', 'output format: json, csv or m3u')
    .option('--out <file>', 'write the playlist to a file instead of stdout')
    .option('--music-dir <dir>', 'm3u of an analysed catalogue: file paths relative to this folder (as MPD wants); default absolute');
  for (const k of KNOBS) {
    const { flag } = knobFlag(k);
    const r = knobRange(k);
    cmd.option(`--target-${flag} <x>`, `target ${k} (${r.min}..${r.max})`);
    cmd.option(`--min-${flag} <x>`, `minimum ${k}`);
    cmd.option(`--max-${flag} <x>`, `maximum ${k}`);
  }
  addCatalogOptions(cmd).action(action(async (csv: string | undefined, flags: RecommendFlags) => {
    const format = flags.json ? 'json' : flags.format;
    if (format !== undefined && !PLAYLIST_FORMATS.includes(format as PlaylistFormat)) {
      throw new InputError(`--format must be one of ${PLAYLIST_FORMATS.join(', ')}, got "${format}"`);
    }
    const spec = catalogueSpec('recommend', csv, flags);
    const query = await queryFromFlags(flags);
    const presets = await readPresets(flags.presets);
    const log = createLogger(Boolean(flags.quiet || (format && !flags.out)));
    const opened = await openCatalogue(spec, flags, log, Boolean(flags.quiet));
    let taste;
    try {
      if (flags.user) {
        const p = await opened.taste.profile(flags.user);
        if (!p.known) log(`note: no feedback for user "${flags.user}" in ${opened.taste.where} yet; targets unchanged`);
        taste = { user: p.user, likes: p.likes, skips: p.skips };
      }
    } finally {
      await opened.close();
    }
    const catalog = await loadRecCatalog(flags, spec, opened.table, log);
    const result = recommend(catalog, { ...query, taste }, { contexts: presets, exactLimit: flags.index === 'hnsw' ? 0 : undefined });
    for (const w of result.warnings) log(`note: ${w}`);
    if (format) {
      const text = formatPlaylist(result, format as PlaylistFormat, { location: fileLocations(result, catalog.table, flags.musicDir as string | undefined) });
      if (flags.out) { await writeFileAtomic(flags.out, text); log(`${result.tracks.length} tracks → ${flags.out}`); }
      else if (format === 'json') printJson(playlistJson(result));
      else process.stdout.write(text);
      return;
    }
    if (flags.out) { await writeFileAtomic(flags.out, formatPlaylist(result, 'json')); log(`${result.tracks.length} tracks → ${flags.out}`); return; }
    process.stdout.write(formatHuman(result));
  }));
}

export async function queryFromFlags(flags: RecommendFlags): Promise<RecQuery> {
  const num = (name: string, v: unknown, o: { integer?: boolean; min?: number; max?: number } = {}) =>
    v === undefined ? undefined : parseNumberFlag(name, String(v), o);
  const knobs = (prefix: 'target' | 'min' | 'max') => {
    const out: Record<string, number> = {};
    for (const k of KNOBS) {
      const { flag, key } = knobFlag(k);
      const v = flags[key(prefix)];
      if (v !== undefined) out[k] = parseNumberFlag(`${prefix}-${flag}`, String(v));
    }
    return out;
  };
  return {
    moods: flags.mood,
    context: flags.context,
    seeds: flags.seed,
    arc: flags.arc === undefined ? undefined : await readArc(flags.arc),
    target: knobs('target'), min: knobs('min'), max: knobs('max'),
    limit: num('limit', flags.limit, { integer: true }),
    lambda: num('lambda', flags.lambda, { min: 0, max: 1 }),
    artistCap: num('artist-cap', flags.artistCap, { integer: true, min: 1 }),
  };
}

/** The terminal form: numbered tracks with mood, score and their reasons. */
export function formatHuman(result: ReturnType<typeof recommend>): string {
  const lines: string[] = [];
  const q = result.query as { context?: { name: string }; moods?: string[]; arc?: string };
  const what = [q.context ? `context ${q.context.name}` : '', q.moods ? `mood ${q.moods.join('/')}` : '', q.arc ? `arc ${q.arc}` : ''].filter(Boolean).join(', ');
  lines.push(`${result.tracks.length} tracks${what ? ` (${what})` : ''} from a pool of ${result.pool.afterFiltering} of ${result.pool.initial}`);
  result.tracks.forEach((t, i) => {
    lines.push(`${String(i + 1).padStart(3)}. ${t.artist} – ${t.name}  [${t.mood} ${t.confidence.toFixed(2)}, score ${t.score.toFixed(2)}]  ${t.id}`);
    for (const w of t.why.slice(1)) lines.push(`       · ${w}`);
  });
  if (result.arc) {
    const a = result.arc;
    lines.push(`arc ${a.arc}: mean error ${a.meanError}, largest jump ${a.largestJump.size} (steps ${a.largestJump.from}→${a.largestJump.from + 1})` +
      (a.monotone.length ? `; monotone ${a.attributes[0]}: ${a.monotone.map((m) => `${m.start}–${m.end} ${m.direction} ${m.holds ? 'holds' : 'broken'}`).join(', ')}` : ''));
  }
  return lines.join('\n') + '\n';
}
