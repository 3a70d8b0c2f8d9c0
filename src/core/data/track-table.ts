/**
 * The in-memory form of a catalogue: columnar, so that a feature is one Float64Array and a
 * million tracks cost 8 MB per feature rather than a million objects.
 */
export interface TrackTable {
  readonly rowCount: number;
  /** Audio features by canonical name (see features.ts). NaN marks a missing value. */
  readonly numeric: Record<string, Float64Array>;
  /** Everything else kept as text metadata: id, name, artist, album, genre, label columns … */
  readonly text: Record<string, string[]>;
}

export function emptyTable(): TrackTable {
  return { rowCount: 0, numeric: {}, text: {} };
}

/** A new table holding the given rows, in order. */
export function selectRows(table: TrackTable, indices: ArrayLike<number>): TrackTable {
  const numeric: Record<string, Float64Array> = {};
  for (const [k, col] of Object.entries(table.numeric)) {
    const out = new Float64Array(indices.length);
    for (let i = 0; i < indices.length; i++) out[i] = col[indices[i]];
    numeric[k] = out;
  }
  const text: Record<string, string[]> = {};
  for (const [k, col] of Object.entries(table.text)) {
    const out = new Array<string>(indices.length);
    for (let i = 0; i < indices.length; i++) out[i] = col[indices[i]];
    text[k] = out;
  }
  return { rowCount: indices.length, numeric, text };
}
