/**
 * The growing output of the row scanner: one Float64Array per numeric column and one string array
 * per text column. A record is parsed straight into row `kept`; committing it just increments
 * `kept`, so a rejected or duplicate record is overwritten by the next one.
 */
import type { TrackTable } from '../../core/data/track-table.ts';

export class TrackColumns {
  numOut: Float64Array[];
  readonly textOut: string[][];
  capacity = 1024;
  kept = 0;

  constructor(private readonly numericNames: readonly string[], private readonly textNames: readonly string[]) {
    this.numOut = numericNames.map(() => new Float64Array(this.capacity));
    this.textOut = textNames.map(() => []);
  }

  /** Doubles the capacity (or raises it to `capacity`); returns the new numeric columns. */
  grow(capacity = this.capacity * 2): Float64Array[] {
    this.capacity = capacity;
    this.numOut = this.numOut.map((col) => {
      const next = new Float64Array(this.capacity);
      next.set(col);
      return next;
    });
    return this.numOut;
  }

  /** The kept rows as a table (ColumnLayout refuses a column named `__proto__`). */
  table(): TrackTable {
    const numeric: Record<string, Float64Array> = {};
    // Within 1/32 of the capacity the columns are used in place rather than copied.
    const tight = this.capacity - this.kept <= this.capacity >> 5;
    this.numericNames.forEach((n, k) => {
      numeric[n] = tight ? this.numOut[k].subarray(0, this.kept) : this.numOut[k].slice(0, this.kept);
    });
    const text: Record<string, string[]> = {};
    this.textNames.forEach((n, k) => {
      const col = this.textOut[k];
      if (col.length > this.kept) col.length = this.kept;
      text[n] = col;
    });
    return { rowCount: this.kept, numeric, text };
  }
}
