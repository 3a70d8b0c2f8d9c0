/**
 * Replica load bench (run by hand, not in tests):
 *   node --import tsx bench/replicas.bench.ts [--tracks 100000] [--seconds 10]
 *
 * A private PostgreSQL 15 holds a generated catalogue (seed 7, as bench/server.bench.ts); then
 * `moodscape serve --workers 1` and `--workers 2` (node:cluster, one port) each serve it in turn,
 * and autocannon, in this process on the same 2 cores, sends uncached GET /recommend (every query
 * different) with 2 and 4 connections; a single SQLite-backed process (bench/server.bench.ts's set-up) runs first as the baseline. Target: ≥ 1,500 req/s with 2 workers, p99 ≤ 50 ms, 0 errors.
 * Writes bench/results/replicas.md.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startPostgres } from '../test/support/postgres.ts';
import { trainFixtureModel } from '../test/support/server-fixtures.ts';
import { BIN, ROOT } from '../test/support/cli.ts';
import { generateCatalogue } from '../src/core/generator/generate.ts';
import { PostgresStore } from '../src/io/store/postgres-store.ts';
import { openStore } from '../src/io/store/open-store.ts';
import { markdownTable, writeAtomic } from './lib/markdown.ts';
import { machineLine } from './lib/stats.ts';

interface CannonResult { requests: { total: number }; latency: { p50: number; p99: number; max: number }; errors: number; timeouts: number; non2xx: number; duration: number }
interface CannonRequest { method?: string; path?: string; setupRequest?: (r: CannonRequest) => CannonRequest }
const autocannon = createRequire(import.meta.url)('autocannon') as (o: { url: string; connections: number; duration: number; requests: CannonRequest[] }) => Promise<CannonResult>;

const HERE = dirname(fileURLToPath(import.meta.url));
function arg(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
}
const log = (s: string) => process.stderr.write(s + '\n');
const TRACKS = arg('tracks', 100_000), SECONDS = arg('seconds', 10);

async function serve(db: string, modelDir: string, workers: number): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [BIN, 'serve', '--db', db, '--model', modelDir, '--port', '0', '--workers', String(workers), '--no-auth', '--json', '--log', 'warn'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    let buf = '';
    child.stdout!.on('data', (d) => { buf += d; const nl = buf.indexOf('\n'); if (nl >= 0) resolve(JSON.parse(buf.slice(0, nl)).url); });
    child.on('exit', (code) => reject(new Error(`serve exited with ${code}`)));
  });
  // Every worker must be listening (and past its snapshot) before the load starts.
  for (let tries = 0; tries < 600; tries++) {
    const pids = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const r = await fetch(`${url}/health`, { headers: { connection: 'close' } }).catch(() => null);
      if (r?.ok) pids.add(r.headers.get('x-moodscape-worker') ?? 'single');
    }
    if (pids.size >= workers) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  return { child, url };
}

// Ctrl-C or SIGTERM: exit through 'exit', so startPostgres's handler stops the private server.
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => process.exit(130));
const dir = mkdtempSync(join(tmpdir(), 'moodscape-replicas-bench-'));
const server = await startPostgres();
const load0 = loadavg()[0];
const rows: string[][] = [];
const rates: Record<string, number> = {};
try {
  const db = await server.createDatabase('replicas_bench');
  const store = await PostgresStore.open(db);
  await store.upsertTracks(generateCatalogue({ tracks: TRACKS, seed: 7 }));
  await store.close();
  const modelDir = await trainFixtureModel(dir);
  let n = 0;
  const uncached: CannonRequest[] = [{ method: 'GET', setupRequest: (r) => ({ ...r, path: `/recommend?mood=Happy&target_energy=${(0.3 + ((n++ * 0.618034) % 0.6)).toFixed(6)}&limit=20` }) }];
  const sqlite = join(dir, 'baseline.db');
  const lite = await openStore(sqlite);
  await lite.upsertTracks(generateCatalogue({ tracks: TRACKS, seed: 7 }));
  await lite.close();
  for (const [label, spec, workers] of [['SQLite, 1 process', sqlite, 1], ['PostgreSQL, --workers 1', db, 1], ['PostgreSQL, --workers 2', db, 2]] as const) {
    const { child, url } = await serve(spec, modelDir, workers);
    try {
      await autocannon({ url, connections: 2, duration: 2, requests: uncached }); // warm-up
      for (const connections of [2, 4]) {
        log(`${label}, ${connections} connections, ${SECONDS} s …`);
        const r = await autocannon({ url, connections, duration: SECONDS, requests: uncached });
        const errors = r.errors + r.timeouts + r.non2xx;
        const rps = r.requests.total / r.duration;
        rates[`${spec === sqlite ? 's' : workers}/${connections}`] = rps;
        const ok = workers === 2 ? (rps >= 1500 && r.latency.p99 <= 50 && errors === 0 ? '✓' : '✗') : '';
        rows.push([label, String(connections), String(r.requests.total), rps.toFixed(0), String(r.latency.p50), String(r.latency.p99), String(r.latency.max), String(errors), ok]);
        log(`  ${rps.toFixed(0)} req/s, p99 ${r.latency.p99} ms, errors ${errors}`);
      }
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  }
} finally {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
}
const best1 = Math.max(rates['1/2'], rates['1/4']), best2 = Math.max(rates['2/2'], rates['2/4']), bestS = Math.max(rates['s/2'], rates['s/4']);
const md = `# Replica load bench

${machineLine()}
Load average (1 min) before / after: ${load0.toFixed(1)} / ${loadavg()[0].toFixed(1)} — the machine is shared.
Command: \`node --import tsx bench/replicas.bench.ts --tracks ${TRACKS} --seconds ${SECONDS}\` (${new Date().toISOString().slice(0, 10)}), one run.

Catalogue: ${TRACKS.toLocaleString('en')} generated tracks (seed 7) in a private PostgreSQL 15 on loopback; model: the 5-epoch fixture MLP.
\`moodscape serve --workers N\` (node:cluster, the workers share one port; each holds its own snapshot and listens for
the others' writes) in a child process; autocannon in this process on the same 2 cores. Every request is a different
query (\`target_energy\` varies), so each runs the recommender over the whole catalogue. Latencies in ms.

${markdownTable(['server', 'connections', 'requests', 'req/s', 'p50', 'p99', 'max', 'errors', 'target (2 workers: ≥ 1,500 req/s, p99 ≤ 50 ms, 0 errors)'], rows, ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'l'])}

Best of each: SQLite single process ${bestS.toFixed(0)} req/s (the configuration of \`bench/server.bench.ts\`), PostgreSQL with 1 worker
${best1.toFixed(0)} req/s, with 2 workers ${best2.toFixed(0)} req/s — 2 workers / 1 worker ${(best2 / best1).toFixed(2)}, 2 workers / SQLite single process ${(best2 / bestS).toFixed(2)}.
`;
writeAtomic(join(HERE, 'results', 'replicas.md'), md);
process.stdout.write(md);
