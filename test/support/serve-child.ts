/**
 * `moodscape serve … --port 0 --no-auth --json` in a child process: waits for its JSON line, runs
 * `use` against it while it serves, then stops it with SIGTERM.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { BIN, ROOT } from './cli.ts';

export interface ServingChild {
  readonly url: string;
  readonly listening: { url: string; tracks: number; model: string };
  /** What serve wrote on stderr until it listened. */
  readonly stderr: string;
}

export async function withServeChild<T>(args: readonly string[], use: (child: ServingChild) => Promise<T>): Promise<T> {
  const child = spawn(process.execPath, [BIN, 'serve', ...args, '--port', '0', '--no-auth', '--json'], {
    cwd: ROOT, env: { ...process.env, MOODSCAPE_TOKEN: '' }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  try {
    const first = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout }).once('line', resolve);
      void exited.then((code) => reject(new Error(`serve exited (${code}) before listening: ${stderr}`)));
    });
    const listening = JSON.parse(first) as ServingChild['listening'];
    return await use({ url: listening.url, listening, stderr });
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}
