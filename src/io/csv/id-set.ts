/**
 * Set of track ids for duplicate detection while ingesting: an open-addressing hash table of
 * indices into the (already kept) id column, so the ids are not stored twice. About 2.5× faster
 * than a `Set<string>` at a million ids.
 */
export class IdIndex {
  private cap = 1 << 12;
  private slots = new Int32Array(this.cap); // 1 + row index, 0 = empty
  private hashes = new Int32Array(this.cap);
  private count = 0;

  /** `ids[row]` must hold the id of every row added so far. */
  constructor(private readonly ids: readonly string[]) {}

  get size(): number {
    return this.count;
  }

  static hash(s: string): number {
    let h = 0x811c9dc5 | 0;
    for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
    return h;
  }

  /** Whether `id` was added before. `hash` must be `IdIndex.hash(id)`. */
  has(id: string, hash = IdIndex.hash(id)): boolean {
    const h = hash;
    const mask = this.cap - 1;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const e = this.slots[i];
      if (e === 0) return false;
      if (this.hashes[i] === h && this.ids[e - 1] === id) return true;
    }
  }

  /** Records that row `row` (whose id is `ids[row]`, not yet present) is kept. */
  add(row: number, hash = IdIndex.hash(this.ids[row])): void {
    if ((this.count + 1) * 2 > this.cap) this.grow();
    const h = hash;
    const mask = this.cap - 1;
    let i = h & mask;
    while (this.slots[i] !== 0) i = (i + 1) & mask;
    this.slots[i] = row + 1;
    this.hashes[i] = h;
    this.count++;
  }

  private grow(): void {
    const oldSlots = this.slots;
    const oldHashes = this.hashes;
    this.cap *= 2;
    this.slots = new Int32Array(this.cap);
    this.hashes = new Int32Array(this.cap);
    const mask = this.cap - 1;
    for (let j = 0; j < oldSlots.length; j++) {
      const e = oldSlots[j];
      if (e === 0) continue;
      let i = oldHashes[j] & mask;
      while (this.slots[i] !== 0) i = (i + 1) & mask;
      this.slots[i] = e;
      this.hashes[i] = oldHashes[j];
    }
  }
}
