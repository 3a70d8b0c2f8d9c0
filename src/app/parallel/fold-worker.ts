/**
 * Worker side of the pools in fold-runner.ts: receives a task (its kind, the shared context and
 * the job list) once, then takes the next unclaimed job from a shared counter until none is left,
 * posting each output on its port and waking the main thread.
 */
import { workerData } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import { sweepPoint, type KSweepOptions } from '../../core/cluster/k-sweep.ts';
import { gmmChunkCount, runGmmPass, type GmmPass } from '../../core/cluster/gmm-passes.ts';
import { lloydRestartShared, type KMeansSeeding, type SharedKMeansRows } from '../../core/cluster/kmeans.ts';
import type { Matrix } from '../../core/common/matrix.ts';
import { runCvFold, type CvFoldContext, type CvFoldJob } from '../../core/evaluate/mood-cv.ts';

interface WorkerInit {
  readonly port: MessagePort;
  /** [0]: messages posted (the main thread waits on it); [1]: next unclaimed job. */
  readonly signal: Int32Array;
}

export type PoolTask =
  | { kind: 'cv-fold'; ctx: CvFoldContext; jobs: CvFoldJob[] }
  | { kind: 'k-sweep'; ctx: { X: Matrix; o: KSweepOptions }; jobs: number[] }
  | { kind: 'kmeans-restarts'; ctx: KMeansRestartContext; jobs: KMeansSeeding[] };

/**
 * A Gaussian-mixture fit's rows and responsibilities in shared memory. Unlike the other tasks the
 * worker then stays: each following message is one EM pass, whose chunks it takes from that
 * pass's own counter (gmm-runner.ts).
 */
export interface GmmPassesTask {
  readonly kind: 'gmm-passes';
  readonly X: Matrix;
  readonly resp: Float64Array;
}

export interface GmmPassMessage {
  readonly id: number;
  readonly pass: GmmPass;
  /** [0]: next unclaimed chunk of this pass. */
  readonly counter: Int32Array;
}

/** Restarts of one K-Means fit on rows in shared memory; each thread takes the next free scratch slot. */
export interface KMeansRestartContext {
  readonly rows: SharedKMeansRows;
  readonly maxIter: number;
  readonly tolAbs: number;
  /** [0]: next free slot (the main thread holds slot 0). */
  readonly slotCounter: Int32Array;
}

const { port, signal } = workerData as WorkerInit;

function send(message: unknown, transfer: ArrayBuffer[] = []): void {
  port.postMessage(message, transfer);
  Atomics.add(signal, 0, 1);
  Atomics.notify(signal, 0);
}

function runJob(task: PoolTask, index: number): { out: unknown; transfer: ArrayBuffer[] } {
  if (task.kind === 'cv-fold') {
    const out = runCvFold(task.ctx, task.jobs[index]);
    return { out, transfer: [out.proba.buffer as ArrayBuffer] };
  }
  if (task.kind === 'k-sweep') return { out: sweepPoint(task.ctx.X, task.jobs[index], task.ctx.o), transfer: [] };
  slot ??= Atomics.add(task.ctx.slotCounter, 0, 1);
  const out = lloydRestartShared(task.ctx.rows, slot, task.jobs[index], task.ctx.maxIter, task.ctx.tolAbs);
  return { out, transfer: [out.labels.buffer as ArrayBuffer] };
}

let slot: number | undefined;

function serveGmmPasses(task: GmmPassesTask): void {
  const chunks = gmmChunkCount(task.X.rows);
  port.on('message', (m: GmmPassMessage) => {
    for (let c = Atomics.add(m.counter, 0, 1); c < chunks; c = Atomics.add(m.counter, 0, 1)) {
      try {
        const out = runGmmPass(task.X, task.resp, m.pass, c);
        send({ type: 'result', id: m.id, index: c, out }, [out.buffer as ArrayBuffer]);
      } catch (e) {
        send({ type: 'error', id: m.id, index: c, message: e instanceof Error ? (e.stack ?? e.message) : String(e) });
        return;
      }
    }
  });
}

port.once('message', (task: PoolTask | GmmPassesTask) => {
  if (task.kind === 'gmm-passes') {
    serveGmmPasses(task);
    return;
  }
  for (let index = Atomics.add(signal, 1, 1); index < task.jobs.length; index = Atomics.add(signal, 1, 1)) {
    try {
      const { out, transfer } = runJob(task, index);
      send({ type: 'result', index, out }, transfer);
    } catch (e) {
      send({ type: 'error', index, message: e instanceof Error ? (e.stack ?? e.message) : String(e) });
      return;
    }
  }
  port.close();
});
send({ type: 'ready' });
