/**
 * One string per distinct value of a text column while ingesting. Catalogue columns like genre,
 * artist and album repeat a few thousand values over a million rows; decoding each cell into a
 * new string leaves millions of long-lived strings for the garbage collector to copy (a quarter
 * of ingest time at 1M rows). The interner finds an ASCII cell's earlier string from its bytes —
 * hashed as the scanner reads them — and decodes only values not seen before.
 *
 * A column that hardly repeats (track names in some catalogues, ids) would pay for the lookups
 * and gain nothing, so after SAMPLE cells the interner turns itself off unless at least
 * MIN_HIT_RATE of them were found.
 */

/** FNV-1a over bytes: the scanner folds each byte in with `fnvStep` from FNV_OFFSET. */
export const FNV_OFFSET = 0x811c9dc5 | 0;
export function fnvStep(h: number, byte: number): number {
  return Math.imul(h ^ byte, 0x01000193);
}

const SAMPLE = 16384;
const MIN_HIT_RATE = 0.5;
/** Distinct values kept at most; past it new values are decoded without being remembered. */
const MAX_DISTINCT = 1 << 20;

/** Node's Buffer has this (undocumented but long-standing) fast slice decoder. */
interface Latin1Slicer {
  latin1Slice(start: number, end: number): string;
}

export class TextInterner {
  private cap = 1 << 12;
  /** 1 + index into `values`; 0 = empty. */
  private slots = new Int32Array(this.cap);
  private hashes = new Int32Array(this.cap);
  private values: string[] = [];
  private lookups = 0;
  private hits = 0;
  enabled = true;

  /**
   * The string of the ASCII bytes data[start, end) whose FNV-1a hash is `hash`: the one returned
   * for the same bytes before, or a new one.
   */
  get(data: Uint8Array, start: number, end: number, hash: number): string {
    if (!this.enabled) return (data as unknown as Latin1Slicer).latin1Slice(start, end);
    const mask = this.cap - 1;
    const len = end - start;
    let i = hash & mask;
    for (;;) {
      const e = this.slots[i];
      if (e === 0) break;
      if (this.hashes[i] === hash) {
        const v = this.values[e - 1];
        if (v.length === len && sameAscii(v, data, start)) {
          this.hits++;
          this.count();
          return v;
        }
      }
      i = (i + 1) & mask;
    }
    const s = (data as unknown as Latin1Slicer).latin1Slice(start, end);
    if (this.values.length < MAX_DISTINCT) {
      this.values.push(s);
      this.slots[i] = this.values.length;
      this.hashes[i] = hash;
      if (this.values.length * 2 > this.cap) this.grow();
    }
    this.count();
    return s;
  }

  private count(): void {
    if (++this.lookups === SAMPLE && this.hits < SAMPLE * MIN_HIT_RATE) {
      this.enabled = false;
      this.cap = 0;
      this.slots = new Int32Array(0);
      this.hashes = new Int32Array(0);
      this.values = [];
    }
  }

  private grow(): void {
    const oldSlots = this.slots, oldHashes = this.hashes;
    this.cap *= 2;
    this.slots = new Int32Array(this.cap);
    this.hashes = new Int32Array(this.cap);
    const mask = this.cap - 1;
    for (let j = 0; j < oldSlots.length; j++) {
      if (oldSlots[j] === 0) continue;
      let i = oldHashes[j] & mask;
      while (this.slots[i] !== 0) i = (i + 1) & mask;
      this.slots[i] = oldSlots[j];
      this.hashes[i] = oldHashes[j];
    }
  }
}

function sameAscii(s: string, data: Uint8Array, start: number): boolean {
  for (let k = 0; k < s.length; k++) if (s.charCodeAt(k) !== data[start + k]) return false;
  return true;
}
