/**
 * TEMPORARY STUB of the dsp developer's analyzer (replaced when branch dsp is merged): the
 * contract the analyze command codes against.
 */
export const ANALYZER_VERSION = 'stub-0';

export interface FeatureProvenance {
  kind: 'measured' | 'estimated';
  method: string;
  check: string;
}

export const FEATURE_PROVENANCE: Readonly<Record<string, FeatureProvenance>> = {
  duration_ms: { kind: 'measured', method: 'sample count / rate', check: 'stub' },
  loudness: { kind: 'measured', method: 'mean square in dB (stub, not BS.1770)', check: 'stub' },
  tempo: { kind: 'measured', method: 'stub constant', check: 'stub' },
  key: { kind: 'measured', method: 'stub constant', check: 'stub' },
  mode: { kind: 'measured', method: 'stub constant', check: 'stub' },
  time_signature: { kind: 'measured', method: 'stub constant', check: 'stub' },
};

export interface SignalAnalysis {
  features: Record<string, number>;
  durationMs: number;
}

export function analyzeSignal(channels: readonly Float32Array[], sampleRate: number, _options?: unknown): SignalAnalysis {
  const n = channels[0]?.length ?? 0;
  let sum = 0;
  for (const c of channels) for (let i = 0; i < n; i++) sum += c[i] * c[i];
  const ms = n ? sum / n : 0;
  const durationMs = (n / sampleRate) * 1000;
  const loudness = ms > 0 ? Math.max(-70, -0.691 + 10 * Math.log10(ms)) : -70;
  return { features: { duration_ms: durationMs, loudness, tempo: 120, key: 0, mode: 1, time_signature: 4 }, durationMs };
}
