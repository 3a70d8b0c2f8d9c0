/**
 * Triangular mel filterbank (HTK mel scale, Slaney-style area normalisation) applied sparsely to a
 * power spectrum. Shared by the MFCCs and the onset envelope, so the bank is applied once per frame.
 */
export interface MelConfig {
  sampleRate: number;
  frameSize: number;
  bands: number;
  minHz: number;
  maxHz: number;
}

const hzToMel = (hz: number) => 2595 * Math.log10(1 + hz / 700);
const melToHz = (mel: number) => 700 * (Math.pow(10, mel / 2595) - 1);

export class MelFilterbank {
  readonly bands: number;
  /** Centre frequency of each band, Hz. */
  readonly centres: Float64Array;
  private readonly first: Int32Array;
  private readonly weights: Float32Array[];

  constructor(config: MelConfig) {
    const { sampleRate, frameSize, bands } = config;
    const maxHz = Math.min(config.maxHz, sampleRate / 2);
    this.bands = bands;
    const lo = hzToMel(config.minHz), hi = hzToMel(maxHz);
    const edges = Array.from({ length: bands + 2 }, (_, i) => melToHz(lo + ((hi - lo) * i) / (bands + 1)));
    const binHz = sampleRate / frameSize;
    this.centres = Float64Array.from({ length: bands }, (_, b) => edges[b + 1]);
    this.first = new Int32Array(bands);
    this.weights = [];
    for (let b = 0; b < bands; b++) {
      const left = edges[b], centre = edges[b + 1], right = edges[b + 2];
      const k0 = Math.max(0, Math.ceil(left / binHz));
      const k1 = Math.min(frameSize / 2, Math.floor(right / binHz));
      const norm = 2 / (right - left);
      const w: number[] = [];
      for (let k = k0; k <= k1; k++) {
        const hz = k * binHz;
        const v = hz <= centre ? (hz - left) / (centre - left) : (right - hz) / (right - centre);
        w.push(Math.max(0, v) * norm);
      }
      this.first[b] = k0;
      this.weights.push(Float32Array.from(w.length ? w : [0]));
    }
  }

  /** Mel band energies of `power` into `out` (length `bands`). */
  apply(power: Float32Array, out: Float32Array): void {
    for (let b = 0; b < this.bands; b++) {
      const w = this.weights[b], k0 = this.first[b];
      let acc = 0;
      for (let i = 0; i < w.length; i++) acc += w[i] * power[k0 + i];
      out[b] = acc;
    }
  }
}
