/**
 * A few long-lived worker threads running one entry module, asked with promises. Each thread
 * registers tsx itself (as bin/moodscape.js does), so the entry can be TypeScript. A thread that
 * dies fails its pending requests and is replaced.
 */
import { Worker } from 'node:worker_threads';

const TSX_API = import.meta.resolve('tsx/esm/api');
const BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
import(workerData.tsx).then((m) => { m.register(); return import(workerData.entry); });`;

interface Pending {
  resolve(v: unknown): void;
  reject(e: Error): void;
}

interface Slot {
  worker: Worker;
  pending: Map<number, Pending>;
}

export class ThreadPool<Req extends { id: number }, Ans extends { id: number; error?: string }> {
  private readonly slots: Slot[] = [];
  private next = 0;
  private ids = 0;
  private closed = false;

  constructor(private readonly entry: URL, readonly size: number) {
    for (let i = 0; i < size; i++) this.slots.push(this.spawn());
  }

  private spawn(): Slot {
    const worker = new Worker(BOOTSTRAP, { eval: true, workerData: { tsx: TSX_API, entry: this.entry.href } });
    const slot: Slot = { worker, pending: new Map() };
    worker.on('message', (a: Ans) => {
      const p = slot.pending.get(a.id);
      if (!p) return;
      slot.pending.delete(a.id);
      if (a.error !== undefined) p.reject(new Error(a.error));
      else p.resolve(a);
    });
    const die = (e: Error) => {
      for (const p of slot.pending.values()) p.reject(e);
      slot.pending.clear();
      if (this.closed) return;
      const i = this.slots.indexOf(slot);
      if (i >= 0) this.slots[i] = this.spawn();
    };
    worker.on('error', die);
    worker.on('exit', (code) => { if (!this.closed) die(new Error(`worker thread exited with code ${code}`)); });
    return slot;
  }

  /** Sends `req` (its id is assigned here) to the next thread in turn. */
  run(req: Omit<Req, 'id'>, transfer: ArrayBuffer[] = []): Promise<Ans> {
    const slot = this.slots[this.next++ % this.slots.length];
    const id = ++this.ids;
    return new Promise<Ans>((resolve, reject) => {
      slot.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      slot.worker.postMessage({ ...req, id }, transfer);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}
