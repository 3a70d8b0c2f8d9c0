/**
 * The players and libraries music lives in, run privately for a test: a beets library in a temp
 * BEETSDIR, and an mpd on a free loopback port (started and stopped by the test).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer, connect } from 'node:net';
import { join } from 'node:path';

export function run(cmd: string, args: string[], env: Record<string, string> = {}): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', env: { ...process.env, ...env } });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}

/** A beets library of `musicDir` (imported as is: no autotagging, no copying, no writing). */
export function buildBeetsLibrary(home: string, musicDir: string): { env: Record<string, string>; library: string; beet: (...args: string[]) => string } {
  const library = join(home, 'library.db');
  spawnSync('mkdir', ['-p', home]);
  const config = `directory: ${musicDir}\nlibrary: ${library}\nplugins: []\nimport:\n  write: no\n  copy: no\n  move: no\n`;
  spawnSync('sh', ['-c', `cat > '${join(home, 'config.yaml')}'`], { input: config });
  const env = { BEETSDIR: home, HOME: home };
  run('beet', ['import', '-A', '-C', '-q', musicDir], env);
  return { env, library, beet: (...args: string[]) => run('beet', args, env) };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, child: ChildProcess, ms = 10_000): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`mpd exited with ${child.exitCode}`);
    const ok = await new Promise<boolean>((res) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => { s.destroy(); res(true); });
      s.once('error', () => res(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`mpd did not listen on ${port}`);
}

export interface PrivateMpd {
  port: number;
  mpc: (...args: string[]) => string;
  stop: () => Promise<void>;
}

/** mpd with music_directory = `musicDir`, playlists from `playlistDir`, a null output, on loopback. */
export async function startMpd(stateDir: string, musicDir: string, playlistDir: string): Promise<PrivateMpd> {
  await mkdir(stateDir, { recursive: true });
  const port = await freePort();
  const conf = join(stateDir, 'mpd.conf');
  await writeFile(conf, [
    `music_directory "${musicDir}"`,
    `playlist_directory "${playlistDir}"`,
    `db_file "${join(stateDir, 'database')}"`,
    `log_file "${join(stateDir, 'log')}"`,
    `state_file "${join(stateDir, 'state')}"`,
    `bind_to_address "127.0.0.1"`,
    `port "${port}"`,
    `auto_update "no"`,
    `audio_output {\n  type "null"\n  name "null"\n}`,
  ].join('\n') + '\n');
  const child = spawn('mpd', ['--no-daemon', '--stderr', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  await waitForPort(port, child);
  return {
    port,
    mpc: (...args: string[]) => run('mpc', ['-h', '127.0.0.1', '-p', String(port), ...args]),
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
