/** Runs one task in a child process (moodscape: Node + tsx; sklearn: Debian's /usr/bin/python3). */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import type { TaskResult, TaskSpec } from './task-spec.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
export const MS_TASK = join(HERE, 'ms-task.ts');
export const PY_PEER = join(HERE, '..', 'sklearn_peer.py');
export const PYTHON = '/usr/bin/python3';

export type Side = 'moodscape' | 'sklearn';

export class PeerMissing extends Error {}

/**
 * The Python side runs with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE removed from its environment
 * (the machine notes found small-batch MLP fitting a little faster without them); nothing else
 * in the environment changes.
 */
function childEnv(side: Side): NodeJS.ProcessEnv {
  const env = { ...process.env };
  if (side === 'sklearn') {
    delete env.OPENBLAS_CORETYPE;
    delete env.OPENBLAS_L2_SIZE;
  }
  return env;
}

export function runTask(side: Side, spec: TaskSpec): Promise<TaskResult> {
  const [cmd, args] = side === 'moodscape'
    ? [process.execPath, ['--expose-gc', '--max-old-space-size=8192', '--import', 'tsx', MS_TASK, JSON.stringify(spec)]]
    : [PYTHON, [PY_PEER, JSON.stringify(spec)]];
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: childEnv(side), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', err = '';
    child.stdout.on('data', (b) => { out += b; });
    child.stderr.on('data', (b) => { err += b; });
    child.on('error', reject);
    child.on('close', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('BENCH_RESULT '));
      if (code === 2 && side === 'sklearn') return reject(new PeerMissing(err.trim() || out.trim()));
      if (code !== 0 || !line) return reject(new Error(`${side} ${spec.task} exited with ${code}:\n${err.slice(-2000)}`));
      resolve(JSON.parse(line.slice('BENCH_RESULT '.length)) as TaskResult);
    });
  });
}
