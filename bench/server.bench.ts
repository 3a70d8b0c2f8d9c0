/**
 * HTTP load bench (run by hand, not in tests):
 *   node --import tsx bench/server.bench.ts [--tracks 100000] [--seconds 10] [--connections 10]
 *
 * Generates a catalogue (generateCatalogue, seed 7) into a temporary SQLite store, trains the small
 * fixture model, starts `moodscape serve`'s server in a child process on 127.0.0.1 and drives it
 * with autocannon from this process (both share the machine's cores). Scenarios, each bounded in time:
 *   - GET /recommend, one repeated query (the response cache answers after the first request);
 *   - GET /recommend, every request a different query (target_energy varies), so each runs the
 *     recommender over the whole catalogue — the uncached cost;
 *   - POST /tag, one track per request, features varying;
 *   - GET /health (the HTTP floor).
 * Writes bench/results/server.md. Target: ≥ 1,000 req/s on /recommend with p99 ≤ 50 ms, 0 errors.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, hostname, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

interface Histogram { average: number; mean: number; p50: number; p90: number; p99: number; max: number; total?: number }
interface CannonResult {
  requests: Histogram & { total: number };
  latency: Histogram;
  errors: number;
  timeouts: number;
  non2xx: number;
  duration: number;
  '2xx': number;
}
interface CannonRequest { method?: string; path?: string; body?: string; headers?: Record<string, string>; setupRequest?: (req: CannonRequest) => CannonRequest }
type Autocannon = (o: { url: string; connections: number; duration: number; pipelining?: number; requests?: CannonRequest[]; headers?: Record<string, string> }) => Promise<CannonResult>;

const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;
const HERE = dirname(fileURLToPath(import.meta.url));

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
}
const log = (s: string) => process.stderr.write(s + '\n');

// ── child mode: build the store and serve ──────────────────────────────────────────────────────
if (process.argv[2] === '--child') {
  const [dir, tracksArg] = process.argv.slice(3);
  const { generateCatalogue } = await import('../src/core/generator/generate.ts');
  const { openStore } = await import('../src/io/store/open-store.ts');
  const { trainFixtureModel } = await import('../test/support/server-fixtures.ts');
  const { loadMoodModel } = await import('../src/io/mood-model-dir.ts');
  const { CatalogueState } = await import('../src/app/server/catalogue-state.ts');
  const { startServer } = await import('../src/app/server/server.ts');
  const { authMode } = await import('../src/app/server/auth.ts');
  const t0 = performance.now();
  const db = join(dir, 'bench.db');
  const store = await openStore(db);
  const table = generateCatalogue({ tracks: Number(tracksArg), seed: 7 });
  await store.upsertTracks(table);
  const modelDir = await trainFixtureModel(dir);
  const tBuild = performance.now();
  const state = await CatalogueState.open({ store, modelDir, loaded: await loadMoodModel(modelDir) });
  const tOpen = performance.now();
  const { url } = await startServer({ state, auth: authMode('bench-token', false), host: '127.0.0.1', port: 0, logger: false });
  process.stdout.write(JSON.stringify({
    url, tracks: state.snapshot.table.rowCount,
    buildSeconds: (tBuild - t0) / 1000, openSeconds: (tOpen - tBuild) / 1000,
    rssMB: Math.round(process.memoryUsage().rss / 2 ** 20),
  }) + '\n');
} else {
  await main();
}

async function main(): Promise<void> {
  const TRACKS = arg('tracks', 100_000), SECONDS = arg('seconds', 10), CONNECTIONS = arg('connections', 10);
  const dir = mkdtempSync(join(tmpdir(), 'moodscape-server-bench-'));
  const load0 = loadavg()[0];
  log(`building a ${TRACKS}-track catalogue and starting the server …`);
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', dir, String(TRACKS)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const info = await new Promise<{ url: string; tracks: number; buildSeconds: number; openSeconds: number; rssMB: number }>((resolve, reject) => {
      let buf = '';
      child.stdout!.on('data', (d) => {
        buf += d;
        const nl = buf.indexOf('\n');
        if (nl >= 0) resolve(JSON.parse(buf.slice(0, nl)));
      });
      child.on('exit', (code) => reject(new Error(`server exited with ${code}`)));
    });
    log(`server ${info.url}: ${info.tracks} tracks, snapshot in ${info.openSeconds.toFixed(1)} s, RSS ${info.rssMB} MB`);

    const tagBody = (i: number) => JSON.stringify({ tracks: [{ valence: (i % 97) / 97, danceability: (i % 89) / 89, energy: (i % 83) / 83, acousticness: (i % 79) / 79, tempo: 60 + (i % 120), loudness: -3 - (i % 25) }] });
    let n = 0;
    const scenarios: { name: string; connections: number; requests: CannonRequest[]; target?: boolean }[] = [
      { name: 'GET /health', connections: CONNECTIONS, requests: [{ method: 'GET', path: '/health' }] },
      { name: 'GET /recommend, repeated query (cached)', connections: CONNECTIONS, target: true, requests: [{ method: 'GET', path: '/recommend?context=workout&target_valence=0.7&limit=20' }] },
      {
        name: 'GET /recommend, every query different (uncached)', connections: 2, target: true,
        requests: [{ method: 'GET', setupRequest: (r) => ({ ...r, path: `/recommend?mood=Happy&target_energy=${(0.3 + ((n++ * 0.618034) % 0.6)).toFixed(6)}&limit=20` }) }],
      },
      {
        name: 'POST /tag, 1 track per request', connections: CONNECTIONS,
        requests: [{ method: 'POST', headers: { 'content-type': 'application/json' }, setupRequest: (r) => ({ ...r, path: '/tag', body: tagBody(n++) }) }],
      },
    ];
    const rows: string[][] = [];
    for (const sc of scenarios) {
      log(`${sc.name}: ${SECONDS} s, ${sc.connections} connections …`);
      const r = await autocannon({ url: info.url, connections: sc.connections, duration: SECONDS, requests: sc.requests });
      const errors = r.errors + r.timeouts + r.non2xx;
      const rps = r.requests.total / r.duration;
      const ok = sc.target ? (rps >= 1000 && r.latency.p99 <= 50 && errors === 0 ? '✓' : '✗') : '';
      rows.push([sc.name, String(sc.connections), String(r.requests.total), rps.toFixed(0), `${r.latency.p50}`, `${r.latency.p99}`, `${r.latency.max}`, String(errors), ok]);
      log(`  ${rps.toFixed(0)} req/s, p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, errors ${errors}`);
    }
    const load1 = loadavg()[0];
    const cpu = cpus();
    const md = `# Server load bench

Machine: \`${hostname()}\`, ${cpu.length} × ${cpu[0]?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(1)} GB RAM, Node ${process.version}.
Load average (1 min) before / after: ${load0.toFixed(1)} / ${load1.toFixed(1)} — the machine is shared; read the numbers with that in mind.
Command: \`node --import tsx bench/server.bench.ts --tracks ${TRACKS} --seconds ${SECONDS} --connections ${CONNECTIONS}\` (${new Date().toISOString().slice(0, 10)}).

Catalogue: ${info.tracks.toLocaleString('en')} generated tracks (generateCatalogue, seed 7) in SQLite; model: the 5-epoch fixture MLP.
Server: \`moodscape serve\`'s Fastify app in a child process on 127.0.0.1, logging off; autocannon runs in
this process, on the same cores. Start-up (load the store, tag, scale, map): ${info.openSeconds.toFixed(1)} s; server RSS after start ${info.rssMB} MB.
Each scenario runs ${SECONDS} s. Latencies in ms. Errors = socket errors + timeouts + non-2xx answers.

| scenario | connections | requests | req/s | p50 | p99 | max | errors | target (≥ 1,000 req/s, p99 ≤ 50 ms, 0 errors) |
|---|---:|---:|---:|---:|---:|---:|---:|---|
${rows.map((r) => `| ${r.join(' | ')} |`).join('\n')}

How to read it:
- *cached*: the server keeps the last 2,000 recommendation results per catalogue snapshot (keyed by the
  normalised query and the user's feedback count), so a popular query costs a cache lookup and JSON
  serialisation. The cache is emptied on every catalogue write.
- *uncached*: every request runs \`recommend()\` over the whole catalogue (constraint filter, scores,
  MMR), which is CPU-bound and single-threaded per request; the throughput is what one core gets
  through, and latency grows with the connections queued behind it.
`;
    const out = join(HERE, 'results', 'server.md');
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out + '.tmp', md);
    renameSync(out + '.tmp', out);
    log(`wrote ${out}`);
    process.stdout.write(md);
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 500));
    rmSync(dir, { recursive: true, force: true });
  }
}
