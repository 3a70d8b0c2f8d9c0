/**
 * Estimated features on Spotify's 0 … 1 scales, from measured descriptors only. These are
 * hand-set formulas, not Spotify's models and not fitted to Spotify's values: each one is defined
 * here and checked only for direction on a controlled contrast of the rendered corpus (see
 * FEATURE_PROVENANCE). instrumentalness and liveness are left out: nothing we can render
 * contains singing or an audience, so no check of them would be honest.
 */
export interface EstimateInputs {
  loudness: number;
  tempo: number;
  mode: number;
  key_strength: number;
  onset_rate: number;
  spectral_centroid: number;
  spectral_flatness: number;
  spectral_rolloff: number;
  /** MFCC 1 mean: the spectral tilt, high when energy falls steeply with frequency. */
  mfcc_mean_1: number;
  mfcc_std_1: number;
  beat_strength: number;
  beat_regularity: number;
}

export interface Estimates {
  energy: number;
  danceability: number;
  acousticness: number;
  speechiness: number;
  valence: number;
}

const clamp01 = (x: number) => (Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0);
/** Position of `x` between `lo` (0) and `hi` (1) on a log scale. */
const logScale = (x: number, lo: number, hi: number) => (x > 0 ? clamp01(Math.log(x / lo) / Math.log(hi / lo)) : 0);

export function estimateFeatures(f: EstimateInputs): Estimates {
  const loud = Number.isFinite(f.loudness) ? clamp01((f.loudness + 40) / 34) : 0;
  const busy = logScale(f.onset_rate, 0.5, 8);
  const bright = logScale(f.spectral_centroid, 400, 5000);
  const noisy = logScale(f.spectral_flatness, 1e-4, 0.3);
  const tempoFit = Number.isFinite(f.tempo) && f.tempo > 0 ? Math.exp(-0.5 * (Math.log2(f.tempo / 118) / 0.45) ** 2) : 0;
  const pulse = clamp01((f.beat_strength - 1) / 1.5);
  const tonal = clamp01(f.key_strength / 0.8);
  return {
    energy: clamp01(0.55 * loud + 0.2 * busy + 0.15 * bright + 0.1 * noisy),
    danceability: clamp01(0.4 * clamp01(f.beat_regularity * 2) + 0.3 * pulse + 0.3 * tempoFit),
    acousticness: clamp01(0.8 * clamp01((f.mfcc_mean_1 - 25) / 40) + 0.2 * (1 - noisy)),
    speechiness: clamp01(
      (clamp01((0.85 - f.key_strength) / 0.6) + clamp01((f.mfcc_std_1 - 15) / 30) + logScale(f.spectral_flatness, 0.005, 0.1)) / 3,
    ),
    valence: clamp01(0.5 * (f.mode === 1 ? 1 : 0) + 0.2 * tonal * (f.mode === 1 ? 1 : 0) + 0.15 * logScale(f.tempo, 60, 180) + 0.15 * bright),
  };
}
