/**
 * Worker side of the fold runner (fold-runner.ts): receives the shared fold context and the job
 * list once, then takes the next unclaimed job from a shared counter until none is left, posting
 * each `runCvFold` output on its port and waking the main thread.
 */
import { workerData } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import { runCvFold, type CvFoldContext, type CvFoldJob } from '../../core/mood-cv.ts';

interface WorkerInit {
  readonly port: MessagePort;
  /** [0]: messages posted (the main thread waits on it); [1]: next unclaimed job. */
  readonly signal: Int32Array;
}

const { port, signal } = workerData as WorkerInit;

function send(message: unknown, transfer: ArrayBuffer[] = []): void {
  port.postMessage(message, transfer);
  Atomics.add(signal, 0, 1);
  Atomics.notify(signal, 0);
}

port.once('message', (m: { ctx: CvFoldContext; jobs: CvFoldJob[] }) => {
  for (let index = Atomics.add(signal, 1, 1); index < m.jobs.length; index = Atomics.add(signal, 1, 1)) {
    try {
      const out = runCvFold(m.ctx, m.jobs[index]);
      send({ type: 'result', index, out }, [out.proba.buffer as ArrayBuffer]);
    } catch (e) {
      send({ type: 'error', index, message: e instanceof Error ? (e.stack ?? e.message) : String(e) });
      return;
    }
  }
  port.close();
});
send({ type: 'ready' });
