/** Where each layer's kernel and bias sit in the MLP's one flat parameter vector. */

export interface Layout {
  readonly sizes: readonly number[];
  readonly kOff: readonly number[];
  readonly bOff: readonly number[];
  readonly total: number;
}

export function layout(sizes: readonly number[]): Layout {
  const kOff: number[] = [], bOff: number[] = [];
  let p = 0;
  for (let l = 0; l + 1 < sizes.length; l++) {
    kOff.push(p);
    p += sizes[l] * sizes[l + 1];
    bOff.push(p);
    p += sizes[l + 1];
  }
  return { sizes, kOff, bOff, total: p };
}


/** The weights a fitted model holds: float32 values, kept as float64 for the forward pass. */
export function roundToF32(theta: Float64Array): Float64Array {
  return Float64Array.from(Float32Array.from(theta));
}
