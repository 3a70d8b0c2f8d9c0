/**
 * Audio features of one decoded track: the single entry point of src/core/audio. Pure and
 * deterministic: channels in (Float32 PCM, any rate, any channel count), features out.
 *
 * Loudness runs on the original channels at the original rate (BS.1770 wants that); everything
 * else on a mono signal decimated to about 22.05 kHz (analysis-signal.ts). One STFT (1024/512 at
 * 22.05 kHz, scaled with the rate) feeds the spectral descriptors, the mel bank, the MFCCs and the
 * onset envelope; a second, longer STFT (4096 points, no overlap) feeds the chroma, where bass notes need the
 * frequency resolution. Tempo, beats and metre come from the onset envelope, key from the chroma.
 *
 * Feature values are numbers; NaN means "not defined for this signal" (the loudness of digital
 * silence, the tempo of a signal with no pulse, the mode when key is −1) and should be written as
 * an empty cell / null, never as a number.
 */
import { toAnalysisSignal } from './analysis-signal.ts';
import { ChromaAccumulator } from './chroma.ts';
import { DescriptorAccumulator } from './descriptors.ts';
import { estimateFeatures } from './estimates.ts';
import { estimateKey, type KeyProfileName } from './key.ts';
import { measureLoudnessR128 } from './loudness-r128.ts';
import { MelFilterbank } from './mel.ts';
import { MfccAccumulator } from './mfcc.ts';
import { OnsetEnvelopeBuilder, pickOnsets } from './onset.ts';
import { forEachPowerFrame, frameCount } from './stft.ts';
import { estimateTempo, estimateTimeSignature, type TempoOptions } from './tempo.ts';
export { ANALYZER_VERSION, FEATURE_PROVENANCE, type FeatureProvenance } from './provenance.ts';

export interface AnalyzeSignalOptions {
  /** Tempo search range and prior (see tempo.ts). */
  tempo?: Partial<TempoOptions>;
  /** Key profile for the key/mode correlation. */
  keyProfile?: KeyProfileName;
  /** Number of MFCC coefficients reported (mfcc_mean_0 … and mfcc_std_0 …). */
  mfccCoefficients?: number;
}

export interface SignalAnalysis {
  /** Spotify-named columns (tempo, key, mode, time_signature, loudness, duration_ms, estimates) and descriptors. */
  features: Record<string, number>;
  durationMs: number;
  /** Rate the spectral stages ran at, Hz. */
  analysisRate: number;
  /** Tracked beat times, seconds. */
  beatTimes: number[];
  /** Correlation of the chroma with the winning key profile. */
  keyStrength: number;
  /** Sample peak over all channels, linear (1 = full scale). */
  samplePeak: number;
}

const DEFAULTS = { keyProfile: 'temperley' as KeyProfileName, mfccCoefficients: 13 };
const MEL_BANDS = 40;
const MEL_MAX_HZ = 8000;
/** Frames quieter than this mean square (−80 dBFS) count as silence for the frame statistics. */
const SILENCE_MEAN_SQUARE = 1e-8;
/** Floor of the log-mel energies in dB, so silence is a constant and adds no onset flux. */
const LOG_MEL_FLOOR = 1e-10;
/** Onset flux is taken over two frames (46 ms at 22.05 kHz), so slow attacks still register. */
const ONSET_LAG = 2;
/** Bands centred below this make the bass onset envelope, whose accents mark the downbeat. */
const BASS_MAX_HZ = 250;
/**
 * Bands more than 60 dB below the frame's loudest band are clamped to that level: window leakage
 * of a steady tone fluctuates there from frame to frame and would read as onsets.
 */
const LOG_MEL_RANGE = 1e-6;

/** Frame and hop for `rate`: 1024/512 at 22.05 kHz, the same duration in seconds elsewhere. */
function frameSizes(rate: number, seconds: number): number {
  return 2 ** Math.round(Math.log2(seconds * rate));
}

export function analyzeSignal(channels: readonly Float32Array[], sampleRate: number, options: AnalyzeSignalOptions = {}): SignalAnalysis {
  if (!(sampleRate > 0) || !Number.isFinite(sampleRate)) throw new RangeError(`sampleRate must be a positive number, got ${sampleRate}`);
  if (channels.length === 0) throw new RangeError('analyzeSignal needs at least one channel');
  const length = channels[0].length;
  for (const ch of channels) if (ch.length !== length) throw new RangeError('all channels must have the same length');
  const o = { ...DEFAULTS, ...options };
  const durationMs = (length / sampleRate) * 1000;

  const loudness = measureLoudnessR128(channels, sampleRate);
  const { samples, sampleRate: rate } = toAnalysisSignal(channels, sampleRate);

  const frameSize = frameSizes(rate, 1024 / 22050);
  const hopSize = frameSize / 2;
  const frameRate = rate / hopSize;
  const frames = frameCount(samples.length, { frameSize, hopSize });
  const mel = new MelFilterbank({ sampleRate: rate, frameSize, bands: MEL_BANDS, minHz: 30, maxHz: MEL_MAX_HZ });
  const melFrame = new Float32Array(MEL_BANDS);
  const descriptors = new DescriptorAccumulator(rate, frameSize);
  const mfcc = new MfccAccumulator(MEL_BANDS, o.mfccCoefficients);
  const onsets = new OnsetEnvelopeBuilder(MEL_BANDS, frames, mel.centres.filter((hz) => hz < BASS_MAX_HZ).length, ONSET_LAG);
  const frameRms = new Float32Array(frames);
  forEachPowerFrame(samples, { frameSize, hopSize }, (power, raw, index) => {
    let ms = 0;
    for (let i = 0; i < raw.length; i++) ms += raw[i] * raw[i];
    ms /= raw.length;
    frameRms[index] = Math.sqrt(ms);
    const sounding = ms > SILENCE_MEAN_SQUARE;
    descriptors.add(power, raw, sounding);
    mel.apply(power, melFrame);
    let peak = LOG_MEL_FLOOR;
    for (let b = 0; b < MEL_BANDS; b++) if (melFrame[b] > peak) peak = melFrame[b];
    const floor = Math.max(LOG_MEL_FLOOR, peak * LOG_MEL_RANGE);
    for (let b = 0; b < MEL_BANDS; b++) melFrame[b] = 10 * Math.log10(melFrame[b] > floor ? melFrame[b] : floor);
    onsets.add(melFrame);
    if (sounding) mfcc.add(melFrame);
  });

  const chromaSize = frameSizes(rate, 4096 / 22050);
  const chroma = new ChromaAccumulator(rate, chromaSize);
  forEachPowerFrame(samples, { frameSize: chromaSize, hopSize: chromaSize }, (power, raw) => {
    let ms = 0;
    for (let i = 0; i < raw.length; i++) ms += raw[i] * raw[i];
    if (ms / raw.length > SILENCE_MEAN_SQUARE) chroma.add(power);
  });

  const envelope = onsets.envelope();
  const tempo = estimateTempo(envelope, frameRate, o.tempo);
  const timeSignature = estimateTimeSignature(envelope, onsets.lowEnvelope(), tempo.beats);
  const chromaMean = chroma.result();
  const key = estimateKey(chromaMean, o.keyProfile);
  const spectral = descriptors.result();
  const { mean: mfccMean, std: mfccStd } = mfcc.result();
  const seconds = length / sampleRate;
  const onsetRate = seconds > 0 ? pickOnsets(envelope, frameRate).length / seconds : 0;
  const lowEnergy = lowEnergyFraction(frameRms);

  const integrated = Number.isFinite(loudness.integrated) ? loudness.integrated : NaN;
  const measured: Record<string, number> = {
    tempo: tempo.bpm,
    key: key.key,
    mode: key.mode,
    time_signature: timeSignature,
    loudness: integrated,
    duration_ms: Math.round(durationMs),
    loudness_range: loudness.range,
    onset_rate: onsetRate,
    spectral_centroid: spectral.spectral_centroid,
    spectral_flatness: spectral.spectral_flatness,
    spectral_rolloff: spectral.spectral_rolloff,
    spectral_bandwidth: spectral.spectral_bandwidth,
    zero_crossing_rate: spectral.zero_crossing_rate,
    beat_strength: tempo.strength,
    beat_regularity: tempo.regularity,
    key_strength: key.strength,
    low_energy_fraction: lowEnergy,
  };
  chromaMean.forEach((v, i) => (measured[`chroma_${i}`] = v));
  mfccMean.forEach((v, i) => (measured[`mfcc_mean_${i}`] = v));
  mfccStd.forEach((v, i) => (measured[`mfcc_std_${i}`] = v));
  const silent = !(loudness.samplePeak > 0) || spectral.silent_fraction >= 1;
  const estimates = silent
    ? { energy: 0, danceability: 0, acousticness: NaN, speechiness: 0, valence: NaN }
    : estimateFeatures({
        loudness: integrated,
        tempo: tempo.bpm,
        mode: key.mode,
        key_strength: key.strength,
        onset_rate: onsetRate,
        spectral_centroid: spectral.spectral_centroid,
        spectral_flatness: spectral.spectral_flatness,
        spectral_rolloff: spectral.spectral_rolloff,
        beat_strength: tempo.strength,
        beat_regularity: tempo.regularity,
        mfcc_mean_1: mfccMean[1] ?? 0,
        mfcc_std_1: mfccStd[1] ?? 0,
      });
  return {
    features: { ...measured, ...estimates },
    durationMs,
    analysisRate: rate,
    beatTimes: tempo.beats.map((b) => (b * hopSize) / rate),
    keyStrength: key.strength,
    samplePeak: loudness.samplePeak,
  };
}

/** Share of frames whose RMS is below half the mean frame RMS (Tzanetakis' low-energy feature). */
function lowEnergyFraction(rms: Float32Array): number {
  let mean = 0;
  for (const v of rms) mean += v;
  mean /= rms.length || 1;
  if (!(mean > 0)) return 1;
  let low = 0;
  for (const v of rms) if (v < 0.5 * mean) low++;
  return low / rms.length;
}
