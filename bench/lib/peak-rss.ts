/**
 * Peak resident memory of this process during one task, read from Linux's VmHWM.
 * `resetPeak()` writes "5" to /proc/self/clear_refs, which resets the high-water mark to the
 * current RSS; `peakMB()` then reads it. The Python peer does exactly the same, so both sides'
 * figures mean "the process's largest RSS while the task ran, data already loaded included".
 * Where clear_refs is not writable, a 5 ms poller of process.memoryUsage.rss() in a worker thread
 * is the fallback (it can miss short spikes).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';

function statusKB(field: string): number | undefined {
  try {
    const m = new RegExp(`^${field}:\\s*(\\d+) kB`, 'm').exec(readFileSync('/proc/self/status', 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

export class PeakRss {
  private worker: Worker | null = null;
  private shared = new Float64Array(new SharedArrayBuffer(8));
  private usesHwm = false;

  /** Resets the high-water mark (after a GC when --expose-gc is on); returns the RSS then, in MB. */
  reset(): number {
    (globalThis as { gc?: () => void }).gc?.();
    try {
      writeFileSync('/proc/self/clear_refs', '5');
      this.usesHwm = statusKB('VmHWM') !== undefined;
    } catch {
      this.usesHwm = false;
    }
    const now = process.memoryUsage.rss() / 2 ** 20;
    if (!this.usesHwm) {
      this.shared[0] = now;
      this.worker = new Worker(
        `const { workerData } = require('node:worker_threads');
         const a = new Float64Array(workerData);
         setInterval(() => { const r = process.memoryUsage.rss() / 1048576; if (r > a[0]) a[0] = r; }, 5);`,
        { eval: true, workerData: this.shared.buffer },
      );
      this.worker.unref();
    }
    return now;
  }

  /** Peak RSS since reset(), in MB. */
  async peakMB(): Promise<number> {
    if (this.usesHwm) return (statusKB('VmHWM') ?? NaN) / 1024;
    const now = process.memoryUsage.rss() / 2 ** 20;
    await this.worker?.terminate();
    this.worker = null;
    return Math.max(this.shared[0], now);
  }

  get method(): string {
    return this.usesHwm ? 'VmHWM' : 'rss-poll';
  }
}
