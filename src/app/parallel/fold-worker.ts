/**
 * Worker side of the fold runner (fold-runner.ts): receives the shared fold context once, then
 * fold jobs; answers each on its port with `runCvFold`'s output and wakes the waiting main thread.
 */
import { workerData } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import type { CvFoldContext, CvFoldJob } from '../../core/mood-cv.ts';

interface WorkerInit {
  readonly port: MessagePort;
  readonly signal: Int32Array;
}

const { port, signal } = workerData as WorkerInit;

function send(message: unknown, transfer: ArrayBuffer[] = []): void {
  port.postMessage(message, transfer);
  Atomics.add(signal, 0, 1);
  Atomics.notify(signal, 0);
}

try {
  const { runCvFold } = await import('../../core/mood-cv.ts');
  let ctx: CvFoldContext | null = null;
  port.on('message', (m: { type: 'context'; ctx: CvFoldContext } | { type: 'job'; index: number; job: CvFoldJob }) => {
    if (m.type === 'context') { ctx = m.ctx; return; }
    try {
      const out = runCvFold(ctx!, m.job);
      send({ type: 'result', index: m.index, out }, [out.proba.buffer as ArrayBuffer]);
    } catch (e) {
      send({ type: 'error', index: m.index, message: e instanceof Error ? (e.stack ?? e.message) : String(e) });
    }
  });
  send({ type: 'ready' });
} catch (e) {
  send({ type: 'error', index: -1, message: e instanceof Error ? (e.stack ?? e.message) : String(e) });
}
