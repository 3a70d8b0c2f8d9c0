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
  else if (channels.length > 1) {
    const scale = 1 / channels.length;
    for (const ch of channels) for (let i = 0; i < length; i++) mono[i] += ch[i];
    for (let i = 0; i < length; i++) mono[i] *= scale;
  }
  const factor = Math.max(1, Math.round(sampleRate / TARGET_ANALYSIS_RATE));
  if (factor === 1) return { samples: mono, sampleRate };
  return { samples: decimate(mono, factor), sampleRate: sampleRate / factor };
}

/** Blackman-windowed sinc low-pass at the new Nyquist, evaluated only at kept samples; zero taps skipped. */
function decimate(x: Float32Array, factor: number): Float32Array {
  const halfTaps = 6 * factor;
  const offsets: number[] = [];
  const taps: number[] = [];
  let norm = 0;
  for (let j = -halfTaps; j <= halfTaps; j++) {
    const t = j / factor;
    const sinc = j === 0 ? 1 : Math.sin(Math.PI * t) / (Math.PI * t);
    const n = (j + halfTaps) / (2 * halfTaps);
    const w = 0.42 - 0.5 * Math.cos(2 * Math.PI * n) + 0.08 * Math.cos(4 * Math.PI * n);
    const v = sinc * w;
    norm += v;
    if (Math.abs(v) > 1e-9) { offsets.push(j); taps.push(v); }
  }
  const h = Float64Array.from(taps, (v) => v / norm);
  const off = Int32Array.from(offsets);
  const outLength = Math.floor(x.length / factor);
  const y = new Float32Array(outLength);
  const last = x.length - 1;
  for (let o = 0; o < outLength; o++) {
    const centre = o * factor;
    let acc = 0;
    if (centre - halfTaps >= 0 && centre + halfTaps <= last) {
      for (let t = 0; t < h.length; t++) acc += h[t] * x[centre + off[t]];
    } else {
      for (let t = 0; t < h.length; t++) {
        const i = centre + off[t];
        if (i >= 0 && i <= last) acc += h[t] * x[i];
      }
    }
    y[o] = acc;
  }
  return y;
}
