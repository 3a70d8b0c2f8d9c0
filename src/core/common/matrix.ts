/**
 * A dense row-major matrix of float64. Core numerics take and return these, never nested arrays:
 * one contiguous buffer keeps inner loops cache-friendly and makes serialisation a single copy.
 */
export interface Matrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float64Array;
}

export function matrix(rows: number, cols: number, data?: Float64Array): Matrix {
  if (data && data.length !== rows * cols) {
    throw new RangeError(`matrix data has ${data.length} values, expected ${rows}×${cols}`);
  }
  return { rows, cols, data: data ?? new Float64Array(rows * cols) };
}

export function fromRows(rows: ArrayLike<ArrayLike<number>>): Matrix {
  const n = rows.length;
  const d = n ? rows[0].length : 0;
  const m = matrix(n, d);
  for (let i = 0; i < n; i++) {
    const r = rows[i];
    if (r.length !== d) throw new RangeError(`row ${i} has ${r.length} values, expected ${d}`);
    for (let j = 0; j < d; j++) m.data[i * d + j] = r[j];
  }
  return m;
}

export function row(m: Matrix, i: number): Float64Array {
  return m.data.subarray(i * m.cols, (i + 1) * m.cols);
}

/** Rows picked by index, in the given order (for splits, folds and bootstrap samples). */
export function takeRows(m: Matrix, indices: ArrayLike<number>): Matrix {
  const out = matrix(indices.length, m.cols);
  for (let r = 0; r < indices.length; r++) {
    const src = indices[r] * m.cols;
    out.data.set(m.data.subarray(src, src + m.cols), r * m.cols);
  }
  return out;
}

export function toRows(m: Matrix): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < m.rows; i++) out.push(Array.from(row(m, i)));
  return out;
}

/** Throws when a fitted model is given data of another width (sklearn's n_features_in_ check). */
export function assertWidth(m: Matrix, expected: number, who: string): void {
  if (m.cols !== expected) {
    throw new RangeError(`${who} was fitted on ${expected} features but got ${m.cols}`);
  }
}

/** Index of the largest value of each row (the first one on ties): predicted classes from probabilities. */
export function argmaxRows(m: Matrix): Int32Array {
  const out = new Int32Array(m.rows), k = m.cols, d = m.data;
  for (let i = 0; i < m.rows; i++) {
    const o = i * k;
    let best = 0;
    for (let c = 1; c < k; c++) if (d[o + c] > d[o + best]) best = c;
    out[i] = best;
  }
  return out;
}

/** The labels at the given indices, in order (labels of a split or fold). */
export function takeLabels(y: Int32Array, indices: ArrayLike<number>): Int32Array {
  const out = new Int32Array(indices.length);
  for (let i = 0; i < indices.length; i++) out[i] = y[indices[i]];
  return out;
}
