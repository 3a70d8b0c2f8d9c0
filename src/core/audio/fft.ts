/**
 * Power spectrum of a real frame by a radix-2 FFT of half the size (the even/odd packing trick).
 * Written here rather than taken from fft.js because core/ imports no packages (architecture test),
 * and because the analyser only ever needs |X[k]|², which this computes without a complex output
 * array. Tables are built once per size; `power` allocates nothing.
 */
export class RealFft {
  readonly size: number;
  /** Number of bins written by `power`: size / 2 + 1 (DC … Nyquist). */
  readonly bins: number;
  private readonly half: number;
  private readonly bitReverse: Uint32Array;
  private readonly cosTable: Float64Array;
  private readonly sinTable: Float64Array;
  private readonly re: Float64Array;
  private readonly im: Float64Array;

  constructor(size: number) {
    if (!Number.isInteger(size) || size < 4 || (size & (size - 1)) !== 0) {
      throw new RangeError(`FFT size must be a power of two ≥ 4, got ${size}`);
    }
    this.size = size;
    this.half = size >> 1;
    this.bins = this.half + 1;
    const m = this.half;
    this.bitReverse = new Uint32Array(m);
    const levels = Math.log2(m);
    for (let i = 0; i < m; i++) {
      let r = 0;
      for (let b = 0, x = i; b < levels; b++, x >>= 1) r = (r << 1) | (x & 1);
      this.bitReverse[i] = r;
    }
    // Twiddles of the full size N: the half-size FFT uses every other one, the unpacking all of them.
    this.cosTable = new Float64Array(m);
    this.sinTable = new Float64Array(m);
    for (let k = 0; k < m; k++) {
      this.cosTable[k] = Math.cos((2 * Math.PI * k) / size);
      this.sinTable[k] = Math.sin((2 * Math.PI * k) / size);
    }
    this.re = new Float64Array(m);
    this.im = new Float64Array(m);
  }

  /** Writes |X[k]|² for k = 0 … size/2 of the real frame `input` (length `size`) into `out`. */
  power(input: ArrayLike<number>, out: Float32Array | Float64Array): void {
    const m = this.half;
    const re = this.re, im = this.im, rev = this.bitReverse;
    for (let i = 0; i < m; i++) {
      const j = rev[i];
      re[j] = input[2 * i];
      im[j] = input[2 * i + 1];
    }
    const cos = this.cosTable, sin = this.sinTable;
    // First stage (length 2) has only the twiddle 1.
    for (let a = 0; a < m; a += 2) {
      const br = re[a + 1], bi = im[a + 1];
      re[a + 1] = re[a] - br;
      im[a + 1] = im[a] - bi;
      re[a] += br;
      im[a] += bi;
    }
    for (let len = 4; len <= m; len <<= 1) {
      const halfLen = len >> 1;
      const step = (this.size / len) | 0; // twiddle index stride in the size-N table
      // Twiddle outside, butterflies inside: each twiddle is loaded once per stage.
      for (let k = 0; k < halfLen; k++) {
        const wr = cos[k * step], wi = -sin[k * step];
        for (let a = k; a < m; a += len) {
          const b = a + halfLen;
          const xr = re[b], xi = im[b];
          const tr = xr * wr - xi * wi;
          const ti = xr * wi + xi * wr;
          re[b] = re[a] - tr;
          im[b] = im[a] - ti;
          re[a] += tr;
          im[a] += ti;
        }
      }
    }
    // Unpack: X[k] = E[k] + e^{-2πik/N} O[k], with E, O from Z[k] and conj(Z[m-k]).
    out[0] = (re[0] + im[0]) * (re[0] + im[0]);
    out[m] = (re[0] - im[0]) * (re[0] - im[0]);
    for (let k = 1; k < m; k++) {
      const zr = re[k], zi = im[k], cr = re[m - k], ci = -im[m - k];
      const er = 0.5 * (zr + cr), ei = 0.5 * (zi + ci);
      // O = (Z - conj(Z[m-k])) / (2i)
      const dr = 0.5 * (zr - cr), di = 0.5 * (zi - ci);
      const or = di, oi = -dr;
      const wr = cos[k], wi = -sin[k];
      const xr = er + or * wr - oi * wi;
      const xi = ei + or * wi + oi * wr;
      out[k] = xr * xr + xi * xi;
    }
  }
}

/** Periodic Hann window (the STFT convention: overlap-adds to a constant at 50 % hop). */
export function hannWindow(size: number): Float32Array {
  const w = new Float32Array(size);
  for (let i = 0; i < size; i++) w[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / size);
  return w;
}
