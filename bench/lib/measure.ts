/** Repeated runs of bench tasks, interleaved across sides, with a cap on very long tasks. */
import { runTask, type Side } from './runner.ts';
import { median } from './stats.ts';
import type { TaskResult, TaskSpec } from './task-spec.ts';

/** A task whose first run takes longer than this runs once (the brief's 3-minute rule). */
export const LONG_RUN_SECONDS = 180;

export interface Measured {
  runs: TaskResult[];
  /** Median wall time of the task, seconds. */
  seconds: number;
  /** Median peak RSS, MB. */
  peakMB: number;
  /** True when the run count was cut to 1 by LONG_RUN_SECONDS. */
  cappedLong: boolean;
}

export function summarise(runs: TaskResult[], cappedLong: boolean): Measured {
  return { runs, seconds: median(runs.map((r) => r.seconds)), peakMB: median(runs.map((r) => r.peakMB)), cappedLong };
}

/**
 * Runs each side's spec `runs` times, alternating sides (A, B, A, B, …) so machine drift hits both
 * alike. A side whose first run exceeds LONG_RUN_SECONDS is not repeated.
 */
export async function measureInterleaved(
  specs: Partial<Record<Side, TaskSpec>>,
  runs: number,
  log: (s: string) => void,
): Promise<Partial<Record<Side, Measured>>> {
  const sides = (Object.keys(specs) as Side[]).filter((s) => specs[s]);
  const results: Partial<Record<Side, TaskResult[]>> = {};
  const capped: Partial<Record<Side, boolean>> = {};
  for (let r = 0; r < runs; r++) {
    for (const side of sides) {
      if (capped[side]) continue;
      const res = await runTask(side, specs[side]!);
      (results[side] ??= []).push(res);
      log(`  ${side.padEnd(9)} ${specs[side]!.task} run ${r + 1}/${runs}: ${res.seconds.toFixed(2)} s, peak ${Math.round(res.peakMB)} MB`);
      if (r === 0 && res.seconds > LONG_RUN_SECONDS && runs > 1) {
        capped[side] = true;
        log(`  ${side} ${specs[side]!.task} took over ${LONG_RUN_SECONDS} s: run once`);
      }
    }
  }
  const out: Partial<Record<Side, Measured>> = {};
  for (const side of sides) out[side] = summarise(results[side]!, capped[side] ?? false);
  return out;
}
