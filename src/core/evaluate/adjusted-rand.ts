/**
 * Adjusted Rand index (Hubert & Arabie 1985) between two labelings of the same rows, as in
 * sklearn's `adjusted_rand_score`: 1 for identical partitions (up to renaming), about 0 for
 * independent ones, negative when agreement is worse than chance. Labels are any integers
 * (or strings); only equality matters. Two trivial partitions that agree on every pair (both a
 * single cluster, or both all singletons) score 1, as in sklearn.
 */
export function adjustedRandIndex(a: ArrayLike<number | string>, b: ArrayLike<number | string>): number {
  const n = a.length;
  if (b.length !== n) throw new RangeError(`adjustedRandIndex: labelings have ${n} and ${b.length} rows`);
  if (n === 0) return 1;
  const ia = denseCodes(a), ib = denseCodes(b);
  const ka = ia.k, kb = ib.k;
  // Contingency table; ka·kb is small for cluster labelings. Fall back to a Map when it is not.
  let sumCells = 0;
  if (ka * kb <= 1 << 22) {
    const table = new Float64Array(ka * kb);
    for (let i = 0; i < n; i++) table[ia.codes[i] * kb + ib.codes[i]]++;
    for (let t = 0; t < table.length; t++) sumCells += pairs(table[t]);
  } else {
    const table = new Map<number, number>();
    for (let i = 0; i < n; i++) {
      const key = ia.codes[i] * kb + ib.codes[i];
      table.set(key, (table.get(key) ?? 0) + 1);
    }
    for (const v of table.values()) sumCells += pairs(v);
  }
  const rowSums = new Float64Array(ka), colSums = new Float64Array(kb);
  for (let i = 0; i < n; i++) { rowSums[ia.codes[i]]++; colSums[ib.codes[i]]++; }
  let sumA = 0, sumB = 0;
  for (let r = 0; r < ka; r++) sumA += pairs(rowSums[r]);
  for (let c = 0; c < kb; c++) sumB += pairs(colSums[c]);
  const expected = (sumA * sumB) / pairs(n);
  const maxIndex = (sumA + sumB) / 2;
  const denom = maxIndex - expected;
  if (denom === 0) return 1; // both trivial and identical in pair terms (sklearn: fn == fp == 0)
  return (sumCells - expected) / denom;
}

function pairs(m: number): number {
  return (m * (m - 1)) / 2;
}

function denseCodes(labels: ArrayLike<number | string>): { codes: Int32Array; k: number } {
  const map = new Map<number | string, number>();
  const codes = new Int32Array(labels.length);
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i];
    let c = map.get(l);
    if (c === undefined) { c = map.size; map.set(l, c); }
    codes[i] = c;
  }
  return { codes, k: map.size };
}
