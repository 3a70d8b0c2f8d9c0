/**
 * What each analysed column is, how it is computed and how it was checked: written by
 * `moodscape analyze` into analysis.json beside its output. `measured` columns follow a published
 * definition (Spotify's units, BS.1770, …); `estimated` columns are our own formulas on Spotify's
 * 0 … 1 scale and are never Spotify's values. The check texts name the test that enforces them
 * (src/core/audio/*.test.ts on the rendered corpus of test/support/audio-corpus.ts).
 */
export const ANALYZER_VERSION = 'dsp-2';

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
    [`mfcc_mean_${i}`, { kind: 'measured', method: `mean of MFCC ${i} (40 HTK-mel bands 30–8000 Hz, dB, orthonormal DCT-II) over sounding frames`, check: 'unit test: the DCT of a flat log-mel frame has only coefficient 0' }],
    [`mfcc_std_${i}`, { kind: 'measured', method: `standard deviation of MFCC ${i} over sounding frames`, check: 'unit test: below 0.5 dB for a steady tone (coefficients 1–12)' }],
  ]).flat(),
);

export const FEATURE_PROVENANCE: Readonly<Record<string, FeatureProvenance>> = Object.freeze({
  tempo: { kind: 'measured', method: 'BPM: log-mel spectral-flux onset envelope (flux over 2 frames), local mean removed and square-rooted, bias-corrected autocorrelation, 4-multiple comb over 40–240 BPM with a log-normal prior at 120 BPM (1 octave), faster-pulse check (×2 or ×3/2 when its comb reaches 0.8 of the chosen one, up to 185 BPM)', check: 'rendered corpus 60–180 BPM, pieces with a note on every beat: within ±2 % on ≥ 95 % (octave errors counted apart); wesnoth Oggs against `aubio tempo` (reported)' },
  key: { kind: 'measured', method: 'pitch class 0–11 (C = 0): correlation of mean chroma with the 24 rotations of the Temperley major/minor profiles; −1 when the chroma is flat', check: 'rendered corpus, all 24 keys: key and mode right' },
  mode: { kind: 'measured', method: '1 major, 0 minor: the profile of the winning key; empty with key −1', check: 'rendered corpus, all 24 keys: key and mode right' },
  time_signature: { kind: 'measured', method: 'beats per bar, 3 or 4 only: grouping of beat accents whose strongest position stands out most; 4 when none does', check: 'rendered corpus in 3/4 and 4/4' },
  loudness: { kind: 'measured', method: 'integrated loudness, LUFS, ITU-R BS.1770-4 (K-weighting designed for the file\'s rate, 400 ms blocks, −70 LUFS and −10 LU gates) on the original channels; empty for digital silence', check: 'EBU Tech 3341 cases 1–4 at 44.1 and 48 kHz within 0.1 LU; within 0.5 LU of ffmpeg `-af ebur128` on every rendered file (pieces, speech, noise, clipping) and on 3 wesnoth Oggs' },
  duration_ms: { kind: 'measured', method: 'decoded samples / sample rate, milliseconds', check: 'within 10 ms of the written length' },
  loudness_range: { kind: 'measured', method: 'EBU Tech 3342 loudness range, LU: 3 s blocks every 100 ms, −70 LUFS and −20 LU gates, 10th–95th percentile', check: 'against ffmpeg `ebur128` LRA on the rendered corpus (reported)' },
  onset_rate: { kind: 'measured', method: 'onsets per second: peaks of the onset envelope above a moving median', check: 'unit test: click trains at 72–150 BPM give their click rate ± 0.3 per second' },
  spectral_centroid: { kind: 'measured', method: 'power-weighted mean frequency, Hz (1024-point STFT at ~22 kHz), mean over sounding frames', check: 'unit test: a 1 kHz tone gives 1000 ± 15 Hz' },
  spectral_flatness: { kind: 'measured', method: 'geometric / arithmetic mean of the power spectrum, mean over sounding frames', check: 'unit test: white noise between 0.4 and 0.7, a pure tone below 0.01' },
  spectral_rolloff: { kind: 'measured', method: 'frequency below which 85 % of the power lies, Hz, mean over sounding frames', check: 'unit test: a 1 kHz tone gives 1000 ± 25 Hz' },
  spectral_bandwidth: { kind: 'measured', method: 'power-weighted standard deviation of frequency about the centroid, Hz', check: 'unit test: a pure tone below 100 Hz, white noise more than 10× wider' },
  zero_crossing_rate: { kind: 'measured', method: 'sign changes per second of the ~22 kHz mono analysis signal, mean over sounding frames', check: 'unit test: a 1 kHz tone gives 2000 ± 10 per second' },
  beat_strength: { kind: 'measured', method: 'mean onset strength at the tracked beats / mean onset strength (1 = beats carry no accent)', check: 'unit test: click trains above 2; rendered corpus: a drum groove above sustained strings on the same chords' },
  beat_regularity: { kind: 'measured', method: 'autocorrelation of the onset envelope at the beat period / at lag 0, 0–1', check: 'unit test: click trains above 0.5; rendered corpus: a drum groove above sustained strings on the same chords' },
  key_strength: { kind: 'measured', method: 'correlation of the chroma with the winning key profile, −1…1', check: 'rendered corpus: every rendered piece above white noise and speech' },
  low_energy_fraction: { kind: 'measured', method: 'share of frames whose RMS is below half the mean frame RMS', check: 'rendered corpus: speech above sustained strings' },
  ...chroma,
  ...mfcc,
  energy: { kind: 'estimated', method: 'hand-set blend: 0.55 loudness (−40…−6 LUFS), 0.2 onset rate (0.5–8 /s), 0.15 centroid (400–5000 Hz), 0.1 flatness (log scales); not fitted to Spotify', check: 'rendered contrast: loud distorted-guitar groove > quiet sparse piano by > 0.2; white noise > silence' },
  danceability: { kind: 'estimated', method: 'hand-set blend: 0.4 beat regularity, 0.3 beat strength, 0.3 closeness of tempo to 118 BPM; not fitted to Spotify', check: 'rendered contrast: a drum groove at 118 BPM > sustained strings on the same chords, and > speech' },
  acousticness: { kind: 'estimated', method: 'hand-set: 0.8 spectral tilt (mfcc_mean_1 from 25 to 65) + 0.2 lack of flatness; bright, flat harmonic spectra (saw, square, distortion) read as electronic, so a solo in a high register also reads low; not fitted to Spotify', check: 'rendered contrast: piano / nylon guitar / strings > synth lead / distorted guitar, same notes' },
  speechiness: { kind: 'estimated', method: 'hand-set mean of three: lack of key strength (0.85 → 0.25), timbre change over time (mfcc_std_1 15 → 45), spectral flatness (0.005 → 0.1, log); not fitted to Spotify', check: 'rendered contrast: espeak-ng speech > every rendered music piece' },
  valence: { kind: 'estimated', method: 'hand-set blend: 0.5 major mode, 0.2 key strength in major, 0.15 tempo (60–180 BPM), 0.15 centroid; mode dominates, so it is a crude proxy; not fitted to Spotify', check: 'rendered contrast: the same tune fast in major > slow in minor by > 0.2' },
});
