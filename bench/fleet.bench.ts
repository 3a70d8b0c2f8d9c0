/**
 * The job fleet bench (run by hand, not in tests):
 *   node --import tsx bench/fleet.bench.ts [--tracks 1000000] [--batch 100] [--noop-jobs 2000] [--audio-files 16] [--audio-seconds 20]
 *
 * Starts a private PostgreSQL 15 (test/support/postgres.ts), generates a catalogue (seed 11) into
 * it and trains the fixture model, then:
 *   1. tags the whole catalogue through the fleet with 1 worker process, then again (tags and
 *      queue emptied) with 2 — tracks/s over the span from the first to the last finished batch
 *      (worker start-up excluded), scaling efficiency = rate(2) / (2 × rate(1));
 *   2. queue overhead per job: the same fetch → ledger → completing transaction with a handler
 *      that does nothing, over `--noop-jobs` one-track jobs, in one process;
 *   3. worker RSS sampled every 2 s from /proc during the 1-worker run (first, max, last);
 *   4. analysis of a generated music folder through `analyze --jobs 2` and through the fleet;
 *   5. database size after the runs (tracks, tags, the queue's tables).
 * Writes bench/results/fleet.md.
 */
import { spawn } from 'node:child_process';
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { startPostgres } from '../test/support/postgres.ts';
import { trainFixtureModel } from '../test/support/server-fixtures.ts';
import { BIN, ROOT, runCli } from '../test/support/cli.ts';
import { generateCatalogueChunks } from '../src/core/generator/generate.ts';
import { PostgresStore } from '../src/io/store/postgres-store.ts';
import { FleetQueue } from '../src/io/queue/fleet-queue.ts';
import { enqueueAnalysis, enqueueTagging } from '../src/io/queue/enqueue-work.ts';
import { buildMusicFolder } from '../test/support/music-folder.ts';
import { markdownTable, writeAtomic } from './lib/markdown.ts';
import { machineLine } from './lib/stats.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
function arg(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
}
const log = (s: string) => process.stderr.write(s + '\n');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function rssMB(pid: number): number | null {
  try {
    const m = /^VmRSS:\s*(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

const TRACKS = arg('tracks', 1_000_000), BATCH = arg('batch', 100), NOOP_JOBS = arg('noop-jobs', 2000);
const AUDIO_FILES = arg('audio-files', 16), AUDIO_SECONDS = arg('audio-seconds', 20);
// Ctrl-C or SIGTERM: exit through 'exit', so startPostgres's handler stops the private server.
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => process.exit(130));
const dir = mkdtempSync(join(tmpdir(), 'moodscape-fleet-bench-'));
const server = await startPostgres();
try {
  const db = await server.createDatabase('fleet_bench');
  const tGen = performance.now();
  const store = await PostgresStore.open(db);
  for (const chunk of generateCatalogueChunks({ tracks: TRACKS, seed: 11, chunkSize: 50_000 })) await store.upsertTracks(chunk);
  await store.close();
  const importSeconds = (performance.now() - tGen) / 1000;
  log(`imported ${TRACKS} tracks in ${importSeconds.toFixed(0)} s`);
  const modelDir = await trainFixtureModel(dir);
  const c = new pg.Client({ connectionString: db });
  await c.connect();

  const runs: { workers: number; rate: number; span: number; enqueueSeconds: number; rss?: { first: number; max: number; last: number } }[] = [];
  for (const workers of [1, 2]) {
    await c.query('TRUNCATE tags, fleet_item_failures, fleet_batches').catch(() => {});
    await c.query(`DELETE FROM pgboss.job`).catch(() => {});
    await c.query(`DELETE FROM pgboss.archive`).catch(() => {});
    const t0 = performance.now();
    const e = await enqueueTagging(db, modelDir, { batchSize: BATCH });
    const enqueueSeconds = (performance.now() - t0) / 1000;
    log(`${workers} worker(s): ${e.enqueued} jobs queued in ${enqueueSeconds.toFixed(1)} s`);
    const children = Array.from({ length: workers }, () =>
      spawn(process.execPath, [BIN, 'worker', '--db', db, '--concurrency', '1', '--quiet'], { cwd: ROOT, stdio: 'ignore' }));
    const samples: number[] = [];
    for (;;) {
      await sleep(2000);
      const r = rssMB(children[0].pid!);
      if (r !== null) samples.push(r);
      const { rows } = await c.query('SELECT count(done_at)::int AS done FROM fleet_batches');
      if (rows[0].done === e.enqueued) break;
    }
    for (const ch of children) ch.kill('SIGTERM');
    await Promise.all(children.map((ch) => new Promise((r) => ch.once('exit', r))));
    const { rows } = await c.query(`SELECT sum(items)::float8 AS items, extract(epoch FROM max(done_at) - min(done_at))::float8 AS span,
      (SELECT count(*)::int FROM tags) AS tags FROM fleet_batches`);
    const span = rows[0].span;
    runs.push({ workers, rate: rows[0].items / span, span, enqueueSeconds, rss: workers === 1 ? { first: samples[0], max: Math.max(...samples), last: samples[samples.length - 1] } : undefined });
    log(`  ${(rows[0].items / span).toFixed(0)} tracks/s over ${span.toFixed(1)} s; ${rows[0].tags} tags`);
  }

  // Queue overhead: fetch, ledger row, completing transaction — a handler that does nothing.
  const noopDb = await server.createDatabase('fleet_noop');
  const q = await FleetQueue.open(noopDb, { pollingIntervalSeconds: 0.5 });
  await q.enqueue('tag', Array.from({ length: NOOP_JOBS }, (_, i) => ({ key: `noop:${i}`, version: 'v', items: [`t${i}`] })));
  let finished = 0;
  const tNoop = performance.now();
  q.work('tag', async () => ({ succeeded: 1, failures: [], commit: async () => {} }), { concurrency: 1, onJob: () => { finished++; } });
  while (finished < NOOP_JOBS) await sleep(50);
  const noopSeconds = (performance.now() - tNoop) / 1000;
  await q.close();
  const overheadMs = (noopSeconds * 1000) / NOOP_JOBS;

  // Analysis: the same folder through `analyze --jobs 2` and through one fleet worker with --concurrency 2.
  const formats = Array.from({ length: AUDIO_FILES }, (_, i) => ['wav', 'flac', 'ogg', 'mp3'][i % 4]);
  const music = await buildMusicFolder({ dir: join(dir, 'music'), seconds: AUDIO_SECONDS, formats });
  const analyzeDb = await server.createDatabase('analyze_cli');
  let t = performance.now();
  const cli = await runCli(['analyze', music.dir, '--db', analyzeDb, '--jobs', '2', '--quiet']);
  if (cli.code !== 0) throw new Error(`analyze failed: ${cli.stderr}`);
  const analyzeCliSeconds = (performance.now() - t) / 1000;
  const fleetDb = await server.createDatabase('analyze_fleet');
  t = performance.now();
  const ea = await enqueueAnalysis(fleetDb, [music.dir], { batchSize: 2 });
  const aw = spawn(process.execPath, [BIN, 'worker', '--db', fleetDb, '--concurrency', '2', '--kind', 'analyze', '--quiet'], { cwd: ROOT, stdio: 'ignore' });
  const fc = new pg.Client({ connectionString: fleetDb });
  await fc.connect();
  while ((await fc.query('SELECT count(done_at)::int AS n FROM fleet_batches')).rows[0].n < ea.enqueued) await sleep(250);
  const analyzeFleetSeconds = (performance.now() - t) / 1000;
  const analysedFleet = (await fc.query('SELECT count(*)::int AS n FROM tracks')).rows[0].n;
  await fc.end();
  aw.kill('SIGTERM');
  await new Promise((r) => aw.once('exit', r));
  log(`analysis of ${AUDIO_FILES} files: analyze --jobs 2 ${analyzeCliSeconds.toFixed(1)} s, fleet ${analyzeFleetSeconds.toFixed(1)} s (${analysedFleet} tracks)`);

  const size = async (sql: string) => (await c.query(sql)).rows[0].s as string;
  const sizes = {
    database: await size(`SELECT pg_size_pretty(pg_database_size(current_database())) AS s`),
    tracks: await size(`SELECT pg_size_pretty(pg_total_relation_size('tracks')) AS s`),
    tags: await size(`SELECT pg_size_pretty(pg_total_relation_size('tags')) AS s`),
    queue: await size(`SELECT pg_size_pretty(sum(pg_total_relation_size(c.oid))) AS s FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'pgboss' AND c.relkind IN ('r', 'p')`),
    ledger: await size(`SELECT pg_size_pretty(pg_total_relation_size('fleet_batches') + pg_total_relation_size('fleet_item_failures')) AS s`),
  };
  await c.end();

  const [one, two] = runs;
  const efficiency = two.rate / (2 * one.rate);
  const md = `# Fleet bench

${machineLine()}
Command: \`node --import tsx bench/fleet.bench.ts --tracks ${TRACKS} --batch ${BATCH} --noop-jobs ${NOOP_JOBS} --audio-files ${AUDIO_FILES} --audio-seconds ${AUDIO_SECONDS}\` (${new Date().toISOString().slice(0, 10)}), one run.

Catalogue: ${TRACKS.toLocaleString('en')} generated tracks (seed 11) in a private PostgreSQL 15 on loopback (fsync off), imported in ${importSeconds.toFixed(0)} s;
model: the 5-epoch fixture MLP; ${(TRACKS / BATCH).toLocaleString('en')} jobs of ${BATCH} tracks. Each worker is a \`moodscape worker --concurrency 1\`
process (tagging on one worker thread); PostgreSQL runs on the same 2 cores. Rates are over the span from the first to the last finished batch.

${markdownTable(['workers', 'enqueue (s)', 'span (s)', 'tracks/s', 'jobs/s', 'scaling efficiency'], runs.map((r) => [
  String(r.workers), r.enqueueSeconds.toFixed(1), r.span.toFixed(1), r.rate.toFixed(0), (r.rate / BATCH).toFixed(1), r.workers === 1 ? '1.00' : efficiency.toFixed(2),
]), ['r', 'r', 'r', 'r', 'r', 'r'])}

Queue overhead per job (fetch with SKIP LOCKED, ledger update, completing transaction; a handler that does nothing, one loop): **${overheadMs.toFixed(1)} ms**
(${NOOP_JOBS} jobs in ${noopSeconds.toFixed(1)} s, ${(NOOP_JOBS / noopSeconds).toFixed(0)} jobs/s).

Worker RSS during the 1-worker run (${TRACKS.toLocaleString('en')} tracks, sampled every 2 s): first ${one.rss!.first.toFixed(0)} MB, max ${one.rss!.max.toFixed(0)} MB, last ${one.rss!.last.toFixed(0)} MB.

Analysis of the same ${AUDIO_FILES} files (${AUDIO_SECONDS} s each; wav, flac, ogg, mp3 made by test/support/music-folder.ts), wall time including process start-up:

${markdownTable(['how', 'seconds', 'files/s', 'audio-seconds per second', 'ratio'], [
  ['`moodscape analyze FOLDER --db … --jobs 2`', analyzeCliSeconds.toFixed(1), (AUDIO_FILES / analyzeCliSeconds).toFixed(2), (AUDIO_FILES * AUDIO_SECONDS / analyzeCliSeconds).toFixed(0), '1.00'],
  ['`enqueue --analyze` (batches of 2) + 1 `worker --concurrency 2 --kind analyze`', analyzeFleetSeconds.toFixed(1), (AUDIO_FILES / analyzeFleetSeconds).toFixed(2), (AUDIO_FILES * AUDIO_SECONDS / analyzeFleetSeconds).toFixed(0), (analyzeCliSeconds / analyzeFleetSeconds).toFixed(2)],
], ['l', 'r', 'r', 'r', 'r'])}

Database size after both runs: ${sizes.database} (tracks ${sizes.tracks}, tags ${sizes.tags}, pg-boss tables ${sizes.queue}, ledger ${sizes.ledger}).
`;
  writeAtomic(join(HERE, 'results', 'fleet.md'), md);
  process.stdout.write(md);
} finally {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
}
