/**
 * A private PostgreSQL cluster for tests: `initdb` into a fresh temp directory, `pg_ctl start` on
 * 127.0.0.1 on a free port (socket in /tmp), trust auth, fsync off. As root the server runs as the
 * `postgres` system user (PostgreSQL refuses to run as root); otherwise as the current user.
 *
 *   let pg: PgServer;
 *   before(async () => { pg = await startPostgres(); });
 *   after(() => pg.stop());
 *
 * It never skips: when the server binaries are missing it throws an error saying what to install.
 * Binaries are looked up in $MOODSCAPE_PG_BIN when set, else /usr/lib/postgresql/<version>/bin (15 first).
 */
import { spawn, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export interface PgServer {
  /** postgres://postgres@127.0.0.1:<port>/postgres */
  url: string;
  port: number;
  /** The temp directory holding data/ and server.log. */
  dir: string;
  /** Creates an empty database and returns its URL. */
  createDatabase(name?: string): Promise<string>;
  /** `pg_ctl -m fast stop`, then removes the directory. Safe to call twice. */
  stop(): Promise<void>;
  /** Stops the server but keeps its data (an outage), until resume(). */
  halt(): Promise<void>;
  /** Starts a halted server again on the same port. */
  resume(): Promise<void>;
}

const INSTALL_HINT =
  'Install the Debian package postgresql-15 (apt-get install -y postgresql-15), or point MOODSCAPE_PG_BIN at a directory holding initdb and pg_ctl.';

export function findPgBin(): string {
  const candidates: string[] = [];
  const root = '/usr/lib/postgresql';
  if (process.env.MOODSCAPE_PG_BIN) candidates.push(process.env.MOODSCAPE_PG_BIN); // only there, when set
  else if (existsSync(root)) {
    const versions = readdirSync(root).sort((a, b) => (a === '15' ? -1 : b === '15' ? 1 : Number(b) - Number(a)));
    for (const v of versions) candidates.push(join(root, v, 'bin'));
  }
  for (const dir of candidates) {
    if (existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl')) && existsSync(join(dir, 'postgres'))) return dir;
  }
  throw new Error(
    `PostgreSQL server binaries (initdb, pg_ctl, postgres) not found; looked in ${candidates.length ? candidates.join(', ') : `${root}/*/bin (missing)`}. ${INSTALL_HINT}`,
  );
}

interface RunAs {
  uid?: number;
  gid?: number;
}

/** As root: the uid/gid of the postgres system user. Otherwise: run as ourselves. */
function runAs(): RunAs {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return {};
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('postgres:'));
  if (!line) throw new Error(`running as root, but there is no "postgres" system user to run the server as. ${INSTALL_HINT}`);
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

function run(cmd: string, args: string[], as: RunAs, cwd: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { ...as, cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C', LANG: 'C' } });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, output }));
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

let dbCounter = 0;

export async function startPostgres(): Promise<PgServer> {
  const bin = findPgBin();
  const as = runAs();
  // As root, under /tmp: a private $TMPDIR (e.g. /root/tmp) may not be reachable by the postgres user.
  const dir = mkdtempSync(join(as.uid !== undefined ? '/tmp' : tmpdir(), 'moodscape-pg-'));
  if (as.uid !== undefined) chownSync(dir, as.uid, as.gid!);
  const data = join(dir, 'data');
  const log = join(dir, 'server.log');
  const removeDir = () => rmSync(dir, { recursive: true, force: true });

  const init = await run(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-locale', '--no-sync'], as, dir);
  if (init.code !== 0) {
    removeDir();
    throw new Error(`initdb failed (exit ${init.code}):\n${init.output}`);
  }

  // The port is free when we look; another process may take it before the server binds: retry.
  let port = 0;
  let lastError = '';
  for (let attempt = 0; attempt < 5 && port === 0; attempt++) {
    const candidate = await freePort();
    const opts = `-c listen_addresses=127.0.0.1 -p ${candidate} -k /tmp -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
    const start = await run(join(bin, 'pg_ctl'), ['-D', data, '-l', log, '-o', opts, '-w', '-t', '60', 'start'], as, dir);
    if (start.code === 0) port = candidate;
    else lastError = `${start.output}\n${existsSync(log) ? readFileSync(log, 'utf8').slice(-2000) : ''}`;
  }
  if (port === 0) {
    removeDir();
    throw new Error(`pg_ctl start failed:\n${lastError}`);
  }

  let stopped = false;
  // If the test process dies without calling stop(), do not leave a server behind.
  const onExit = () => {
    if (stopped) return;
    spawnSync(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop'], { ...as, cwd: dir, stdio: 'ignore' });
    removeDir();
  };
  process.once('exit', onExit);

  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const serverOpts = `-c listen_addresses=127.0.0.1 -p ${port} -k /tmp -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
  return {
    url,
    port,
    dir,
    async createDatabase(name?: string) {
      const db = name ?? `t_${process.pid}_${++dbCounter}`;
      if (!/^[a-z_][a-z0-9_]*$/.test(db)) throw new Error(`bad database name ${db}`);
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${db}`);
      } finally {
        await client.end();
      }
      return `postgres://postgres@127.0.0.1:${port}/${db}`;
    },
    async halt() {
      const res = await run(join(bin, 'pg_ctl'), ['-D', data, '-m', 'fast', '-w', 'stop'], as, dir);
      if (res.code !== 0) throw new Error(`pg_ctl stop failed (exit ${res.code}):\n${res.output}`);
    },
    async resume() {
      const res = await run(join(bin, 'pg_ctl'), ['-D', data, '-l', log, '-o', serverOpts, '-w', '-t', '60', 'start'], as, dir);
      if (res.code !== 0) throw new Error(`pg_ctl start failed (exit ${res.code}):\n${res.output}`);
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      process.removeListener('exit', onExit);
      const res = await run(join(bin, 'pg_ctl'), ['-D', data, '-m', 'fast', '-w', 'stop'], as, dir);
      removeDir();
      if (res.code !== 0) throw new Error(`pg_ctl stop failed (exit ${res.code}):\n${res.output}`);
    },
  };
}
