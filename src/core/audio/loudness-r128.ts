/**
 * Loudness per ITU-R BS.1770-4 / EBU R128 on the original channels and sample rate: K-weighting
 * (shelf + high-pass biquads designed for the actual rate, as libebur128 does), 400 ms blocks every
 * 100 ms, absolute gate −70 LUFS, relative gate −10 LU (integrated); loudness range per EBU Tech
 * 3342 from 3 s blocks every 100 ms, gates −70 LUFS and −20 LU, 10th–95th percentile spread.
 */
export interface LoudnessR128 {
  /** Integrated loudness, LUFS; −Infinity when every block is below the absolute gate (silence). */
  integrated: number;
  /** Loudness range, LU; 0 when fewer than two short-term blocks pass the gates. */
  range: number;
  /** Largest absolute sample value over all channels (linear, 1 = full scale). */
  samplePeak: number;
}

interface Biquad { b0: number; b1: number; b2: number; a1: number; a2: number }

/** The two K-weighting stages for `sampleRate` (coefficients from libebur128's filter design). */
export function kWeightingFilters(sampleRate: number): [Biquad, Biquad] {
  let f0 = 1681.974450955533;
  const G = 3.999843853973347;
  let Q = 0.7071752369554196;
  let K = Math.tan((Math.PI * f0) / sampleRate);
  const Vh = Math.pow(10, G / 20);
  const Vb = Math.pow(Vh, 0.4996667741545416);
  let a0 = 1 + K / Q + K * K;
  const shelf: Biquad = {
    b0: (Vh + (Vb * K) / Q + K * K) / a0,
    b1: (2 * (K * K - Vh)) / a0,
    b2: (Vh - (Vb * K) / Q + K * K) / a0,
    a1: (2 * (K * K - 1)) / a0,
    a2: (1 - K / Q + K * K) / a0,
  };
  f0 = 38.13547087602444;
  Q = 0.5003270373238773;
  K = Math.tan((Math.PI * f0) / sampleRate);
  a0 = 1 + K / Q + K * K;
  const highPass: Biquad = { b0: 1, b1: -2, b2: 1, a1: (2 * (K * K - 1)) / a0, a2: (1 - K / Q + K * K) / a0 };
  return [shelf, highPass];
}

/** BS.1770 channel weights in the usual orders (L R C Ls Rs / L R C LFE Ls Rs): surrounds 1.41, LFE 0. */
function channelWeights(count: number): number[] {
  const w = new Array<number>(count).fill(1);
  if (count === 5) { w[3] = 1.41; w[4] = 1.41; }
  if (count === 6) { w[3] = 0; w[4] = 1.41; w[5] = 1.41; }
  return w;
}

const ABSOLUTE_GATE_LUFS = -70;
const toLufs = (meanSquare: number) => -0.691 + 10 * Math.log10(meanSquare);

export function measureLoudnessR128(channels: readonly Float32Array[], sampleRate: number): LoudnessR128 {
  const length = channels.length ? channels[0].length : 0;
  const step = Math.round(sampleRate / 10); // 100 ms
  const steps = Math.floor(length / step);
  // Weighted sum over channels of the K-weighted energy in each 100 ms step.
  const stepEnergy = new Float64Array(steps);
  const [s, h] = kWeightingFilters(sampleRate);
  const weights = channelWeights(channels.length);
  let samplePeak = 0;
  for (let c = 0; c < channels.length; c++) {
    const x = channels[c];
    const wc = weights[c];
    // Direct form II transposed, both stages fused; state in locals.
    let s1 = 0, s2 = 0, h1 = 0, h2 = 0;
    const sb0 = s.b0, sb1 = s.b1, sb2 = s.b2, sa1 = s.a1, sa2 = s.a2;
    const ha1 = h.a1, ha2 = h.a2; // the high-pass numerator is 1, −2, 1
    let peak = 0;
    for (let st = 0, i = 0; st <= steps; st++) {
      const end = st < steps ? i + step : length;
      let acc = 0;
      for (; i < end; i++) {
        const v = x[i];
        const av = v < 0 ? -v : v;
        if (av > peak) peak = av;
        const y = sb0 * v + s1;
        s1 = sb1 * v - sa1 * y + s2;
        s2 = sb2 * v - sa2 * y;
        const z = y + h1;
        h1 = -2 * y - ha1 * z + h2;
        h2 = y - ha2 * z;
        acc += z * z;
      }
      if (st < steps && wc !== 0) stepEnergy[st] += wc * acc;
    }
    if (peak > samplePeak) samplePeak = peak;
  }
  return {
    integrated: integratedLoudness(blockMeans(stepEnergy, 4, step)),
    range: loudnessRange(blockMeans(stepEnergy, 30, step)),
    samplePeak,
  };
}

/** Mean square of every window of `width` steps, hopping one step. */
function blockMeans(stepEnergy: Float64Array, width: number, step: number): Float64Array {
  const n = stepEnergy.length - width + 1;
  if (n <= 0) return new Float64Array(0);
  const out = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < width; i++) sum += stepEnergy[i];
  for (let b = 0; b < n; b++) {
    out[b] = sum / (width * step);
    if (b + width < stepEnergy.length) sum += stepEnergy[b + width] - stepEnergy[b];
  }
  return out;
}

function integratedLoudness(blocks: Float64Array): number {
  const absolute = Math.pow(10, (ABSOLUTE_GATE_LUFS + 0.691) / 10);
  let sum = 0, n = 0;
  for (const e of blocks) if (e > absolute) { sum += e; n++; }
  if (n === 0) return -Infinity;
  const relative = (sum / n) * Math.pow(10, -10 / 10);
  let sum2 = 0, n2 = 0;
  for (const e of blocks) if (e > absolute && e > relative) { sum2 += e; n2++; }
  return toLufs(sum2 / n2);
}

function loudnessRange(blocks: Float64Array): number {
  const absolute = Math.pow(10, (ABSOLUTE_GATE_LUFS + 0.691) / 10);
  let sum = 0, n = 0;
  for (const e of blocks) if (e > absolute) { sum += e; n++; }
  if (n === 0) return 0;
  const relative = (sum / n) * Math.pow(10, -20 / 10);
  const kept: number[] = [];
  for (const e of blocks) if (e > absolute && e > relative) kept.push(toLufs(e));
  if (kept.length < 2) return 0;
  kept.sort((a, b) => a - b);
  const at = (p: number) => kept[Math.min(kept.length - 1, Math.max(0, Math.round(p * (kept.length - 1))))];
  return at(0.95) - at(0.1);
}
