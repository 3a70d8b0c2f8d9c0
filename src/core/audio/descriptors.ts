/**
 * Frame-level spectral descriptors, averaged over the frames that pass the silence gate:
 * centroid (Hz), 85 % roll-off (Hz), bandwidth (Hz, power-weighted spread about the centroid),
 * flatness (geometric / arithmetic mean of the power spectrum, 0 tonal … 1 white), and the
 * zero-crossing rate in crossings per second of the analysis signal.
 */
export interface SpectralDescriptors {
  spectral_centroid: number;
  spectral_rolloff: number;
  spectral_bandwidth: number;
  spectral_flatness: number;
  zero_crossing_rate: number;
  /** Standard deviation of the per-frame zero-crossing rate, crossings per second. */
  zero_crossing_rate_std: number;
  /** Share of frames below the silence gate, 0 … 1. */
  silent_fraction: number;
}

const ROLLOFF = 0.85;
/** Floor added inside the flatness logarithm, so digital-silence bins do not send it to 0. */
const FLATNESS_FLOOR = 1e-10;

export class DescriptorAccumulator {
  private readonly binHz: number;
  private readonly sampleRate: number;
  private sums = { centroid: 0, rolloff: 0, bandwidth: 0, flatness: 0, zcr: 0, zcrSquared: 0 };
  private voiced = 0;
  private frames = 0;

  constructor(sampleRate: number, frameSize: number) {
    this.sampleRate = sampleRate;
    this.binHz = sampleRate / frameSize;
  }

  /** `sounding` says whether the frame passed the silence gate (decided once by the caller). */
  add(power: Float32Array, raw: Float32Array, sounding: boolean): void {
    this.frames++;
    if (!sounding) return;
    this.voiced++;
    let total = 0, weighted = 0, logSum = 0;
    const n = power.length;
    for (let k = 0; k < n; k++) {
      const p = power[k];
      total += p;
      weighted += p * k;
      logSum += Math.log(p + FLATNESS_FLOOR);
    }
    const centroidBin = weighted / total;
    let spread = 0, cumulative = 0, rolloffBin = n - 1;
    const target = ROLLOFF * total;
    let found = false;
    for (let k = 0; k < n; k++) {
      const p = power[k];
      const d = k - centroidBin;
      spread += p * d * d;
      cumulative += p;
      if (!found && cumulative >= target) { rolloffBin = k; found = true; }
    }
    const arithmetic = total / n + FLATNESS_FLOOR;
    this.sums.centroid += centroidBin * this.binHz;
    this.sums.rolloff += rolloffBin * this.binHz;
    this.sums.bandwidth += Math.sqrt(spread / total) * this.binHz;
    this.sums.flatness += Math.min(1, Math.exp(logSum / n) / arithmetic);
    let crossings = 0;
    for (let i = 1; i < raw.length; i++) if ((raw[i - 1] >= 0) !== (raw[i] >= 0)) crossings++;
    const zcr = (crossings / (raw.length - 1)) * this.sampleRate;
    this.sums.zcr += zcr;
    this.sums.zcrSquared += zcr * zcr;
  }

  result(): SpectralDescriptors {
    const v = this.voiced || 1;
    return {
      spectral_centroid: this.sums.centroid / v,
      spectral_rolloff: this.sums.rolloff / v,
      spectral_bandwidth: this.sums.bandwidth / v,
      spectral_flatness: this.sums.flatness / v,
      zero_crossing_rate: this.sums.zcr / v,
      zero_crossing_rate_std: Math.sqrt(Math.max(0, this.sums.zcrSquared / v - (this.sums.zcr / v) ** 2)),
      silent_fraction: this.frames ? 1 - this.voiced / this.frames : 1,
    };
  }
}
