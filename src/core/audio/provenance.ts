/**
 * What each analysed column is, how it is computed and how it was checked: written by
 * `moodscape analyze` into analysis.json beside its output. `measured` columns follow a published
 * definition (Spotify's units, BS.1770, …); `estimated` columns are our own formulas on Spotify's
 * 0 … 1 scale and are never Spotify's values. The check texts name the test that enforces them
 * (src/core/audio/*.test.ts on the rendered corpus of test/support/audio-corpus.ts).
 */
export const ANALYZER_VERSION = 'dsp-1';

export interface FeatureProvenance {
  kind: 'measured' | 'estimated';
  method: string;
  check: string;
}

const chroma = Object.fromEntries(
  ['C', 'C#', 'D', 'D#', 'E', 'F', 'F#', 'G', 'G#', 'A', 'A#', 'B'].map((name, i): [string, FeatureProvenance] => [
    `chroma_${i}`,
    { kind: 'measured', method: `mean chroma share of pitch class ${name} (4096-point STFT at ~22 kHz, 65–2100 Hz, frames max-normalised, shares sum to 1)`, check: 'key test: the winning key profile rotation on every rendered key' },
  ]),
);

const mfcc = Object.fromEntries(
  Array.from({ length: 13 }, (_, i): [string, FeatureProvenance][] => [
    [`mfcc_mean_${i}`, { kind: 'measured', method: `mean of MFCC ${i} (40 HTK-mel bands 30–8000 Hz, dB, orthonormal DCT-II) over sounding frames`, check: 'unit test: DCT of a flat log-mel spectrum has only coefficient 0' }],
    [`mfcc_std_${i}`, { kind: 'measured', method: `standard deviation of MFCC ${i} over sounding frames`, check: 'unit test: zero for a stationary tone' }],
  ]).flat(),
);

export const FEATURE_PROVENANCE: Readonly<Record<string, FeatureProvenance>> = Object.freeze({
  tempo: { kind: 'measured', method: 'BPM: log-mel spectral-flux onset envelope, bias-corrected autocorrelation, 4-multiple comb over 40–240 BPM with a log-normal prior at 120 BPM (1 octave), faster-pulse check (×2 or ×3/2 when its comb reaches 0.8 of the chosen one, up to 185 BPM)', check: 'rendered corpus 60–180 BPM: within ±2 % (octave errors counted apart); wesnoth Oggs against `aubio tempo`' },
  key: { kind: 'measured', method: 'pitch class 0–11 (C = 0): correlation of mean chroma with the 24 rotations of the Temperley major/minor profiles; −1 when the chroma is flat', check: 'rendered corpus, all 24 keys: key and mode right' },
  mode: { kind: 'measured', method: '1 major, 0 minor: the profile of the winning key; empty with key −1', check: 'rendered corpus, all 24 keys: key and mode right' },
  time_signature: { kind: 'measured', method: 'beats per bar, 3 or 4 only: grouping of beat accents whose strongest position stands out most; 4 when none does', check: 'rendered corpus in 3/4 and 4/4' },
  loudness: { kind: 'measured', method: 'integrated loudness, LUFS, ITU-R BS.1770-4 (K-weighting designed for the file\'s rate, 400 ms blocks, −70 LUFS and −10 LU gates) on the original channels; empty for digital silence', check: 'within 0.5 LU of ffmpeg `-af ebur128` on every rendered file, noise and clipping, and on wesnoth Oggs' },
  duration_ms: { kind: 'measured', method: 'decoded samples / sample rate, milliseconds', check: 'within 10 ms of the written length' },
  loudness_range: { kind: 'measured', method: 'EBU Tech 3342 loudness range, LU: 3 s blocks every 100 ms, −70 LUFS and −20 LU gates, 10th–95th percentile', check: 'against ffmpeg `ebur128` LRA on the rendered corpus (reported)' },
  onset_rate: { kind: 'measured', method: 'onsets per second: peaks of the onset envelope above a moving median', check: 'rendered corpus: a denser note grid gives a higher rate' },
  spectral_centroid: { kind: 'measured', method: 'power-weighted mean frequency, Hz (1024-point STFT at ~22 kHz), mean over sounding frames', check: 'unit test: a pure tone\'s centroid is its frequency' },
  spectral_flatness: { kind: 'measured', method: 'geometric / arithmetic mean of the power spectrum, mean over sounding frames', check: 'unit test: white noise near 0.56 (Hann, power), a tone near 0' },
  spectral_rolloff: { kind: 'measured', method: 'frequency below which 85 % of the power lies, Hz, mean over sounding frames', check: 'unit test: a tone\'s roll-off is at its frequency' },
  spectral_bandwidth: { kind: 'measured', method: 'power-weighted standard deviation of frequency about the centroid, Hz', check: 'unit test: noise wider than a tone' },
  zero_crossing_rate: { kind: 'measured', method: 'sign changes per second of the ~22 kHz mono analysis signal, mean over sounding frames', check: 'unit test: a tone of f Hz crosses 2f times per second' },
  beat_strength: { kind: 'measured', method: 'mean onset strength at the tracked beats / mean onset strength (1 = beats carry no accent)', check: 'rendered corpus: a drum pattern scores higher than sustained strings' },
  beat_regularity: { kind: 'measured', method: 'autocorrelation of the onset envelope at the beat period / at lag 0, 0–1', check: 'rendered corpus: a drum pattern scores higher than sustained strings' },
  key_strength: { kind: 'measured', method: 'correlation of the chroma with the winning key profile, −1…1', check: 'rendered corpus: a cadence scores higher than white noise' },
  low_energy_fraction: { kind: 'measured', method: 'share of frames whose RMS is below half the mean frame RMS', check: 'rendered corpus: speech above sustained music' },
  ...chroma,
  ...mfcc,
  energy: { kind: 'estimated', method: 'hand-set blend: 0.55 loudness (−40…−6 LUFS), 0.2 onset rate, 0.15 centroid, 0.1 flatness (log scales); not fitted to Spotify', check: 'rendered contrast: loud dense electronic > quiet sparse piano; white noise > silence' },
  danceability: { kind: 'estimated', method: 'hand-set blend: 0.4 beat regularity, 0.3 beat strength, 0.3 closeness of tempo to 118 BPM; not fitted to Spotify', check: 'rendered contrast: steady drum groove at 118 BPM > rubato-free sustained strings and speech' },
  acousticness: { kind: 'estimated', method: 'hand-set: 1 − (0.5 roll-off 1.5–9 kHz + 0.5 flatness), log scales; not fitted to Spotify', check: 'rendered contrast: piano / nylon guitar / strings > synth lead / distorted guitar, same notes' },
  speechiness: { kind: 'estimated', method: 'hand-set blend: 0.4 low-energy fraction, 0.3 lack of key strength, 0.3 spread of the zero-crossing rate; not fitted to Spotify', check: 'rendered contrast: espeak-ng speech > every rendered music piece' },
  valence: { kind: 'estimated', method: 'hand-set blend: 0.5 major mode, 0.2 key strength in major, 0.15 tempo (60–180 BPM), 0.15 centroid; not fitted to Spotify', check: 'rendered contrast: the same tune fast in major > slow in minor' },
});
