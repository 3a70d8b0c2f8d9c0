/**
 * Onset strength envelope: mean positive log-mel (dB) difference between consecutive frames
 * (spectral flux on a perceptual scale, as librosa's onset_strength), one value per STFT frame.
 * Onsets are its peaks above a moving median plus a margin; the onset rate is onsets per second.
 */
export class OnsetEnvelopeBuilder {
  private readonly history: Float32Array[];
  private readonly values: Float32Array;
  private readonly lowValues: Float32Array;
  private readonly lowBands: number;
  private count = 0;
  private seen = 0;

  /**
   * `lowBands`: how many of the lowest bands also make the bass envelope (metre accents).
   * `lag`: frames back the difference is taken over; more than 1 catches slow attacks (bowed
   * strings) whose rise is spread over several frames.
   */
  constructor(bands: number, frames: number, lowBands: number, lag = 1) {
    this.history = Array.from({ length: Math.max(1, lag) }, () => new Float32Array(bands));
    this.values = new Float32Array(frames);
    this.lowValues = new Float32Array(frames);
    this.lowBands = Math.max(1, Math.min(bands, lowBands));
  }

  add(logMel: Float32Array): void {
    let flux = 0, low = 0;
    const lag = this.history.length;
    // The slot written `lag` frames ago is the one about to be overwritten.
    const previous = this.history[this.seen % lag];
    if (this.seen >= lag) {
      for (let b = 0; b < logMel.length; b++) {
        const d = logMel[b] - previous[b];
        if (d > 0) {
          flux += d;
          if (b < this.lowBands) low += d;
        }
      }
      flux /= logMel.length;
      low /= this.lowBands;
    }
    previous.set(logMel);
    this.seen++;
    if (this.count < this.values.length) {
      this.lowValues[this.count] = low;
      this.values[this.count++] = flux;
    }
  }

  /** Onset strength over all bands, per frame. */
  envelope(): Float32Array {
    return this.values.subarray(0, this.count);
  }

  /** Onset strength of the bass bands only, per frame. */
  lowEnvelope(): Float32Array {
    return this.lowValues.subarray(0, this.count);
  }
}

/** Smallest onset peak, mean dB rise per mel band: below it a "peak" is numerical noise. */
const MIN_ONSET_PEAK = 0.05;

/** Peaks of `envelope` that are local maxima over ±`radius` frames and exceed median + `margin`·mean. */
export function pickOnsets(envelope: Float32Array, frameRate: number): number[] {
  const radius = Math.max(1, Math.round(0.03 * frameRate));
  const context = Math.max(radius, Math.round(0.5 * frameRate));
  let mean = 0;
  for (const v of envelope) mean += v;
  mean /= envelope.length || 1;
  const onsets: number[] = [];
  const window: number[] = [];
  let lastOnset = -Infinity;
  const minGap = Math.round(0.05 * frameRate);
  for (let i = 0; i < envelope.length; i++) {
    const v = envelope[i];
    if (v <= 0.5 * mean || v < MIN_ONSET_PEAK) continue;
    let isPeak = true;
    for (let j = Math.max(0, i - radius); j <= Math.min(envelope.length - 1, i + radius); j++) {
      if (envelope[j] > v || (envelope[j] === v && j < i)) { isPeak = false; break; }
    }
    if (!isPeak) continue;
    window.length = 0;
    for (let j = Math.max(0, i - context); j <= Math.min(envelope.length - 1, i + context); j++) window.push(envelope[j]);
    window.sort((a, b) => a - b);
    const median = window[window.length >> 1];
    if (v > median + 0.3 * mean && i - lastOnset >= minGap) {
      onsets.push(i);
      lastOnset = i;
    }
  }
  return onsets;
}
