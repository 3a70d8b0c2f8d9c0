/**
 * Every worker-thread runner the training pipeline accepts, in one object: what `train`, `cluster`
 * and the benchmarks pass to the core, so a new runner is wired in one place. With one thread
 * the core's inline defaults run instead (the results are the same either way).
 */
import type { TrainRuntime } from '../../core/classify/train-mood-model.ts';
import { defaultFoldThreads, workerFoldRunner, workerRestartRunner, workerSweepRunner } from './fold-runner.ts';
import { workerGmmRunner } from './gmm-runner.ts';

export function workerRuntime(threads: number = defaultFoldThreads()): TrainRuntime {
  if (threads <= 1) return {};
  return {
    runFolds: workerFoldRunner(threads),
    runSweep: workerSweepRunner(threads),
    runRestarts: workerRestartRunner(threads),
    gmmPasses: workerGmmRunner(threads),
  };
}
