/**
 * Short-time power spectra, one frame at a time: a Hann-windowed frame every `hopSize` samples, its
 * |X[k]|² handed to a callback together with the raw frame. Nothing is stored, so a long file costs
 * only the per-frame outputs its consumers keep; the buffers are reused across frames.
 */
import { hannWindow, RealFft } from './fft.ts';

export interface StftConfig {
  frameSize: number;
  hopSize: number;
}

export type PowerFrameHandler = (power: Float32Array, raw: Float32Array, index: number) => void;

/** Number of frames `forEachPowerFrame` visits: frames start at 0, the last one fits; at least one. */
export function frameCount(length: number, { frameSize, hopSize }: StftConfig): number {
  return length <= frameSize ? 1 : 1 + Math.floor((length - frameSize) / hopSize);
}

export function forEachPowerFrame(signal: Float32Array, config: StftConfig, onFrame: PowerFrameHandler): number {
  const { frameSize, hopSize } = config;
  if (!Number.isInteger(hopSize) || hopSize < 1) throw new RangeError(`hopSize must be a positive integer, got ${hopSize}`);
  const fft = new RealFft(frameSize);
  const window = hannWindow(frameSize);
  const raw = new Float32Array(frameSize);
  const windowed = new Float32Array(frameSize);
  const power = new Float32Array(fft.bins);
  const n = frameCount(signal.length, config);
  for (let f = 0; f < n; f++) {
    const start = f * hopSize;
    const end = Math.min(signal.length, start + frameSize);
    const filled = end - start;
    for (let i = 0; i < filled; i++) {
      const v = signal[start + i];
      raw[i] = v;
      windowed[i] = v * window[i];
    }
    for (let i = filled; i < frameSize; i++) raw[i] = windowed[i] = 0;
    fft.power(windowed, power);
    onFrame(power, raw, f);
  }
  return n;
}
