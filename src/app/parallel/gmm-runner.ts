/**
 * The Gaussian mixture's EM passes (core/cluster/gmm-passes.ts) on worker threads: the rows and the
 * responsibilities are copied once into shared memory, `threads − 1` workers stay for the whole
 * fit, and every pass's chunks are taken from a counter by the workers and by this thread alike.
 * The partial sums come back per chunk and are added in chunk order by the core, so the fit equals
 * the one-thread fit exactly.
 */
import { gmmChunkCount, gmmPassesInline, runGmmPass, type GmmRunnerFactory } from '../../core/cluster/gmm-passes.ts';
import { matrix } from '../../core/common/matrix.ts';
import { defaultFoldThreads, drainPorts, spawnWorker, type Slot } from './fold-runner.ts';
import type { GmmPassesTask, GmmPassMessage } from './fold-worker.ts';

type Answer =
  | { type: 'ready' }
  | { type: 'result'; id: number; index: number; out: Float64Array }
  | { type: 'error'; id: number; index: number; message: string };

/** Fewest chunks for which threads are worth starting (a worker takes ≈ 0.3 s to start). */
const MIN_CHUNKS = 4;

export function workerGmmRunner(threads: number = defaultFoldThreads()): GmmRunnerFactory {
  return (X, k) => {
    const chunks = gmmChunkCount(X.rows);
    if (threads <= 1 || chunks < MIN_CHUNKS) return gmmPassesInline(X, k);
    const xs = new Float64Array(new SharedArrayBuffer(X.data.length * 8));
    xs.set(X.data);
    const Xs = matrix(X.rows, X.cols, xs);
    const resp = new Float64Array(new SharedArrayBuffer(X.rows * k * 8));
    const signal = new Int32Array(new SharedArrayBuffer(8));
    const slots: Slot[] = [];
    const close = (): void => { for (const s of slots) { s.port.close(); void s.worker.terminate(); } };
    try {
      const task: GmmPassesTask = { kind: 'gmm-passes', X: Xs, resp };
      for (let t = 1; t < Math.min(threads, chunks); t++) {
        const slot = spawnWorker(signal);
        slots.push(slot);
        slot.port.postMessage(task);
      }
    } catch (e) {
      close();
      throw e;
    }
    let nextId = 0;
    return {
      X: Xs,
      resp,
      close,
      run(pass) {
        const id = nextId++;
        const counter = new Int32Array(new SharedArrayBuffer(4));
        const message: GmmPassMessage = { id, pass, counter };
        for (const s of slots) s.port.postMessage(message);
        const parts: (Float64Array | undefined)[] = new Array(chunks);
        let done = 0;
        while (done < chunks) {
          const seen = Atomics.load(signal, 0);
          const got = drainPorts(slots, (message) => {
            const a = message as Answer;
            if (a.type === 'error') throw new Error(`Gaussian-mixture pass failed in a worker thread: ${a.message}`);
            if (a.type === 'result' && a.id === id) { parts[a.index] = a.out; done++; }
          });
          if (got) continue;
          // This thread takes chunks too; it waits only when none is left to take.
          const c = Atomics.add(counter, 0, 1);
          if (c < chunks) {
            parts[c] = runGmmPass(Xs, resp, pass, c);
            done++;
            continue;
          }
          Atomics.wait(signal, 0, seen, 1000);
        }
        return parts as Float64Array[];
      },
    };
  };
}
