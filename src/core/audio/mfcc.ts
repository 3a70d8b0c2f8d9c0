/**
 * MFCC statistics: orthonormal DCT-II of the log-mel (dB) frame, first `coefficients` kept; mean and
 * standard deviation over the frames that pass the silence gate (Welford, no per-frame storage).
 */
export class MfccAccumulator {
  readonly coefficients: number;
  private readonly dct: Float64Array[];
  private readonly mean: Float64Array;
  private readonly m2: Float64Array;
  private readonly frame: Float64Array;
  private count = 0;

  constructor(bands: number, coefficients: number) {
    this.coefficients = coefficients;
    this.dct = [];
    for (let c = 0; c < coefficients; c++) {
      const row = new Float64Array(bands);
      const scale = Math.sqrt((c === 0 ? 1 : 2) / bands);
      for (let b = 0; b < bands; b++) row[b] = scale * Math.cos((Math.PI * c * (b + 0.5)) / bands);
      this.dct.push(row);
    }
    this.mean = new Float64Array(coefficients);
    this.m2 = new Float64Array(coefficients);
    this.frame = new Float64Array(coefficients);
  }

  add(logMel: Float32Array): void {
    this.count++;
    for (let c = 0; c < this.coefficients; c++) {
      const row = this.dct[c];
      let acc = 0;
      for (let b = 0; b < row.length; b++) acc += row[b] * logMel[b];
      this.frame[c] = acc;
      const d = acc - this.mean[c];
      this.mean[c] += d / this.count;
      this.m2[c] += d * (acc - this.mean[c]);
    }
  }

  /** Per coefficient mean and population standard deviation; zeros when no frame was added. */
  result(): { mean: number[]; std: number[] } {
    const n = this.count;
    return {
      mean: Array.from(this.mean),
      std: Array.from(this.m2, (v) => (n > 0 ? Math.sqrt(v / n) : 0)),
    };
  }
}
