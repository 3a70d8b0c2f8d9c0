/**
 * The mono signal the spectral, tempo and key stages read: channels averaged, then decimated by the
 * integer factor that brings the rate nearest 22.05 kHz (44.1 → 22.05, 48 → 24, 96 → 24, 16 → 16).
 * Integer decimation keeps the filter cheap and exact; every later stage works in Hz and seconds,
 * so the few rates that end up slightly different give comparable numbers.
 */
export interface AnalysisSignal {
  samples: Float32Array;
  sampleRate: number;
}

export const TARGET_ANALYSIS_RATE = 22050;

export function toAnalysisSignal(channels: readonly Float32Array[], sampleRate: number): AnalysisSignal {
  const length = channels.length ? channels[0].length : 0;
  const mono = new Float32Array(length);
  if (channels.length === 1) mono.set(channels[0]);
  else if (channels.length === 2) {
    const l = channels[0], r = channels[1];
    for (let i = 0; i < length; i++) mono[i] = 0.5 * (l[i] + r[i]);
  } else if (channels.length > 2) {
    const scale = 1 / channels.length;
    for (const ch of channels) for (let i = 0; i < length; i++) mono[i] += ch[i];
    for (let i = 0; i < length; i++) mono[i] *= scale;
  }
  const factor = Math.max(1, Math.round(sampleRate / TARGET_ANALYSIS_RATE));
  if (factor === 1) return { samples: mono, sampleRate };
  return { samples: decimate(mono, factor), sampleRate: sampleRate / factor };
}

/**
 * Blackman-windowed sinc low-pass at the new Nyquist, evaluated only at kept samples. The kernel
 * is symmetric, so each pair of taps costs one multiply; zero taps (every other one at factor 2,
 * a half-band filter) are skipped.
 */
function decimate(x: Float32Array, factor: number): Float32Array {
  const halfTaps = 6 * factor;
  const kernel = (j: number) => {
    const t = j / factor;
    const sinc = j === 0 ? 1 : Math.sin(Math.PI * t) / (Math.PI * t);
    const n = (j + halfTaps) / (2 * halfTaps);
    return sinc * (0.42 - 0.5 * Math.cos(2 * Math.PI * n) + 0.08 * Math.cos(4 * Math.PI * n));
  };
  let norm = kernel(0);
  const offsets: number[] = [];
  const taps: number[] = [];
  for (let j = 1; j <= halfTaps; j++) {
    const v = kernel(j);
    norm += 2 * v;
    if (Math.abs(v) > 1e-9) { offsets.push(j); taps.push(v); }
  }
  const centreTap = kernel(0) / norm;
  const h = Float64Array.from(taps, (v) => v / norm);
  const off = Int32Array.from(offsets);
  const pairs = h.length;
  const outLength = Math.floor(x.length / factor);
  const y = new Float32Array(outLength);
  const last = x.length - 1;
  const at = (i: number) => (i >= 0 && i <= last ? x[i] : 0);
  if (factor === 2 && pairs === 6) return halfBand(x, y, centreTap, h);
  for (let o = 0; o < outLength; o++) {
    const c = o * factor;
    let acc = centreTap * x[c];
    if (c - halfTaps >= 0 && c + halfTaps <= last) {
      for (let t = 0; t < pairs; t++) acc += h[t] * (x[c - off[t]] + x[c + off[t]]);
    } else {
      for (let t = 0; t < pairs; t++) acc += h[t] * (at(c - off[t]) + at(c + off[t]));
    }
    y[o] = acc;
  }
  return y;
}

/** The factor-2 case unrolled (44.1 and 48 kHz, nearly every file): six tap pairs at odd offsets. */
function halfBand(x: Float32Array, y: Float32Array, centre: number, h: Float64Array): Float32Array {
  const [h1, h3, h5, h7, h9, h11] = h;
  const last = x.length - 1;
  const at = (i: number) => (i >= 0 && i <= last ? x[i] : 0);
  const n = y.length;
  for (let o = 0; o < n; o++) {
    const c = 2 * o;
    if (c >= 11 && c + 11 <= last) {
      y[o] = centre * x[c] + h1 * (x[c - 1] + x[c + 1]) + h3 * (x[c - 3] + x[c + 3]) + h5 * (x[c - 5] + x[c + 5])
        + h7 * (x[c - 7] + x[c + 7]) + h9 * (x[c - 9] + x[c + 9]) + h11 * (x[c - 11] + x[c + 11]);
    } else {
      y[o] = centre * at(c) + h1 * (at(c - 1) + at(c + 1)) + h3 * (at(c - 3) + at(c + 3)) + h5 * (at(c - 5) + at(c + 5))
        + h7 * (at(c - 7) + at(c + 7)) + h9 * (at(c - 9) + at(c + 9)) + h11 * (at(c - 11) + at(c + 11));
    }
  }
  return y;
}
